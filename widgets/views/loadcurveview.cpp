#include "views/loadcurveview.h"

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
#include <QSpinBox>
#include <QTableView>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>

#include "charts/charttheme.h"
#include "charts/curvechart.h"
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

bool isAuto(const QString& rates) { return rates.trimmed().compare(QStringLiteral("auto"), Qt::CaseInsensitive) == 0; }

// What one line of a curve draws: a percentile, in its own pen.
struct PercentileLine {
    const char* name;
    double LatencySummary::*value;
    Qt::PenStyle style;
};

const PercentileLine kLines[] = {
    { "p50", &LatencySummary::p50, Qt::SolidLine },
    { "p99", &LatencySummary::p99, Qt::DashLine },
    { "p99.9", &LatencySummary::p999, Qt::DotLine },
};

} // namespace

LoadCurveView::LoadCurveView(QWidget* parent)
    : QWidget(parent)
    , m_controller(new LoadCurveController(this))
    , m_results(new SweepResultsModel(this))
{
    QWidget* setup = buildSetup();
    QWidget* chart = buildChart();
    layOutComparePage(this, setup, chart, createResultsTable(m_results));

    connect(m_progress, &SweepProgressPanel::runRequested, this, &LoadCurveView::startSearch);
    connect(m_progress, &SweepProgressPanel::cancelRequested, this, &LoadCurveView::cancelSearch);
    for (QCheckBox* box : { m_showP50, m_showP99, m_showP999 })
        connect(box, &QCheckBox::toggled, this, &LoadCurveView::rebuildChart);
    connect(m_controller, &LoadCurveController::progress, m_progress, &SweepProgressPanel::showProgress);
    connect(m_controller, &LoadCurveController::curveUpdated, this, &LoadCurveView::onCurveUpdated);
    connect(m_controller, &LoadCurveController::runFailed, this,
        [this](int, const QString& reason) { m_failures << reason; });
    connect(m_controller, &LoadCurveController::finished, this, &LoadCurveView::onFinished);
    updateButtons();
    rebuildChart();
}

QWidget* LoadCurveView::buildSetup()
{
    auto* setup = new QWidget;
    auto* form = new QFormLayout(setup);
    m_mechanisms = new MechanismCheckList;
    form->addRow(tr("&Mechanisms"), m_mechanisms);
    m_size = new QLineEdit(QStringLiteral("64"));
    m_size->setToolTip(tr("Message size, with optional K or M suffix"));
    form->addRow(tr("Si&ze"), m_size);
    m_mode = createModeChoice(Mode::Stream);
    form->addRow(tr("M&ode"), m_mode);
    m_placement = createPlacementChoice();
    form->addRow(tr("&Placement"), m_placement);
    auto* topology = new QHBoxLayout;
    m_topology = new QComboBox;
    m_topology->addItem(tr("pair"), toQString(toString(Topology::Pair)));
    m_topology->addItem(tr("fan-out"), toQString(toString(Topology::FanOut)));
    m_topology->addItem(tr("fan-in"), toQString(toString(Topology::FanIn)));
    m_topology->setToolTip(tr("One pair, one publisher to N subscribers, or N publishers to one receiver"));
    m_members = new QSpinBox;
    m_members->setRange(1, static_cast<int>(RunSpec::kMaxMembers));
    m_members->setValue(4);
    m_members->setPrefix(tr("N = "));
    m_members->setToolTip(tr("Subscribers of a fan-out or publishers of a fan-in"));
    m_members->setEnabled(false);
    topology->addWidget(m_topology);
    topology->addWidget(m_members);
    form->addRow(tr("Topology"), topology);
    connect(m_topology, &QComboBox::currentIndexChanged, this,
        [this] { m_members->setEnabled(m_topology->currentData().toString() != toQString(toString(Topology::Pair))); });
    m_rates = new QLineEdit(QStringLiteral("auto"));
    m_rates->setToolTip(tr("auto: a closed-loop probe, then rising rates until the achieved rate falls more than 2% "
                           "short, then bisection around that point (at most %1 runs per curve). Or offered rates "
                           "per receiver, comma separated, with k and M suffixes")
                            .arg(RateSearchPlan {}.maxRuns));
    form->addRow(tr("&Rates"), m_rates);
    m_options = createOptionsField();
    form->addRow(tr("Optio&ns"), m_options);
    m_duration = createDurationField(0.5);
    form->addRow(tr("&Duration"), m_duration);
    m_progress = new SweepProgressPanel(
        tr("&Run load curves"), tr("Run every ticked mechanism at rising offered rates, one run after the other"));
    form->addRow(m_progress);
    return setup;
}

