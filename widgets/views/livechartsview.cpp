#include "views/livechartsview.h"
#include "views/exporter.h"

#include <QEvent>
#include <QGridLayout>
#include <QLineSeries>

#include "charts/histogramchart.h"
#include "charts/timeserieschart.h"

namespace ipcpg {

namespace {

using Quantity = AxisScale::Quantity;
using Side = TimeSeriesChart::AxisSide;
using M = RunRecording::Metric;

// Which recording metric feeds which series of which chart, in series order.
const QList<M> kThroughputMetrics { M::MessagesPerSecond, M::BytesPerSecond };
const QList<M> kLatencyMetrics { M::LatencyP50, M::LatencyP99, M::LatencyP999 };
const QList<M> kErrorMetrics { M::SyncErrorsPerSecond, M::SyncErrorsTotal, M::LostTotal, M::IntegrityErrorsTotal };
const QList<M> kCostMetrics { M::CpuNsPerMessage, M::SwitchesPerMessage };

void feed(TimeSeriesChart* chart, const RunRecording& recording, const QList<M>& metrics)
{
    for (int i = 0; i < metrics.size(); ++i)
        chart->setPoints(i, recording.points(metrics[i]));
}

TimeSeriesChart::Overlay overlayOf(const RunRecording& recording, const QList<M>& metrics)
{
    TimeSeriesChart::Overlay overlay;
    overlay.name = recording.describe();
    for (M metric : metrics)
        overlay.series.append(recording.points(metric));
    return overlay;
}

} // namespace

LiveChartsView::LiveChartsView(QWidget* parent)
    : QWidget(parent)
{
    buildCharts();
    buildGrid();
    m_timer.setInterval(1000 / kRefreshHz);
    connect(&m_timer, &QTimer::timeout, this, [this] {
        if (m_dirty)
            refreshCharts(++m_pacedRefreshes % kHistogramEvery == 0);
    });
    reset(RunSpec {});
}

void LiveChartsView::buildCharts()
{
    m_throughput = new TimeSeriesChart(tr("Throughput"), { Quantity::PerSecond, tr("messages (%1)") },
        TimeSeriesChart::AxisSpec { Quantity::BytesPerSecond, tr("payload (%1)") },
        { { tr("messages/s"), Side::Left }, { tr("bytes/s"), Side::Right } });
    m_latency = new TimeSeriesChart(tr("Latency"), { Quantity::Nanoseconds, tr("latency (%1)"), true }, std::nullopt,
        { { tr("p50"), Side::Left }, { tr("p99"), Side::Left }, { tr("p99.9"), Side::Left } });
    m_errors = new TimeSeriesChart(tr("Errors"), { Quantity::PerSecond, tr("sync errors (%1)") },
        TimeSeriesChart::AxisSpec { Quantity::Plain, tr("total (%1)") },
        { { tr("sync errors/s"), Side::Left }, { tr("sync errors"), Side::Right }, { tr("lost"), Side::Right },
            { tr("integrity errors"), Side::Right } });
    m_cost = new TimeSeriesChart(tr("Cost per message"), { Quantity::Nanoseconds, tr("CPU time (%1)") },
        TimeSeriesChart::AxisSpec { Quantity::Plain, tr("context switches (%1)") },
        { { tr("CPU per message"), Side::Left }, { tr("switches per message"), Side::Right } });
    m_histogram = new HistogramChart;

    m_throughput->setToolTip(tr("Messages and payload bytes moved per second, measured by the receiving side"));
    m_latency->setToolTip(tr("Latency percentiles of each ~100 ms interval: half of the messages were faster than p50, "
                             "99% faster than p99"));
    m_errors->setToolTip(tr("Sync errors: damage from missing synchronisation. Lost: messages a lossy mechanism "
                            "dropped. Integrity errors: damage on a mechanism that promises delivery."));
    m_cost->setToolTip(tr("CPU time of all worker processes and context switches, divided by the messages: the "
                          "kernel's share of the work becomes visible here"));
    m_histogram->setToolTip(tr("How the latencies of all messages so far are distributed (logarithmic time axis)"));
}

void LiveChartsView::buildGrid()
{
    m_grid = new QGridLayout(this);
    m_grid->setContentsMargins(0, 0, 0, 0);
    m_grid->setSpacing(4);
    m_grid->addWidget(m_throughput, 0, 0);
    m_grid->addWidget(m_latency, 0, 1);
    m_grid->addWidget(m_errors, 1, 0);
    m_grid->addWidget(m_cost, 1, 1);
    m_grid->addWidget(m_histogram, 2, 0, 1, 2);
    for (int row = 0; row < 3; ++row)
        m_grid->setRowStretch(row, 1);
    for (int column = 0; column < 2; ++column)
        m_grid->setColumnStretch(column, 1);
}

void LiveChartsView::setSideWidget(QWidget* widget)
{
    m_grid->removeWidget(m_histogram);
    m_grid->addWidget(m_histogram, 2, 0);
    m_grid->addWidget(widget, 2, 1);
}

QLineSeries* LiveChartsView::messagesSeries() const { return m_throughput->series(0); }
QLineSeries* LiveChartsView::p50Series() const { return m_latency->series(0); }
QLineSeries* LiveChartsView::syncErrorsSeries() const { return m_errors->series(0); }

void LiveChartsView::reset(const RunSpec& spec)
{
    m_recording = RunRecording(spec);
    m_latency->setTitle(
        spec.mode == Mode::PingPong ? tr("Latency: round trip (log scale)") : tr("Latency: one way (log scale)"));
    m_dirty = true;
    refresh();
}

void LiveChartsView::setRecording(const RunRecording& recording)
{
    m_recording = recording;
    m_latency->setTitle(recording.spec().mode == Mode::PingPong ? tr("Latency: round trip (log scale)")
                                                                : tr("Latency: one way (log scale)"));
    refresh();
}

void LiveChartsView::addSample(const SampleMessage& sample)
{
    m_recording.addSample(sample);
    m_dirty = true;
}

void LiveChartsView::setLive(bool live)
{
    if (live)
        m_timer.start();
    else
        m_timer.stop();
}

void LiveChartsView::setOverlays(const QList<RunRecording>& recordings)
{
    m_overlays = recordings;
    QList<TimeSeriesChart::Overlay> throughput, latency, errors, cost;
    for (const RunRecording& recording : recordings) {
        throughput.append(overlayOf(recording, kThroughputMetrics));
        latency.append(overlayOf(recording, kLatencyMetrics));
        errors.append(overlayOf(recording, kErrorMetrics));
        cost.append(overlayOf(recording, kCostMetrics));
    }
    m_throughput->setOverlays(throughput);
    m_latency->setOverlays(latency);
    m_errors->setOverlays(errors);
    m_cost->setOverlays(cost);
    refresh();
}

void LiveChartsView::refreshCharts(bool withHistogram)
{
    m_dirty = false;
    ++m_refreshes;
    feed(m_throughput, m_recording, kThroughputMetrics);
    feed(m_latency, m_recording, kLatencyMetrics);
    feed(m_errors, m_recording, kErrorMetrics);
    feed(m_cost, m_recording, kCostMetrics);
    const double end = std::max(1.0, m_recording.lastTime());
    for (TimeSeriesChart* chart : { m_throughput, m_latency, m_errors, m_cost })
        chart->refresh(end);
    if (withHistogram) {
        const bool roundTrip = m_recording.spec().mode == Mode::PingPong;
        m_histogram->setHistogram(m_recording.histogram(), roundTrip ? tr("round trip") : tr("one way"));
    }
    emit refreshed();
}

void LiveChartsView::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::PaletteChange) {
        for (TimeSeriesChart* chart : { m_throughput, m_latency, m_errors, m_cost })
            chart->applyPalette(palette());
        m_histogram->applyPalette(palette());
    }
    QWidget::changeEvent(event);
}

QWidget* LiveChartsView::exportedChart() { return this; }

bool LiveChartsView::exportData(DataFormat format, const QString& path, QString* error) const
{
    const auto& result = m_recording.result();
    if (!result) {
        *error = tr("There is no finished run to export yet.");
        return false;
    }
    return format == DataFormat::Json ? exporting::writeRunJson(m_recording, path, error)
                                      : exporting::writeRunCsv(*result, path, error);
}

} // namespace ipcpg
