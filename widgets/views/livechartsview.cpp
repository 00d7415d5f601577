#include "views/livechartsview.h"
#include "views/exporter.h"

#include <QEvent>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLegend>
#include <QLineSeries>
#include <QSortFilterProxyModel>
#include <QTableView>

#include "charts/histogramchart.h"
#include "charts/timeserieschart.h"
#include "models/membersmodel.h"

namespace ipcpg {

namespace {

using Quantity = AxisScale::Quantity;
using Side = TimeSeriesChart::AxisSide;
using M = RunRecording::Metric;

// Which recording metric feeds which series of which chart, in series order.
const QList<M> kThroughputMetrics { M::MessagesPerSecond, M::BytesPerSecond };
const QList<M> kLatencyMetrics { M::LatencyP50, M::LatencyP99, M::LatencyP999, M::SlowestMemberP50, M::SlowestMemberP99,
    M::FastestMemberP50, M::FastestMemberP99 };
const QList<M> kErrorMetrics { M::SyncErrorsPerSecond, M::SyncErrorsTotal, M::LostTotal, M::IntegrityErrorsTotal };
const QList<M> kCostMetrics { M::CpuNsPerMessage, M::SwitchesPerMessage };

// The latency chart's series from this one on are the members', shown for fan-out and fan-in only.
constexpr int kFirstMemberSeries = 3;
constexpr int kSlowestP99Series = 4;
constexpr int kFastestP99Series = 6;

// Shares of the bottom row's width: histogram and side widget split it evenly, as the charts
// above do. The members table is not among them: it takes the width its columns need.
constexpr int kHistogramShare = 1;
constexpr int kSideShare = 1;

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
    // The members' lines take colours of their own (purple and brown for the slowest, teal and
    // green for the fastest), so they never read as one of the interval percentiles.
    m_latency = new TimeSeriesChart(tr("Latency"), { Quantity::Nanoseconds, tr("latency (%1)"), true }, std::nullopt,
        { { tr("p50"), Side::Left }, { tr("p99"), Side::Left }, { tr("p99.9"), Side::Left },
            { tr("slowest p50"), Side::Left, 6 }, { tr("slowest p99"), Side::Left, 8 },
            { tr("fastest p50"), Side::Left, 3 }, { tr("fastest p99"), Side::Left, 4 } });
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
                             "99% faster than p99. Fan-out and fan-in: slowest and fastest are the members with the "
                             "highest and the lowest p99 at that moment, over all of their messages so far."));
    m_errors->setToolTip(tr("Sync errors: damage from missing synchronisation. Lost: messages a lossy mechanism "
                            "dropped. Integrity errors: damage on a mechanism that promises delivery."));
    m_cost->setToolTip(tr("CPU time of all worker processes and context switches, divided by the messages: the "
                          "kernel's share of the work becomes visible here"));
    m_histogram->setToolTip(tr("How the latencies of all messages so far are distributed (logarithmic time axis)"));
}

// One row per member, sortable by any column (by value, not by its text); index order at first.
QWidget* LiveChartsView::buildMembersTable()
{
    m_members = new MembersModel(this);
    m_sortedMembers = new QSortFilterProxyModel(this);
    m_sortedMembers->setSourceModel(m_members);
    m_sortedMembers->setSortRole(MembersModel::kSortRole);
    m_membersView = new QTableView;
    m_membersView->setObjectName(QStringLiteral("membersView")); // found by tests
    m_membersView->setModel(m_sortedMembers);
    m_membersView->setSortingEnabled(true);
    m_membersView->sortByColumn(MembersModel::MemberColumn, Qt::AscendingOrder);
    m_membersView->verticalHeader()->hide();
    m_membersView->verticalHeader()->setDefaultSectionSize(m_membersView->fontMetrics().height() + 6);
    m_membersView->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    // As wide as its columns, so no figure is ever cut off (a latency without its unit would
    // mislead); the histogram and the side widget share what is left. Its height is the row's.
    // No stretched last column: the table would then ask for the width it was given, and grow.
    m_membersView->setSizeAdjustPolicy(QAbstractScrollArea::AdjustToContents);
    m_membersView->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_membersView->setSizePolicy(QSizePolicy::Minimum, QSizePolicy::Ignored);
    m_membersView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_membersView->setToolTip(tr("Every subscriber or publisher: running totals while the run goes, the run's own "
                                 "figures at its end. The slowest member (highest p99) is highlighted; click a "
                                 "column to sort by it."));
    m_membersView->hide();
    return m_membersView;
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
    m_bottomRow = new QHBoxLayout;
    m_bottomRow->setSpacing(m_grid->spacing());
    m_bottomRow->addWidget(m_histogram, kHistogramShare);
    m_bottomRow->addWidget(buildMembersTable(), 0);
    m_grid->addLayout(m_bottomRow, 2, 0, 1, 2);
    for (int row = 0; row < 3; ++row)
        m_grid->setRowStretch(row, 1);
    for (int column = 0; column < 2; ++column)
        m_grid->setColumnStretch(column, 1);
}

void LiveChartsView::setSideWidget(QWidget* widget) { m_bottomRow->addWidget(widget, kSideShare); }

QLineSeries* LiveChartsView::messagesSeries() const { return m_throughput->series(0); }
QLineSeries* LiveChartsView::p50Series() const { return m_latency->series(0); }
QLineSeries* LiveChartsView::syncErrorsSeries() const { return m_errors->series(0); }
QLineSeries* LiveChartsView::slowestP99Series() const { return m_latency->series(kSlowestP99Series); }
QLineSeries* LiveChartsView::fastestP99Series() const { return m_latency->series(kFastestP99Series); }

// What differs between a pair run and a fan-out or fan-in: the latency kind in the title, the
// member series and the members table.
void LiveChartsView::showKindOfRun(const RunSpec& spec)
{
    m_latency->setTitle(
        spec.mode == Mode::PingPong ? tr("Latency: round trip (log scale)") : tr("Latency: one way (log scale)"));
    const bool hub = spec.topology != Topology::Pair;
    for (int series = kFirstMemberSeries; series < m_latency->seriesCount(); ++series)
        m_latency->setSeriesVisible(series, hub);
    // Seven entries do not fit in one line below the chart; on the right each keeps its name.
    m_latency->chart()->legend()->setAlignment(hub ? Qt::AlignRight : Qt::AlignBottom);
    m_membersView->setVisible(hub);
}

void LiveChartsView::reset(const RunSpec& spec)
{
    m_recording = RunRecording(spec);
    showKindOfRun(spec);
    m_dirty = true;
    refresh();
}

void LiveChartsView::setRecording(const RunRecording& recording)
{
    m_recording = recording;
    showKindOfRun(recording.spec());
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
    refreshMembers();
    emit refreshed();
}

// The run's own members once it has reported them, the last sample's running totals until then.
void LiveChartsView::refreshMembers()
{
    const std::optional<RunResult>& result = m_recording.result();
    if (result && !result->members.empty())
        m_members->setResult(*result);
    else
        m_members->setSamples(m_recording.spec().topology, m_recording.lastMembers());
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
