#pragma once

#include <QList>
#include <QPointF>
#include <QString>
#include <array>
#include <optional>

#include "charts/liveseries.h"
#include "ipcpg/controlprotocol.h"
#include "ipcpg/runresult.h"

namespace ipcpg {

// Everything a run showed over time, in raw units, with constant memory: the series the live
// charts draw and the run's latency histogram, filled from the worker's samples. A finished run's
// recording can be kept under a name and overlaid on a later run.
class RunRecording {
public:
    enum Metric {
        MessagesPerSecond,
        BytesPerSecond,
        LatencyP50,
        LatencyP99,
        LatencyP999,
        SyncErrorsPerSecond,
        SyncErrorsTotal,
        LostTotal,
        IntegrityErrorsTotal,
        CpuNsPerMessage,
        SwitchesPerMessage,
        // Fan-out and fan-in: the slowest and the fastest member at each sample (see
        // rankMembers()), percentiles of all of its messages so far.
        SlowestMemberP50,
        SlowestMemberP99,
        FastestMemberP50,
        FastestMemberP99,
        MetricCount
    };

    explicit RunRecording(RunSpec spec = {});

    void addSample(const SampleMessage& sample);
    // The run's own account replaces what the samples added up to: its histogram is the one shown.
    void setResult(const RunResult& result);

    const RunSpec& spec() const { return m_spec; }
    const std::optional<RunResult>& result() const { return m_result; }
    const LiveSeries& series(Metric metric) const { return m_series[metric]; }
    QList<QPointF> points(Metric metric) const { return m_series[metric].points(); }
    const LatencyHistogram& histogram() const { return m_histogram; }
    double lastTime() const { return m_lastTime; }
    int sampleCount() const { return m_samples; }
    // The members of the last sample (fan-out and fan-in runs; empty for pairs): running totals.
    const std::vector<MemberSample>& lastMembers() const { return m_lastMembers; }
    // "shm · stream · 4 KiB · sync=spin", "pipe · stream · 64 B · fanout to 8 · offered 20.0k/s"
    QString describe() const;

private:
    RunSpec m_spec;
    std::array<LiveSeries, MetricCount> m_series;
    LatencyHistogram m_histogram;
    std::optional<RunResult> m_result;
    double m_lastTime = 0;
    int m_samples = 0;
    std::vector<MemberSample> m_lastMembers;
    std::uint64_t m_previousSyncErrors = 0;
    double m_previousCpuS = 0;
    std::uint64_t m_previousSwitches = 0;
};

} // namespace ipcpg
