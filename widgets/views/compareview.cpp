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
#include <QHeaderView>
#include <QLabel>
#include <QLegend>
#include <QLineEdit>
#include <QListWidget>
#include <QLogValueAxis>
#include <QProgressBar>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>
#include <QValueAxis>
#include <cmath>

#include "charts/axisscale.h"
#include "charts/charttheme.h"
#include "controllers/sweepcontroller.h"
#include "ipcpg/frontendrules.h"
#include "ipcpg/mechanismregistry.h"
#include "ipcpg/units.h"
#include "models/sweepresultsmodel.h"
#include "support/qtconversions.h"

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
    , m_sorted(new QSortFilterProxyModel(this))
{
    QWidget* setup = buildSetup();
    QWidget* chart = buildChart();
    QWidget* table = buildTable();
    layOut(setup, chart, table);

    connect(m_run, &QPushButton::clicked, this, &CompareView::startSweep);
    connect(m_cancel, &QPushButton::clicked, this, &CompareView::cancelSweep);
    connect(m_metric, &QComboBox::currentIndexChanged, this, &CompareView::rebuildChart);
    connect(m_logScale, &QCheckBox::toggled, this, &CompareView::rebuildChart);
    connect(m_sweep, &SweepController::progress, this, &CompareView::showProgress);
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
    form->addRow(tr("&Mechanisms"), buildMechanismList());
    m_sizes = new QLineEdit(QStringLiteral("64, 4K, 64K"));
    m_sizes->setToolTip(tr("Message sizes, comma separated, with optional K or M suffix"));
    form->addRow(tr("Si&zes"), m_sizes);
    form->addRow(tr("Placement"), buildPlacementChoices());
    m_mode = new QComboBox;
    m_mode->addItem(tr("Ping-pong"), QStringLiteral("pingpong"));
    m_mode->addItem(tr("Stream"), QStringLiteral("stream"));
    m_mode->setToolTip(tr("Ping-pong measures round trips; stream measures throughput and one-way latency"));
    form->addRow(tr("M&ode"), m_mode);
    m_duration = new QDoubleSpinBox;
    m_duration->setRange(0.1, 60);
    m_duration->setValue(1.0);
    m_duration->setSuffix(tr(" s per run"));
    m_duration->setToolTip(tr("Measured time of each run, after its warm-up"));
    form->addRow(tr("&Duration"), m_duration);
    buildSweepControls(form);
    return setup;
}

