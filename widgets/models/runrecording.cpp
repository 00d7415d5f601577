#include "models/runrecording.h"

#include <algorithm>

#include "models/memberranking.h"
#include "support/qtconversions.h"

namespace ipcpg {

RunRecording::RunRecording(RunSpec spec)
    : m_spec(std::move(spec))
{
}

void RunRecording::addSample(const SampleMessage& sample)
{
    const double cpuS = sample.cpuUserS + sample.cpuSysS;
    const std::uint64_t switches = sample.voluntarySwitches + sample.involuntarySwitches;
    const std::uint64_t newSyncErrors
        = sample.syncErrors >= m_previousSyncErrors ? sample.syncErrors - m_previousSyncErrors : 0;
    const double cpuDelta = cpuS - m_previousCpuS;
    const std::uint64_t switchDelta = switches >= m_previousSwitches ? switches - m_previousSwitches : 0;
    m_previousSyncErrors = sample.syncErrors;
    m_previousCpuS = cpuS;
    m_previousSwitches = switches;
    m_histogram.addBuckets(sample.histogramDelta);
    if (!sample.members.empty())
        m_lastMembers = sample.members;
    // Warm-up samples feed the histogram baseline only; the charts start at the measured window.
    if (sample.elapsedS < 0 || sample.intervalS <= 0)
        return;
    // The first interval after warm-up is partly warm-up, whose messages are not counted: rate
    // it over its measured part only. A sliver of an interval says nothing; skip it.
    const double measuredS = measuredSeconds(sample);
    if (measuredS < 0.01)
        return;
    ++m_samples;
    const double t = sample.elapsedS;
    m_lastTime = t;
    m_series[MessagesPerSecond].append(t, messageRate(sample));
    m_series[BytesPerSecond].append(t, static_cast<double>(sample.bytes) / measuredS);
    if (sample.latencyNs.count > 0) {
        m_series[LatencyP50].append(t, sample.latencyNs.p50);
        m_series[LatencyP99].append(t, sample.latencyNs.p99);
        m_series[LatencyP999].append(t, sample.latencyNs.p999);
    }
    m_series[SyncErrorsPerSecond].append(t, static_cast<double>(newSyncErrors) / measuredS);
    m_series[SyncErrorsTotal].append(t, static_cast<double>(sample.syncErrors));
    m_series[LostTotal].append(t, static_cast<double>(sample.lost));
    m_series[IntegrityErrorsTotal].append(t, static_cast<double>(sample.integrityErrors));
    if (sample.messages > 0) {
        // CPU and switches are read from /proc at clock-tick resolution; per interval that is
        // coarse but unbiased, and the final result has the exact figures from wait4.
        m_series[CpuNsPerMessage].append(t, cpuDelta * 1e9 / static_cast<double>(sample.messages));
        m_series[SwitchesPerMessage].append(t, static_cast<double>(switchDelta) / static_cast<double>(sample.messages));
    }
    const MemberRanking ranking = rankMembers(sample.members);
    if (ranking.slowest >= 0) {
        const LatencySummary& slowest = sample.members[static_cast<std::size_t>(ranking.slowest)].latencyNs;
        const LatencySummary& fastest = sample.members[static_cast<std::size_t>(ranking.fastest)].latencyNs;
        m_series[SlowestMemberP50].append(t, slowest.p50);
        m_series[SlowestMemberP99].append(t, slowest.p99);
        m_series[FastestMemberP50].append(t, fastest.p50);
        m_series[FastestMemberP99].append(t, fastest.p99);
    }
}

void RunRecording::setResult(const RunResult& result)
{
    m_result = result;
    m_histogram = result.histogram;
}

QString RunRecording::describe() const
{
    QString text = toQString(m_spec.mechanism) + QStringLiteral(" · ") + toQString(toString(m_spec.mode))
        + QStringLiteral(" · ") + formatBytesQ(m_spec.messageSize);
    for (const auto& [name, value] : m_spec.options)
        text += QStringLiteral(" · ") + toQString(name) + QLatin1Char('=') + toQString(value);
    if (m_spec.placement != Placement::Unpinned)
        text += QStringLiteral(" · ") + toQString(toString(m_spec.placement));
    if (m_spec.topology == Topology::FanOut)
        text += QStringLiteral(" · fanout to %1").arg(m_spec.subscribers);
    if (m_spec.topology == Topology::FanIn)
        text += QStringLiteral(" · fanin from %1").arg(m_spec.publishers);
    if (m_spec.rate > 0)
        text += QStringLiteral(" · offered ") + formatRateQ(m_spec.rate);
    return text;
}

} // namespace ipcpg