QWidget* LoadCurveView::buildChart()
{
    auto* box = new QWidget;
    auto* layout = new QVBoxLayout(box);
    layout->setContentsMargins(0, 0, 0, 0);
    auto* controls = new QHBoxLayout;
    m_showP50 = new QCheckBox(tr("p50 (solid)"));
    m_showP99 = new QCheckBox(tr("p99 (dashed)"));
    m_showP999 = new QCheckBox(tr("p99.9 (dotted)"));
    for (QCheckBox* percentile : { m_showP50, m_showP99, m_showP999 }) {
        percentile->setChecked(true);
        controls->addWidget(percentile);
    }
    controls->addStretch();
    layout->addLayout(controls);
    m_chart = new QChartView(new QChart);
    m_chart->setRenderHint(QPainter::Antialiasing);
    m_chart->chart()->setAnimationOptions(QChart::NoAnimation);
    m_chart->setMinimumHeight(260);
    m_chart->setToolTip(tr("Latency counts from when each message was due, so a sender that falls behind shows it. "
                           "A star and a vertical line mark each curve's saturation point"));
    layout->addWidget(m_chart);
    return box;
}

QList<LoadCurvePlan> LoadCurveView::plan(QStringList* skipped) const
{
    QStringList reasons;
    RunSpec base;
    base.durationS = m_duration->value();
    readOptions(m_options, base.options, reasons);
    base.topology = parseTopology(m_topology->currentData().toString().toStdString()).value_or(Topology::Pair);
    if (base.topology == Topology::FanOut)
        base.subscribers = static_cast<unsigned>(m_members->value());
    if (base.topology == Topology::FanIn)
        base.publishers = static_cast<unsigned>(m_members->value());
    const Parsed<std::uint64_t> size = parseMessageSize(m_size->text().trimmed().toStdString());
    if (!size.value)
        reasons << toQString(size.error);
    QList<double> rates;
    bool ratesUsable = true;
    if (!isAuto(m_rates->text())) {
        const ValueList<double> list = parseOfferedRateList(m_rates->text().toStdString());
        for (const std::string& reason : list.badItems)
            reasons << toQString(reason);
        if (!list.tooMany.empty())
            reasons << toQString(list.tooMany);
        rates = QList<double>(list.values.begin(), list.values.end());
        ratesUsable = !rates.isEmpty();
    }
    QList<LoadCurvePlan> plans;
    if (size.value && ratesUsable) {
        SweepAxes axes;
        for (const QString& id : m_mechanisms->checkedIds())
            axes.mechanisms.push_back(id.toStdString());
        axes.sizes = { *size.value };
        axes.modes = { selectedMode(m_mode) };
        axes.placements = { selectedPlacement(m_placement) };
        // The first rate stands in for the curve's when the plan is checked: a rate is refused
        // for the same reasons at any value.
        if (!rates.isEmpty())
            axes.rates = { rates.front() };
        const SweepPlan planned = planSweep(base, axes);
        for (const SkippedRun& skip : planned.skipped)
            reasons << toQString(skip.reason);
        for (const PlannedRun& run : planned.runs)
            plans << LoadCurvePlan { run.spec, rates };
    }
    if (skipped)
        *skipped = reasons;
    return plans;
}

void LoadCurveView::setMechanisms(const QStringList& ids) { m_mechanisms->setCheckedIds(ids); }
void LoadCurveView::setSize(const QString& size) { m_size->setText(size); }
void LoadCurveView::setMode(Mode mode) { m_mode->setCurrentIndex(m_mode->findData(toQString(toString(mode)))); }

void LoadCurveView::setPlacement(Placement placement)
{
    m_placement->setCurrentIndex(m_placement->findData(toQString(toString(placement))));
}

void LoadCurveView::setTopology(Topology topology, unsigned members)
{
    m_topology->setCurrentIndex(m_topology->findData(toQString(toString(topology))));
    m_members->setValue(static_cast<int>(members));
}

void LoadCurveView::setRates(const QString& rates) { m_rates->setText(rates); }
void LoadCurveView::setOptions(const QString& options) { m_options->setText(options); }
void LoadCurveView::setDuration(double seconds) { m_duration->setValue(seconds); }

void LoadCurveView::startSearch()
{
    if (m_controller->isRunning())
        return;
    QStringList skipped;
    const QList<LoadCurvePlan> plans = plan(&skipped);
    if (plans.isEmpty()) {
        m_progress->showStatus(skipped.isEmpty() ? tr("Tick at least one mechanism.")
                                                 : tr("Nothing to run: %1").arg(skipped.join(QStringLiteral("; "))));
        return;
    }
    m_results->clear();
    m_failures.clear();
    m_skipped = skipped;
    m_controller->start(plans);
    updateButtons();
    rebuildChart();
}

void LoadCurveView::cancelSearch() { m_controller->cancel(); }

void LoadCurveView::onCurveUpdated(int curve)
{
    m_results->append(m_controller->curves().at(static_cast<std::size_t>(curve)).runs.back());
    rebuildChart();
}

