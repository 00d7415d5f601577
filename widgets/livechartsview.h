#pragma once

#include <QTimer>
#include <QWidget>

#include "ipcpg/controlprotocol.h"
#include "ipcpg/runspec.h"
#include "liveseries.h"

class QChart;
class QChartView;
class QLineSeries;
class QValueAxis;

namespace ipcpg {

// The live charts of a run: throughput (messages/s and bytes/s) and latency percentiles over
// time. Samples only go into bounded LiveSeries; a 15 Hz timer copies them into the charts with
// one replace() per series, so the redraw rate does not depend on how fast samples arrive.
class LiveChartsView : public QWidget {
    Q_OBJECT

public:
    static constexpr int kRefreshHz = 15;

    explicit LiveChartsView(QWidget* parent = nullptr);

    void reset(const RunSpec& spec);
    void addSample(const SampleMessage& sample);
    void setLive(bool live); // the timer only runs while a run is live

    QLineSeries* messagesSeries() const { return m_messagesSeries; }
    QLineSeries* bytesSeries() const { return m_bytesSeries; }
    QLineSeries* p50Series() const { return m_p50Series; }
    QLineSeries* p99Series() const { return m_p99Series; }
    QChartView* throughputView() const { return m_throughputView; }
    QChartView* latencyView() const { return m_latencyView; }

    // Copies the series into the charts now (the timer does this while live).
    void refresh();

signals:
    void refreshed();

private:
    RunSpec m_spec;
    LiveSeries m_messages;
    LiveSeries m_bytes;
    LiveSeries m_p50;
    LiveSeries m_p99;
    bool m_dirty = false;
    QTimer m_timer;

    QChartView* m_throughputView = nullptr;
    QChartView* m_latencyView = nullptr;
    QLineSeries* m_messagesSeries = nullptr;
    QLineSeries* m_bytesSeries = nullptr;
    QLineSeries* m_p50Series = nullptr;
    QLineSeries* m_p99Series = nullptr;
    QValueAxis* m_throughputTime = nullptr;
    QValueAxis* m_messagesAxis = nullptr;
    QValueAxis* m_bytesAxis = nullptr;
    QValueAxis* m_latencyTime = nullptr;
    QValueAxis* m_latencyAxis = nullptr;
};

} // namespace ipcpg
