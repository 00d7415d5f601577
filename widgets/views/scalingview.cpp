#include "views/scalingview.h"

#include <QChart>
#include <QChartView>
#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QEvent>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLegend>
#include <QLineEdit>
#include <QTableView>
#include <QVBoxLayout>
#include <algorithm>

#include "charts/charttheme.h"
#include "charts/curvechart.h"
#include "controllers/sweepcontroller.h"
#include "ipcpg/frontendrules.h"
#include "models/sweepresultsmodel.h"
#include "support/legendnames.h"
#include "support/qtconversions.h"
#include "views/comparelayout.h"
#include "views/exporter.h"
#include "views/mechanismchecklist.h"
#include "views/setupfields.h"
#include "views/sweepprogresspanel.h"

namespace ipcpg {

namespace {

struct MetricInfo {
    ScalingView::Metric metric;
    const char* id; // as a command line names it
    const char* name;
    AxisScale::Quantity quantity;
    bool higherIsBetter;
};

const MetricInfo kMetrics[] = {
    { ScalingView::Metric::SlowestP50, "p50", "Slowest member's latency p50", AxisScale::Quantity::Nanoseconds, false },
    { ScalingView::Metric::SlowestP99, "p99", "Slowest member's latency p99", AxisScale::Quantity::Nanoseconds, false },
    { ScalingView::Metric::SlowestP999, "p99.9", "Slowest member's latency p99.9", AxisScale::Quantity::Nanoseconds,
        false },
    { ScalingView::Metric::CpuPerDelivered, "cpu", "CPU time per delivered message", AxisScale::Quantity::Nanoseconds,
        false },
    { ScalingView::Metric::HubCpu, "hub-cpu", "Hub CPU time per message", AxisScale::Quantity::Nanoseconds, false },
    { ScalingView::Metric::Delivered, "delivered", "Messages delivered per second", AxisScale::Quantity::PerSecond,
        true },
};

double valueOf(const RunResult& r, ScalingView::Metric metric)
{
    switch (metric) {
    case ScalingView::Metric::SlowestP50:
        return r.headlineLatency().count ? r.headlineLatency().p50 : 0.0;
    case ScalingView::Metric::SlowestP99:
        return r.headlineLatency().count ? r.headlineLatency().p99 : 0.0;
    case ScalingView::Metric::SlowestP999:
        return r.headlineLatency().count ? r.headlineLatency().p999 : 0.0;
    case ScalingView::Metric::CpuPerDelivered:
        return r.cpuNsPerMessage();
    case ScalingView::Metric::HubCpu:
        return r.hubCpuNsPerMessage();
    case ScalingView::Metric::Delivered:
        return r.msgsPerS;
    }
    return 0;
}

} // namespace

ScalingView::ScalingView(QWidget* parent)
    : QWidget(parent)
    , m_sweep(new SweepController(this))
    , m_results(new SweepResultsModel(this))
{
    QWidget* setup = buildSetup();
    QWidget* chart = buildChart();
    layOutComparePage(this, setup, chart, createResultsTable(m_results));

    connect(m_progress, &SweepProgressPanel::runRequested, this, &ScalingView::startSweep);
    connect(m_progress, &SweepProgressPanel::cancelRequested, this, &ScalingView::cancelSweep);
    connect(m_metric, &QComboBox::currentIndexChanged, this, &ScalingView::rebuildChart);
    connect(m_logScale, &QCheckBox::toggled, this, &ScalingView::rebuildChart);
    connect(m_sweep, &SweepController::progress, m_progress, &SweepProgressPanel::showProgress);
    connect(m_sweep, &SweepController::resultReady, this, [this](int, const RunResult& result) {
        m_results->append(result);
        rebuildChart();
    });
    connect(m_sweep, &SweepController::runFailed, this, [this](int, const QString& reason) { m_failures << reason; });
    connect(m_sweep, &SweepController::finished, this, &ScalingView::onSweepFinished);
    updateButtons();
    rebuildChart();
}

QWidget* ScalingView::buildSetup()
{
    auto* setup = new QWidget;
    auto* form = new QFormLayout(setup);
    m_mechanisms = new MechanismCheckList;
    form->addRow(tr("&Mechanisms"), m_mechanisms);
    m_topology = new QComboBox;
    m_topology->addItem(tr("Fan-out: one publisher, N subscribers"), toQString(toString(Topology::FanOut)));
    m_topology->addItem(tr("Fan-in: N publishers, one receiver"), toQString(toString(Topology::FanIn)));
    m_topology->setToolTip(tr("Who the N members are: subscribers every message goes to, or publishers that "
                              "all send to one receiver"));
    form->addRow(tr("&Topology"), m_topology);
    m_members = new QLineEdit(QStringLiteral("1, 2, 4, 8"));
    m_members->setToolTip(tr("Member counts N to run, comma separated, each 1 to %1").arg(RunSpec::kMaxMembers));
    form->addRow(tr("M&embers (N)"), m_members);
    m_size = new QLineEdit(QStringLiteral("4K"));
    m_size->setToolTip(tr("Message size, with optional K or M suffix"));
    form->addRow(tr("Si&ze"), m_size);
    m_mode = createModeChoice(Mode::Stream);
    form->addRow(tr("M&ode"), m_mode);
    m_rate = new QLineEdit(QStringLiteral("off"));
    m_rate->setToolTip(tr("Messages per second offered to each receiver (k and M suffixes), or off for as "
                          "fast as the slowest member allows"));
    form->addRow(tr("&Rate"), m_rate);
    m_options = createOptionsField();
    form->addRow(tr("Optio&ns"), m_options);
    m_duration = createDurationField(0.5);
    form->addRow(tr("&Duration"), m_duration);
    m_progress = new SweepProgressPanel(
        tr("&Run scaling"), tr("Run every ticked mechanism at every member count, one after the other"));
    form->addRow(m_progress);
    return setup;
}

QWidget* ScalingView::buildChart()
{
    auto* box = new QWidget;
    auto* layout = new QVBoxLayout(box);
    layout->setContentsMargins(0, 0, 0, 0);
    auto* controls = new QHBoxLayout;
    m_metric = new QComboBox;
    for (const MetricInfo& info : kMetrics)
        m_metric->addItem(tr(info.name), static_cast<int>(info.metric));
    m_metric->setToolTip(tr("What the lines show against N. The hub is a fan-out's publisher (per message it "
                            "published) or a fan-in's receiver (per message it received)"));
    m_logScale = new QCheckBox(tr("&Logarithmic scale"));
    m_logScale->setChecked(true);
    m_logScale->setToolTip(tr("Mechanisms differ by orders of magnitude: a log scale keeps every line readable"));
    controls->addWidget(new QLabel(tr("Show:")));
    controls->addWidget(m_metric);
    controls->addWidget(m_logScale);
    controls->addStretch();
    layout->addLayout(controls);
    m_chart = new QChartView(new QChart);
    m_chart->setRenderHint(QPainter::Antialiasing);
    m_chart->chart()->setAnimationOptions(QChart::NoAnimation);
    m_chart->setMinimumHeight(260);
    layout->addWidget(m_chart);
    return box;
}

QList<RunSpec> ScalingView::plan(QStringList* skipped) const
{
    QStringList reasons;
    RunSpec base;
    base.durationS = m_duration->value();
    readOptions(m_options, base.options, reasons);
    base.topology = parseTopology(m_topology->currentData().toString().toStdString()).value_or(Topology::FanOut);
    const Parsed<std::uint64_t> size = parseMessageSize(m_size->text().trimmed().toStdString());
    if (!size.value)
        reasons << toQString(size.error);
    const QString rateText = m_rate->text().trimmed();
    if (!rateText.isEmpty() && rateText != QStringLiteral("off")) {
        const Parsed<double> rate = parseOfferedRate(rateText.toStdString());
        if (rate.value)
            base.rate = *rate.value;
        else
            reasons << toQString(rate.error);
    }
    const ValueList<unsigned> counts = parseMemberCountList(m_members->text().toStdString());
    for (const std::string& reason : counts.badItems)
        reasons << toQString(reason);
    if (!counts.tooMany.empty())
        reasons << toQString(counts.tooMany);
    QList<RunSpec> specs;
    if (size.value && (rateText.isEmpty() || rateText == QStringLiteral("off") || base.rate > 0)) {
        SweepAxes axes;
        for (const QString& id : m_mechanisms->checkedIds())
            axes.mechanisms.push_back(id.toStdString());
        axes.sizes = { *size.value };
        axes.modes = { selectedMode(m_mode) };
        axes.placements = { Placement::Unpinned };
        axes.memberCounts = counts.values;
        const SweepPlan planned = counts.values.empty() ? SweepPlan {} : planSweep(base, axes);
        for (const SkippedRun& skip : planned.skipped)
            reasons << toQString(skip.reason);
        for (const PlannedRun& run : planned.runs)
            specs << run.spec;
    }
    if (skipped)
        *skipped = reasons;
    return specs;
}

void ScalingView::setMechanisms(const QStringList& ids) { m_mechanisms->setCheckedIds(ids); }

void ScalingView::setTopology(Topology topology)
{
    m_topology->setCurrentIndex(m_topology->findData(toQString(toString(topology))));
}

void ScalingView::setMemberCounts(const QString& counts) { m_members->setText(counts); }
void ScalingView::setSize(const QString& size) { m_size->setText(size); }
void ScalingView::setMode(Mode mode) { m_mode->setCurrentIndex(m_mode->findData(toQString(toString(mode)))); }
void ScalingView::setRate(const QString& rate) { m_rate->setText(rate); }
void ScalingView::setOptions(const QString& options) { m_options->setText(options); }
void ScalingView::setDuration(double seconds) { m_duration->setValue(seconds); }

void ScalingView::setMetric(Metric metric) { m_metric->setCurrentIndex(m_metric->findData(static_cast<int>(metric))); }

QStringList ScalingView::metricIds()
{
    QStringList ids;
    for (const MetricInfo& info : kMetrics)
        ids << QLatin1String(info.id);
    return ids;
}

std::optional<ScalingView::Metric> ScalingView::metricOf(const QString& id)
{
    for (const MetricInfo& info : kMetrics) {
        if (id == QLatin1String(info.id))
            return info.metric;
    }
    return std::nullopt;
}

void ScalingView::startSweep()
{
    if (m_sweep->isRunning())
        return;
    QStringList skipped;
    const QList<RunSpec> specs = plan(&skipped);
    if (specs.isEmpty()) {
        m_progress->showStatus(skipped.isEmpty() ? tr("Tick at least one mechanism.")
                                                 : tr("Nothing to run: %1").arg(skipped.join(QStringLiteral("; "))));
        return;
    }
    m_results->clear();
    m_failures.clear();
    m_skipped = skipped;
    m_sweep->start(specs);
    updateButtons();
}

void ScalingView::cancelSweep() { m_sweep->cancel(); }

void ScalingView::onSweepFinished(bool cancelled)
{
    m_progress->showFinished(cancelled, m_results->rowCount(), m_failures, m_skipped);
    updateButtons();
    emit sweepFinished(cancelled);
}

void ScalingView::updateButtons()
{
    const bool running = m_sweep->isRunning();
    m_progress->setRunning(running);
    m_mechanisms->setEnabled(!running);
}

void ScalingView::rebuildChart()
{
    const MetricInfo& info
        = kMetrics[std::clamp(m_metric->currentIndex(), 0, static_cast<int>(std::size(kMetrics)) - 1)];
    // A line per mechanism and option set: what stays the same along N.
    QList<RunSpec> lines;
    QList<Curve> curves;
    for (const RunResult& r : m_results->results()) {
        RunSpec line = r.spec;
        line.subscribers = line.publishers = 1;
        auto index
            = std::distance(lines.begin(), std::find_if(lines.begin(), lines.end(), [&line](const RunSpec& other) {
                  return other.mechanism == line.mechanism && other.options == line.options;
              }));
        if (index == lines.size()) {
            lines << line;
            curves << Curve { {}, static_cast<int>(curves.size()), Qt::SolidLine, {}, true, true };
        }
        Curve& curve = curves[index];
        const double value = valueOf(r, info.metric);
        if (value > 0 && !r.partial)
            curve.points << QPointF(r.spec.members(), value);
    }
    const QStringList names = legendNames(lines);
    for (qsizetype i = 0; i < curves.size(); ++i) {
        curves[i].name = names[i];
        std::sort(curves[i].points.begin(), curves[i].points.end(), [](QPointF a, QPointF b) { return a.x() < b.x(); });
    }
    QChart* chart = m_chart->chart();
    const bool fanIn = !m_results->results().isEmpty()
        ? m_results->results().front().spec.topology == Topology::FanIn
        : m_topology->currentData().toString() == toQString(toString(Topology::FanIn));
    chart->setTitle(
        tr("%1 against N (%2 is better)").arg(tr(info.name), info.higherIsBetter ? tr("higher") : tr("lower")));
    drawCurves(chart, curves,
        CurveAxis { fanIn ? tr("publishers N") : tr("subscribers N"), AxisScale::Quantity::Plain, true, 2 },
        CurveAxis { tr(info.name), info.quantity, m_logScale->isChecked(), 10 });
    chart->legend()->setAlignment(Qt::AlignRight);
    ChartTheme::apply(chart, palette());
}

void ScalingView::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::PaletteChange)
        rebuildChart();
    QWidget::changeEvent(event);
}

QWidget* ScalingView::exportedChart() { return m_chart; }

bool ScalingView::exportData(DataFormat format, const QString& path, QString* error) const
{
    const QList<RunResult>& results = m_results->results();
    return format == DataFormat::Json ? exporting::writeResultsJson(results, path, error)
                                      : exporting::writeResultsCsv(results, path, error);
}

} // namespace ipcpg