void LoadCurveView::onFinished(bool cancelled)
{
    QStringList saturations;
    for (const LoadCurve& curve : m_controller->curves()) {
        saturations << (curve.saturation
                ? tr("%1 saturates at about %2").arg(toQString(curve.label), formatRateQ(*curve.saturation))
                : tr("%1: no saturation found").arg(toQString(curve.label)));
    }
    m_progress->showFinished(cancelled, m_results->rowCount(), m_failures, m_skipped);
    m_progress->showStatus(m_progress->statusLabel()->text() + QLatin1Char(' ') + saturations.join(QStringLiteral("; "))
        + QLatin1Char('.'));
    updateButtons();
    rebuildChart();
    emit searchFinished(cancelled);
}

void LoadCurveView::updateButtons()
{
    const bool running = m_controller->isRunning();
    m_progress->setRunning(running);
    m_mechanisms->setEnabled(!running);
}

void LoadCurveView::rebuildChart()
{
    QList<Curve> curves;
    CurveMarkers saturation { tr("saturation"), {} };
    const bool shown[] = { m_showP50->isChecked(), m_showP99->isChecked(), m_showP999->isChecked() };
    // The span of the latencies drawn, which the saturation lines run across.
    double lowest = 0, highest = 0;
    for (const LoadCurve& curve : m_controller->curves()) {
        for (const RunResult& run : curve.runs) {
            const LatencySummary& latency = run.headlineLatency();
            if (offeredRate(run) > 0 && latency.count > 0) {
                lowest = lowest == 0 ? latency.p50 : std::min(lowest, latency.p50);
                highest = std::max(highest, latency.p999);
            }
        }
    }
    QList<RunSpec> specs;
    for (const LoadCurve& curve : m_controller->curves())
        specs << (curve.runs.empty() ? RunSpec {} : curve.runs.front().spec);
    const QStringList names = legendNames(specs);
    int color = 0;
    for (const LoadCurve& curve : m_controller->curves()) {
        const QString& name = names[color];
        bool named = false; // the first line drawn of a curve carries its legend entry
        // The open-loop runs that ended with a latency, by offered rate; the probe is not on the
        // curve (it has no offered rate), nor a run that failed.
        std::vector<const RunResult*> runs;
        for (const RunResult& run : curve.runs) {
            if (offeredRate(run) > 0 && run.headlineLatency().count > 0)
                runs.push_back(&run);
        }
        std::sort(runs.begin(), runs.end(),
            [](const RunResult* a, const RunResult* b) { return offeredRate(*a) < offeredRate(*b); });
        for (std::size_t line = 0; line < std::size(kLines); ++line) {
            if (!shown[line])
                continue;
            Curve drawn { name, color, kLines[line].style, {}, !named, true };
            named = true;
            for (const RunResult* run : runs)
                drawn.points << QPointF(offeredRate(*run), run->headlineLatency().*kLines[line].value);
            curves << drawn;
        }
        if (curve.saturation) {
            const auto at = std::find_if(runs.begin(), runs.end(),
                [&curve](const RunResult* run) { return std::fabs(offeredRate(*run) - *curve.saturation) < 1e-6; });
            if (at != runs.end())
                saturation.points << QPointF(*curve.saturation, (*at)->headlineLatency().p99);
            // A line up the chart at the saturation rate, in the curve's colour.
            Curve marker { tr("%1 saturation").arg(name), color, Qt::DashDotLine, {}, false, false };
            marker.points << QPointF(*curve.saturation, lowest) << QPointF(*curve.saturation, highest);
            curves << marker;
        }
        ++color;
    }
    QChart* chart = m_chart->chart();
    chart->setTitle(tr("Latency against offered load: p50 solid, p99 dashed, p99.9 dotted; a star marks saturation"));
    const bool oneWay = selectedMode(m_mode) == Mode::Stream;
    drawCurves(chart, curves, CurveAxis { tr("offered rate per receiver"), AxisScale::Quantity::PerSecond, true, 10 },
        CurveAxis { oneWay ? tr("one-way latency from due time") : tr("round-trip latency from due time"),
            AxisScale::Quantity::Nanoseconds, true, 10 },
        saturation);
    chart->legend()->setAlignment(Qt::AlignRight);
    ChartTheme::apply(chart, palette());
}

void LoadCurveView::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::PaletteChange)
        rebuildChart();
    QWidget::changeEvent(event);
}

QWidget* LoadCurveView::exportedChart() { return m_chart; }

bool LoadCurveView::exportData(DataFormat format, const QString& path, QString* error) const
{
    const QList<RunResult>& results = m_results->results();
    return format == DataFormat::Json ? exporting::writeResultsJson(results, path, error)
                                      : exporting::writeResultsCsv(results, path, error);
}

} // namespace ipcpg
