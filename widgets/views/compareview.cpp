#include "views/compareview.h"
#include "views/exporter.h"

#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QEvent>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHash>
#include <QLabel>
#include <QLegend>
#include <QLineEdit>
#include <QLogValueAxis>
#include <QTableView>
#include <QVBoxLayout>
#include <QValueAxis>
#include <cmath>

#include "charts/axisscale.h"
#include "charts/charttheme.h"
#include "controllers/sweepcontroller.h"
#include "ipcpg/comparepresets.h"
#include "ipcpg/frontendrules.h"
#include "ipcpg/units.h"
#include "models/sweepresultsmodel.h"
#include "support/legendnames.h"
#include "support/qtconversions.h"
#include "views/comparelayout.h"
#include "views/mechanismchecklist.h"
#include "views/setupfields.h"
#include "views/sweepprogresspanel.h"

namespace ipcpg {

namespace {

enum class Metric { P50, P99, P999, MessagesPerSecond, BytesPerSecond, CpuPerMessage };

struct MetricInfo {
    Metric metric;
    const char* name;
    AxisScale::Quantity quantity;
    bool higherIsBetter;
};

const MetricInfo kMetrics[] = {
    { Metric::P50, "Latency p50", AxisScale::Quantity::Nanoseconds, false },
    { Metric::P99, "Latency p99", AxisScale::Quantity::Nanoseconds, false },
    { Metric::P999, "Latency p99.9", AxisScale::Quantity::Nanoseconds, false },
    { Metric::MessagesPerSecond, "Messages per second", AxisScale::Quantity::PerSecond, true },
    { Metric::BytesPerSecond, "Payload bytes per second", AxisScale::Quantity::BytesPerSecond, true },
    { Metric::CpuPerMessage, "CPU time per message", AxisScale::Quantity::Nanoseconds, false },
};

double valueOf(const RunResult& r, Metric metric)
{
    switch (metric) {
    case Metric::P50:
        return r.latencyNs.p50;
    case Metric::P99:
        return r.latencyNs.p99;
    case Metric::P999:
        return r.latencyNs.p999;
    case Metric::MessagesPerSecond:
        return r.msgsPerS;
    case Metric::BytesPerSecond:
        return r.bytesPerS;
    case Metric::CpuPerMessage:
        return r.cpuNsPerMessage();
    }
    return 0;
}

} // namespace

CompareView::CompareView(QWidget* parent)
    : QWidget(parent)
    , m_sweep(new SweepController(this))
    , m_results(new SweepResultsModel(this))
{
    QWidget* setup = buildSetup();
    QWidget* chart = buildChart();
    layOutComparePage(this, setup, chart, createResultsTable(m_results));

    connect(m_progress, &SweepProgressPanel::runRequested, this, &CompareView::startSweep);
    connect(m_progress, &SweepProgressPanel::cancelRequested, this, &CompareView::cancelSweep);
    connect(m_metric, &QComboBox::currentIndexChanged, this, &CompareView::rebuildChart);
    connect(m_logScale, &QCheckBox::toggled, this, &CompareView::rebuildChart);
    connect(m_sweep, &SweepController::progress, m_progress, &SweepProgressPanel::showProgress);
    connect(m_sweep, &SweepController::resultReady, this, [this](int, const RunResult& result) {
        m_results->append(result);
        rebuildChart();
    });
    connect(m_sweep, &SweepController::runFailed, this, [this](int, const QString& reason) { m_failures << reason; });
    connect(m_sweep, &SweepController::finished, this, &CompareView::onSweepFinished);
    updateButtons();
    rebuildChart();
}

// What to compare, the buttons that run and cancel the sweep, its progress and status.
QWidget* CompareView::buildSetup()
{
    auto* setup = new QWidget;
    auto* form = new QFormLayout(setup);
    m_preset = new QComboBox;
    m_preset->addItem(tr("Your own choice"));
    for (const ComparePreset& preset : comparePresets()) {
        m_preset->addItem(toQString(preset.title), toQString(preset.id));
        m_preset->setItemData(m_preset->count() - 1, toQString(preset.description), Qt::ToolTipRole);
    }
    m_preset->setToolTip(tr("A ready-made comparison: it ticks the mechanisms and fills in the options"));
    form->addRow(tr("Pre&set"), m_preset);
    m_mechanisms = new MechanismCheckList;
    form->addRow(tr("&Mechanisms"), m_mechanisms);
    m_sizes = new QLineEdit(QStringLiteral("64, 4K, 64K"));
    m_sizes->setToolTip(tr("Message sizes, comma separated, with optional K or M suffix"));
    form->addRow(tr("Si&zes"), m_sizes);
    m_options = createOptionsField();
    form->addRow(tr("Optio&ns"), m_options);
    connect(m_preset, &QComboBox::activated, this,
        [this](int index) { applyPreset(m_preset->itemData(index).toString()); });
    // Ticking by hand makes the choice the user's own again.
    connect(m_mechanisms, &QListWidget::itemChanged, this, [this] {
        if (!m_applyingPreset)
            m_preset->setCurrentIndex(0);
    });
    form->addRow(tr("Placement"), buildPlacementChoices());
    m_mode = createModeChoice(Mode::PingPong);
    form->addRow(tr("M&ode"), m_mode);
    m_duration = createDurationField(1.0);
    form->addRow(tr("&Duration"), m_duration);
    m_progress = new SweepProgressPanel(
        tr("&Run comparison"), tr("Run every ticked mechanism at every size and placement, one after the other"));
    form->addRow(m_progress);
    return setup;
}

QLayout* CompareView::buildPlacementChoices()
{
    auto* placements = new QHBoxLayout;
    m_unpinned = new QCheckBox(tr("unpinned"));
    m_sameCore = new QCheckBox(tr("same core"));
    m_crossCore = new QCheckBox(tr("cross core"));
    m_unpinned->setChecked(true);
    m_unpinned->setToolTip(tr("Let the scheduler place the two processes"));
    m_sameCore->setToolTip(tr("Both processes on one CPU"));
    m_crossCore->setToolTip(tr("One CPU each"));
    placements->addWidget(m_unpinned);
    placements->addWidget(m_sameCore);
    placements->addWidget(m_crossCore);
    return placements;
}

// The bar chart with the choice of what it shows above it.
QWidget* CompareView::buildChart()
{
    auto* chartBox = new QWidget;
    auto* chartLayout = new QVBoxLayout(chartBox);
    chartLayout->setContentsMargins(0, 0, 0, 0);
    auto* chartControls = new QHBoxLayout;
    m_metric = new QComboBox;
    for (const MetricInfo& info : kMetrics)
        m_metric->addItem(tr(info.name), static_cast<int>(info.metric));
    m_metric->setToolTip(tr("What the bars show"));
    m_logScale = new QCheckBox(tr("&Logarithmic scale"));
    m_logScale->setChecked(true);
    m_logScale->setToolTip(tr("Mechanisms differ by orders of magnitude: a log scale keeps the small bars visible"));
    chartControls->addWidget(new QLabel(tr("Show:")));
    chartControls->addWidget(m_metric);
    chartControls->addWidget(m_logScale);
    chartControls->addStretch();
    chartLayout->addLayout(chartControls);
    m_chart = new QChartView(new QChart);
    m_chart->setRenderHint(QPainter::Antialiasing);
    m_chart->chart()->setAnimationOptions(QChart::NoAnimation);
    m_chart->setMinimumHeight(260);
    chartLayout->addWidget(m_chart);
    return chartBox;
}

void CompareView::onSweepFinished(bool cancelled)
{
    m_progress->showFinished(cancelled, m_results->rowCount(), m_failures, m_skipped);
    updateButtons();
    emit sweepFinished(cancelled);
}

QWidget* CompareView::chartWidget() const { return m_chart; }
QProgressBar* CompareView::progressBar() const { return m_progress->progressBar(); }

void CompareView::setMechanisms(const QStringList& ids) { m_mechanisms->setCheckedIds(ids); }

void CompareView::setOptions(const QString& options) { m_options->setText(options); }
QString CompareView::options() const { return m_options->text(); }

bool CompareView::applyPreset(const QString& id)
{
    const ComparePreset* preset = findComparePreset(id.toStdString());
    if (!preset)
        return false;
    QStringList ids;
    for (const std::string& mechanism : preset->mechanisms)
        ids << toQString(mechanism);
    QStringList options;
    for (const auto& [name, value] : preset->options)
        options << toQString(name + "=" + value);
    m_applyingPreset = true;
    m_mechanisms->setCheckedIds(ids);
    m_applyingPreset = false;
    m_options->setText(options.join(QLatin1Char(' ')));
    m_preset->setCurrentIndex(m_preset->findData(id));
    return true;
}

void CompareView::setSizes(const QString& sizes) { m_sizes->setText(sizes); }
void CompareView::setDuration(double seconds) { m_duration->setValue(seconds); }

void CompareView::setMode(Mode mode) { m_mode->setCurrentIndex(m_mode->findData(toQString(toString(mode)))); }

void CompareView::setPlacements(const QList<Placement>& placements)
{
    m_unpinned->setChecked(placements.contains(Placement::Unpinned));
    m_sameCore->setChecked(placements.contains(Placement::SameCore));
    m_crossCore->setChecked(placements.contains(Placement::CrossCore));
}

QList<RunSpec> CompareView::plan(QStringList* skipped) const
{
    // ipcpg sweep's rules, but lenient: an item that is not a size, or one beyond the first
    // kMaxSweepSizes, is left out with the reason and the rest still runs.
    const SizeList sizes = parseMessageSizeList(m_sizes->text().toStdString());
    SweepAxes axes;
    for (const QString& id : m_mechanisms->checkedIds())
        axes.mechanisms.push_back(id.toStdString());
    axes.sizes = sizes.sizes;
    axes.modes = { selectedMode(m_mode) };
    if (m_unpinned->isChecked())
        axes.placements.push_back(Placement::Unpinned);
    if (m_sameCore->isChecked())
        axes.placements.push_back(Placement::SameCore);
    if (m_crossCore->isChecked())
        axes.placements.push_back(Placement::CrossCore);
    RunSpec base;
    base.durationS = m_duration->value();
    QStringList optionReasons;
    readOptions(m_options, base.options, optionReasons);
    const SweepPlan planned = planSweep(base, axes);
    if (skipped) {
        *skipped << optionReasons;
        for (const std::string& reason : sizes.badItems)
            *skipped << toQString(reason);
        if (!sizes.tooMany.empty())
            *skipped << toQString(sizes.tooMany);
        for (const SkippedRun& skip : planned.skipped)
            *skipped << toQString(skip.reason);
    }
    QList<RunSpec> specs;
    for (const PlannedRun& run : planned.runs)
        specs << run.spec;
    return specs;
}

void CompareView::startSweep()
{
    if (m_sweep->isRunning())
        return;
    QStringList skipped;
    const QList<RunSpec> specs = plan(&skipped);
    if (specs.isEmpty()) {
        m_progress->showStatus(skipped.isEmpty() ? tr("Tick at least one mechanism, size and placement.")
                                                 : tr("Nothing to run: %1").arg(skipped.join(QStringLiteral("; "))));
        return;
    }
    m_results->clear();
    m_failures.clear();
    m_sweep->start(specs);
    m_skipped = skipped;
    updateButtons();
}

void CompareView::cancelSweep() { m_sweep->cancel(); }

void CompareView::updateButtons()
{
    const bool running = m_sweep->isRunning();
    m_progress->setRunning(running);
    m_mechanisms->setEnabled(!running);
}

void CompareView::rebuildChart()
{
    QChart* chart = m_chart->chart();
    chart->removeAllSeries();
    for (QAbstractAxis* axis : chart->axes()) {
        chart->removeAxis(axis);
        delete axis;
    }
    const MetricInfo& info
        = kMetrics[std::clamp(m_metric->currentIndex(), 0, static_cast<int>(std::size(kMetrics)) - 1)];
    chart->setTitle(tr("%1 (%2 is better)").arg(tr(info.name), info.higherIsBetter ? tr("higher") : tr("lower")));

    // Groups are sizes; within a group, one bar per mechanism (and placement when several).
    QList<std::uint64_t> sizes;
    QStringList order; // bars in the order the runs came, which is the registry's (docs/ARCHITECTURE.md)
    QHash<QString, QHash<std::uint64_t, double>> bars;
    double max = 0, min = 0;
    QList<RunSpec> specs;
    for (const RunResult& r : m_results->results())
        specs << r.spec;
    const QStringList names = legendNames(specs); // the mechanism and the options it was given
    for (qsizetype i = 0; i < m_results->results().size(); ++i) {
        const RunResult& r = m_results->results()[i];
        const double value = valueOf(r, info.metric);
        if (!(value > 0))
            continue;
        if (!sizes.contains(r.spec.messageSize))
            sizes << r.spec.messageSize;
        QString name = names[i];
        if (r.spec.placement != Placement::Unpinned)
            name += QLatin1Char(' ') + toQString(toString(r.spec.placement));
        if (!order.contains(name))
            order << name;
        bars[name][r.spec.messageSize] = value;
        max = std::max(max, value);
        min = min == 0 ? value : std::min(min, value);
    }
    std::sort(sizes.begin(), sizes.end());
    const AxisScale scale = AxisScale::forMaximum(info.quantity, max);
    const bool logarithmic = m_logScale->isChecked() && max > 0;
    const double logLow = logarithmic ? std::pow(10.0, std::floor(std::log10(min / scale.divisor))) : 0.0;
    auto* series = new QBarSeries;
    int color = 0;
    for (const QString& name : order) {
        auto* set = new QBarSet(name);
        set->setColor(ChartTheme::seriesColor(color++));
        // A pair that was not run has no bar: on a log axis that is a bar ending at the axis floor.
        const QHash<std::uint64_t, double>& values = bars[name];
        for (std::uint64_t size : sizes)
            *set << (values.contains(size) ? values.value(size) / scale.divisor : logLow);
        series->append(set);
    }
    chart->addSeries(series);
    auto* categories = new QBarCategoryAxis;
    for (std::uint64_t size : sizes)
        categories->append(formatBytesQ(size));
    categories->setTitleText(tr("message size"));
    chart->addAxis(categories, Qt::AlignBottom);
    series->attachAxis(categories);
    const QString title = tr("%1 (%2)").arg(tr(info.name), scale.unit);
    if (logarithmic) {
        auto* axis = new QLogValueAxis;
        axis->setBase(10);
        axis->setLabelFormat(QStringLiteral("%g"));
        const double high = std::pow(10.0, std::ceil(std::log10(max / scale.divisor * 1.05)));
        axis->setRange(logLow, std::max(high, logLow * 10));
        axis->setMinorTickCount(8);
        axis->setTitleText(title);
        chart->addAxis(axis, Qt::AlignLeft);
        series->attachAxis(axis);
    } else {
        auto* axis = new QValueAxis;
        applyScale(axis, scale);
        axis->setLabelFormat(scale.tickStep >= 1 ? QStringLiteral("%.0f") : QStringLiteral("%.1f"));
        axis->setTitleText(title);
        chart->addAxis(axis, Qt::AlignLeft);
        series->attachAxis(axis);
    }
    chart->legend()->setAlignment(Qt::AlignRight);
    ChartTheme::apply(chart, palette());
}

void CompareView::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::PaletteChange)
        rebuildChart();
    QWidget::changeEvent(event);
}

QWidget* CompareView::exportedChart() { return chartWidget(); }

bool CompareView::exportData(DataFormat format, const QString& path, QString* error) const
{
    const QList<RunResult>& results = m_results->results();
    return format == DataFormat::Json ? exporting::writeResultsJson(results, path, error)
                                      : exporting::writeResultsCsv(results, path, error);
}

} // namespace ipcpg