QWidget* CompareView::buildMechanismList()
{
    m_mechanisms = new QListWidget;
    for (const Mechanism* mechanism : MechanismRegistry::instance().all()) {
        auto* item = new QListWidgetItem(toQString(mechanism->info().id), m_mechanisms);
        item->setToolTip(toQString(mechanism->info().summary));
        item->setCheckState(Qt::Unchecked);
    }
    m_mechanisms->setToolTip(tr("Tick the mechanisms to compare (Space toggles the current one)"));
    // Tall enough for every mechanism, no taller: the form below stays in view.
    m_mechanisms->setMaximumHeight(
        m_mechanisms->sizeHintForRow(0) * (m_mechanisms->count() + 1) + 2 * m_mechanisms->frameWidth());
    return m_mechanisms;
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

void CompareView::buildSweepControls(QFormLayout* form)
{
    auto* buttons = new QHBoxLayout;
    m_run = new QPushButton(tr("&Run comparison"));
    m_run->setToolTip(tr("Run every ticked mechanism at every size and placement, one after the other"));
    m_cancel = new QPushButton(tr("&Cancel"));
    m_cancel->setToolTip(tr("Stop the current run and skip the rest"));
    buttons->addWidget(m_run);
    buttons->addWidget(m_cancel);
    form->addRow(buttons);
    m_progress = new QProgressBar;
    m_progress->setRange(0, 1);
    m_progress->setValue(0);
    form->addRow(m_progress);
    m_status = new QLabel;
    m_status->setWordWrap(true);
    form->addRow(m_status);
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

QWidget* CompareView::buildTable()
{
    m_sorted->setSourceModel(m_results);
    m_sorted->setSortRole(SweepResultsModel::kSortRole);
    m_table = new QTableView;
    m_table->setModel(m_sorted);
    m_table->setSortingEnabled(true);
    // Rows start in the order the runs came (the registry's); a click on a header sorts.
    m_table->horizontalHeader()->setSortIndicator(-1, Qt::AscendingOrder);
    m_sorted->sort(-1);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->verticalHeader()->hide();
    m_table->setToolTip(tr("Click a column header to sort by it"));
    return m_table;
}

// The set-up on the left; on the right the chart above the table.
void CompareView::layOut(QWidget* setup, QWidget* chart, QWidget* table)
{
    auto* right = new QSplitter(Qt::Vertical);
    right->addWidget(chart);
    right->addWidget(table);
    right->setStretchFactor(0, 3);
    right->setStretchFactor(1, 2);
    auto* main = new QSplitter(Qt::Horizontal);
    main->addWidget(setup);
    main->addWidget(right);
    main->setStretchFactor(1, 1);
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(main);
}

void CompareView::showProgress(int done, int total, const QString& current)
{
    m_progress->setRange(0, std::max(total, 1));
    m_progress->setValue(done);
    m_status->setText(current.isEmpty() ? tr("%1 of %2 runs done").arg(done).arg(total)
                                        : tr("Running %1 (%2 of %3)").arg(current).arg(done + 1).arg(total));
}

void CompareView::onSweepFinished(bool cancelled)
{
    QString text = cancelled ? tr("Cancelled after %1 runs.").arg(m_results->rowCount())
                             : tr("Done: %1 runs.").arg(m_results->rowCount());
    if (!m_failures.isEmpty())
        text += QLatin1Char(' ') + tr("%n run(s) failed: ", nullptr, static_cast<int>(m_failures.size()))
            + m_failures.join(QStringLiteral("; "));
    if (!m_skipped.isEmpty())
        text += QLatin1Char(' ')
            + tr("Skipped %n combination(s) a mechanism cannot carry (hover here for why).", nullptr,
                static_cast<int>(m_skipped.size()));
    m_status->setToolTip(m_skipped.join(QLatin1Char('\n')));
    m_status->setText(text);
    updateButtons();
    emit sweepFinished(cancelled);
}

QWidget* CompareView::chartWidget() const { return m_chart; }

void CompareView::setMechanisms(const QStringList& ids)
{
    for (int i = 0; i < m_mechanisms->count(); ++i) {
        QListWidgetItem* item = m_mechanisms->item(i);
        item->setCheckState(ids.contains(item->text()) ? Qt::Checked : Qt::Unchecked);
    }
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
    for (int i = 0; i < m_mechanisms->count(); ++i) {
        if (m_mechanisms->item(i)->checkState() == Qt::Checked)
            axes.mechanisms.push_back(m_mechanisms->item(i)->text().toStdString());
    }
    axes.sizes = sizes.sizes;
    axes.modes = { parseMode(m_mode->currentData().toString().toStdString()).value_or(Mode::PingPong) };
    if (m_unpinned->isChecked())
        axes.placements.push_back(Placement::Unpinned);
    if (m_sameCore->isChecked())
        axes.placements.push_back(Placement::SameCore);
    if (m_crossCore->isChecked())
        axes.placements.push_back(Placement::CrossCore);
    RunSpec base;
    base.durationS = m_duration->value();
    const SweepPlan planned = planSweep(base, axes);
    if (skipped) {
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
        m_status->setText(skipped.isEmpty() ? tr("Tick at least one mechanism, size and placement.")
                                            : tr("Nothing to run: %1").arg(skipped.join(QStringLiteral("; "))));
        return;
    }
    m_results->clear();
    m_failures.clear();
    m_progress->setRange(0, static_cast<int>(specs.size()));
    m_progress->setValue(0);
    m_sweep->start(specs);
    m_skipped = skipped;
    updateButtons();
}

void CompareView::cancelSweep() { m_sweep->cancel(); }

void CompareView::updateButtons()
{
    const bool running = m_sweep->isRunning();
    m_run->setEnabled(!running);
    m_cancel->setEnabled(running);
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
    for (const RunResult& r : m_results->results()) {
        const double value = valueOf(r, info.metric);
        if (!(value > 0))
            continue;
        if (!sizes.contains(r.spec.messageSize))
            sizes << r.spec.messageSize;
        QString name = toQString(r.spec.mechanism);
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
