#include "views/racelabview.h"
#include "views/exporter.h"
#include <nlohmann/json.hpp>

#include <QComboBox>
#include <QEvent>
#include <QFile>
#include <QFormLayout>
#include <QLabel>
#include <QLineSeries>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QTextBrowser>
#include <QVBoxLayout>
#include <algorithm>
#include <limits>

#include "charts/timeserieschart.h"
#include "controllers/racecontroller.h"
#include "ipcpg/raceregistry.h"
#include "support/qtconversions.h"

// The resources live in a static library: referencing their initialiser makes the linker keep
// them (Q_INIT_RESOURCE must be used outside any namespace).
static void initialiseResources() { Q_INIT_RESOURCE(ipcpg_resources); }

namespace ipcpg {

namespace {

int clampToInt(std::uint64_t value)
{
    return static_cast<int>(
        std::min<std::uint64_t>(value, static_cast<std::uint64_t>(std::numeric_limits<int>::max())));
}

void setRange(QSpinBox* box, const RaceRange& range, std::uint64_t value)
{
    box->setRange(clampToInt(range.min), clampToInt(range.max));
    box->setValue(clampToInt(value));
    box->setEnabled(range.min != range.max);
}

QString withSeparators(std::uint64_t value)
{
    return QLocale(QLocale::English).toString(static_cast<qulonglong>(value));
}

} // namespace

RaceLabView::RaceLabView(QWidget* parent)
    : QWidget(parent)
    , m_controller(new RaceController(this))
{
    auto* splitter = new QSplitter(Qt::Horizontal);
    splitter->addWidget(buildSetup());
    splitter->addWidget(buildCharts());
    splitter->addWidget(buildExplanation());
    // The charts get most of the room; the explanation a readable column.
    splitter->setStretchFactor(0, 0);
    splitter->setStretchFactor(1, 3);
    splitter->setStretchFactor(2, 1);
    splitter->setSizes({ 320, 760, 420 });
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(splitter);

    connect(m_scenario, &QComboBox::currentIndexChanged, this, &RaceLabView::scenarioChanged);
    connect(m_sync, &QComboBox::currentIndexChanged, this, &RaceLabView::syncChanged);
    connect(m_start, &QPushButton::clicked, this, [this] {
        if (m_controller->isRunning())
            stop();
        else
            start();
    });
    connect(m_controller, &RaceController::started, this, &RaceLabView::onStarted);
    connect(m_controller, &RaceController::sampleReceived, this, &RaceLabView::onSample);
    connect(m_controller, &RaceController::finished, this, &RaceLabView::onFinished);
    connect(m_controller, &RaceController::failed, this, &RaceLabView::onFailed);
    connect(m_controller, &RaceController::stateChanged, this, &RaceLabView::onStateChanged);

    m_timer.setInterval(1000 / kRefreshHz);
    connect(&m_timer, &QTimer::timeout, this, [this] {
        if (m_dirty)
            refresh();
    });
    scenarioChanged();
    refresh();
}

QWidget* RaceLabView::buildSetup()
{
    auto* panel = new QWidget;
    auto* layout = new QVBoxLayout(panel);
    auto* form = new QFormLayout;
    layout->addLayout(form);
    buildScenarioControls(form);
    buildParameterControls(form);

    m_start = new QPushButton(tr("&Start"));
    m_start->setToolTip(tr("Start the race with these settings, or stop the running one (it reports what it did)"));
    layout->addWidget(m_start);

    m_tally = new QLabel;
    m_tally->setWordWrap(true);
    m_tally->setTextFormat(Qt::RichText);
    m_tally->setToolTip(tr("Expected: what correct synchronisation gives. Observed: what the processes produced. "
                           "Sync errors: what the race cost."));
    layout->addWidget(m_tally);
    m_status = new QLabel;
    m_status->setWordWrap(true);
    m_status->setToolTip(tr("What the race lab is doing, and why a race ended"));
    layout->addWidget(m_status);
    layout->addStretch(1);
    showTally(0, 0, 0);
    return panel;
}

void RaceLabView::buildScenarioControls(QFormLayout* form)
{
    m_scenario = new QComboBox;
    for (const RaceScenarioInfo* info : RaceRegistry::instance().all())
        m_scenario->addItem(toQString(info->title), toQString(info->id));
    m_scenario->setToolTip(tr("The race to run: each scenario shares memory (or signals) between real processes"));
    form->addRow(tr("S&cenario"), m_scenario);
    m_summary = new QLabel;
    m_summary->setWordWrap(true);
    form->addRow(m_summary);

    m_sync = new QComboBox;
    m_sync->setToolTip(tr("How the processes synchronise. The broken mode shows the race; the correct ones "
                          "must show zero sync errors. Changing it while a race runs restarts the race."));
    form->addRow(tr("S&ync"), m_sync);
    m_syncHelp = new QLabel;
    m_syncHelp->setWordWrap(true);
    form->addRow(m_syncHelp);
}

// Their ranges and tooltips come from the scenario (scenarioChanged()).
void RaceLabView::buildParameterControls(QFormLayout* form)
{
    m_workers = new QSpinBox;
    form->addRow(tr("&Workers"), m_workers);
    m_iterations = new QSpinBox;
    m_iterations->setGroupSeparatorShown(true);
    form->addRow(tr("&Iterations"), m_iterations);
    m_window = new QSpinBox;
    m_window->setSuffix(tr(" ns"));
    m_window->setGroupSeparatorShown(true);
    form->addRow(tr("Race &window"), m_window);
    m_recordSize = new QSpinBox;
    m_recordSize->setSuffix(tr(" B"));
    form->addRow(tr("&Record size"), m_recordSize);
}

QWidget* RaceLabView::buildCharts()
{
    using Quantity = AxisScale::Quantity;
    using Side = TimeSeriesChart::AxisSide;
    m_errorsChart = new TimeSeriesChart(tr("Sync errors"), { Quantity::PerSecond, tr("errors (%1)") },
        TimeSeriesChart::AxisSpec { Quantity::Plain, tr("errors so far (%1)") },
        { { tr("per second"), Side::Left }, { tr("cumulative"), Side::Right } });
    m_countsChart = new TimeSeriesChart(tr("Expected versus observed"), { Quantity::Plain, tr("count (%1)") },
        std::nullopt, { { tr("expected"), Side::Left }, { tr("observed"), Side::Left } });
    m_errorsChart->setToolTip(tr("Sync errors found per second and in total since the race started"));
    m_countsChart->setToolTip(tr("What correct synchronisation would have produced so far, and what the processes "
                                 "actually produced"));
    auto* splitter = new QSplitter(Qt::Vertical);
    splitter->addWidget(m_errorsChart);
    splitter->addWidget(m_countsChart);
    m_charts = splitter;
    return splitter;
}

QWidget* RaceLabView::buildExplanation()
{
    m_explanation = new QTextBrowser;
    m_explanation->setOpenExternalLinks(false);
    m_explanation->setMinimumWidth(280);
    m_explanation->setToolTip(tr("What goes wrong in this scenario, and why the correct modes fix it"));
    return m_explanation;
}

QLineSeries* RaceLabView::errorRateSeries() const { return m_errorsChart->series(0); }
QLineSeries* RaceLabView::errorTotalSeries() const { return m_errorsChart->series(1); }
QLineSeries* RaceLabView::expectedSeries() const { return m_countsChart->series(0); }
QLineSeries* RaceLabView::observedSeries() const { return m_countsChart->series(1); }

const RaceScenarioInfo* RaceLabView::currentInfo() const
{
    return RaceRegistry::instance().find(m_scenario->currentData().toString().toStdString());
}

QString RaceLabView::explanationText(const QString& scenarioId)
{
    static const bool initialised = (initialiseResources(), true);
    Q_UNUSED(initialised);
    QFile file(QStringLiteral(":/race/%1.md").arg(scenarioId));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QString::fromUtf8(file.readAll());
}

void RaceLabView::scenarioChanged()
{
    const RaceScenarioInfo* info = currentInfo();
    if (!info)
        return;
    m_summary->setText(toQString(info->summary));
    {
        const QSignalBlocker blocker(m_sync);
        m_sync->clear();
        for (const RaceSyncMode& mode : info->modes) {
            m_sync->addItem(
                mode.broken ? tr("%1 (broken)").arg(toQString(mode.id)) : toQString(mode.id), toQString(mode.id));
            m_sync->setItemData(m_sync->count() - 1, toQString(mode.title + ": " + mode.help), Qt::ToolTipRole);
        }
    }
    setRange(m_workers, info->workers, info->workers.defaultValue);
    m_workers->setToolTip(tr("Processes taking part: %1").arg(toQString(info->workersHelp)));
    // A live demonstration wants a race of several seconds, more than the command line's default.
    setRange(m_iterations, info->iterations, info->demoIterations);
    m_iterations->setToolTip(tr("Iterations: %1").arg(toQString(info->iterationsHelp)));
    setRange(m_window, info->windowNs, info->windowNs.defaultValue);
    m_window->setToolTip(
        tr("Race window: %1. Wider makes the race strike more often.").arg(toQString(info->windowHelp)));
    if (info->recordSize) {
        m_recordSize->setSpecialValueText({});
        setRange(m_recordSize, *info->recordSize, info->recordSize->defaultValue);
        m_recordSize->setSingleStep(static_cast<int>(info->recordAlignment));
        m_recordSize->setToolTip(tr("Bytes in the shared record the writer updates and the readers check "
                                    "(a multiple of %1, up to a page)")
                                     .arg(info->recordAlignment));
    } else {
        m_recordSize->setRange(0, 0);
        m_recordSize->setSpecialValueText(tr("not used"));
        m_recordSize->setEnabled(false);
        m_recordSize->setToolTip(tr("Only the torn scenario has a shared record"));
    }
    const QString text = explanationText(toQString(info->id));
    m_explanation->setMarkdown(
        text.isEmpty() ? tr("No explanation is available for %1.").arg(toQString(info->id)) : text);
    syncChanged();
}

void RaceLabView::syncChanged()
{
    const RaceScenarioInfo* info = currentInfo();
    const RaceSyncMode* mode = info ? info->findMode(m_sync->currentData().toString().toStdString()) : nullptr;
    m_syncHelp->setText(mode ? toQString(mode->help) : QString());
    m_syncHelp->setStyleSheet(
        mode && mode->broken ? QStringLiteral("color: #d62728") : QStringLiteral("color: #2ca02c"));
    restartIfRunning();
}

void RaceLabView::restartIfRunning()
{
    if (!m_controller->isRunning())
        return;
    m_continueTimeline = true;
    m_controller->restart(spec());
    m_status->setText(
        tr("Restarting with %1 %2…").arg(m_scenario->currentData().toString(), m_sync->currentData().toString()));
}

RaceSpec RaceLabView::spec() const
{
    RaceSpec spec;
    spec.scenario = m_scenario->currentData().toString().toStdString();
    spec.sync = m_sync->currentData().toString().toStdString();
    spec.workers = static_cast<unsigned>(m_workers->value());
    spec.iterations = static_cast<std::uint64_t>(m_iterations->value());
    spec.windowNs = static_cast<std::uint64_t>(m_window->value());
    if (const RaceScenarioInfo* info = currentInfo(); info && info->recordSize)
        spec.recordSize = static_cast<std::uint64_t>(m_recordSize->value());
    return spec;
}

bool RaceLabView::start()
{
    m_continueTimeline = false;
    if (!m_controller->start(spec()))
        return false;
    m_status->setText(
        tr("Starting %1 %2…").arg(m_scenario->currentData().toString(), m_sync->currentData().toString()));
    return true;
}

void RaceLabView::stop()
{
    m_controller->stop();
    m_status->setText(tr("Stopping…"));
}

void RaceLabView::onStarted()
{
    if (m_continueTimeline) {
        m_timeOffset = m_lastTime;
    } else {
        for (LiveSeries* series : { &m_errorRate, &m_errorTotal, &m_expected, &m_observed })
            series->clear();
        m_timeOffset = 0;
        m_lastTime = 0;
    }
    m_continueTimeline = false;
    m_lastErrors = 0;
    showTally(0, 0, 0);
    const RaceSpec& spec = m_controller->spec();
    m_status->setText(tr("Running %1 with sync %2").arg(toQString(spec.scenario), toQString(spec.sync)));
    m_timer.start();
    m_dirty = true;
}

void RaceLabView::onSample(const SampleMessage& sample)
{
    if (sample.intervalS <= 0)
        return;
    const double t = m_timeOffset + sample.elapsedS;
    // Live counts of a broken mode may step back (a stale store pulls a counter down): the rate
    // shows only new errors.
    const std::uint64_t fresh = sample.syncErrors > m_lastErrors ? sample.syncErrors - m_lastErrors : 0;
    m_errorRate.append(t, static_cast<double>(fresh) / sample.intervalS);
    m_errorTotal.append(t, static_cast<double>(sample.syncErrors));
    m_expected.append(t, static_cast<double>(sample.expected));
    m_observed.append(t, static_cast<double>(sample.observed));
    m_lastErrors = sample.syncErrors;
    m_lastTime = t;
    showTally(sample.expected, sample.observed, sample.syncErrors);
    m_dirty = true;
}

void RaceLabView::onFinished(const RaceResult& result)
{
    m_lastResult = result;
    showTally(result.expected, result.observed, result.syncErrors);
    m_lastTime = m_timeOffset + result.durationS;
    if (m_controller->restartPending())
        return;
    m_timer.stop();
    refresh();
    m_status->setText(result.partial ? tr("Ended early: %1").arg(toQString(result.error))
                                     : tr("Done in %1 s.").arg(result.durationS, 0, 'f', 2));
    emit raceFinished(result);
}

void RaceLabView::onFailed(const QString& reason)
{
    m_timer.stop();
    refresh();
    m_status->setText(tr("<span style='color:#d62728'>Race failed: %1</span>").arg(reason.toHtmlEscaped()));
    emit raceFailed(reason);
}

void RaceLabView::onStateChanged() { m_start->setText(m_controller->isRunning() ? tr("S&top") : tr("&Start")); }

void RaceLabView::showTally(std::uint64_t expected, std::uint64_t observed, std::uint64_t errors)
{
    const RaceScenarioInfo* info = currentInfo();
    const QString counted = info ? toQString(info->counted) : QString();
    m_tally->setText(
        tr("Expected: <b>%1</b><br>Observed: <b>%2</b><br>Sync errors: <b style='color:%4'>%3</b> %5")
            .arg(withSeparators(expected), withSeparators(observed), withSeparators(errors),
                errors > 0 ? QStringLiteral("#d62728") : QStringLiteral("#2ca02c"), counted.toHtmlEscaped()));
}

void RaceLabView::refresh()
{
    m_dirty = false;
    m_errorsChart->setPoints(0, m_errorRate.points());
    m_errorsChart->setPoints(1, m_errorTotal.points());
    m_countsChart->setPoints(0, m_expected.points());
    m_countsChart->setPoints(1, m_observed.points());
    const double end = std::max({ 1.0, m_errorRate.lastX(), m_expected.lastX() });
    m_errorsChart->refresh(end);
    m_countsChart->refresh(end);
}

void RaceLabView::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::PaletteChange) {
        m_errorsChart->applyPalette(palette());
        m_countsChart->applyPalette(palette());
    }
    QWidget::changeEvent(event);
}

QWidget* RaceLabView::exportedChart() { return m_charts; }

bool RaceLabView::exportData(DataFormat format, const QString& path, QString* error) const
{
    if (!m_lastResult) {
        *error = tr("There is no finished race to export yet.");
        return false;
    }
    const std::string text = format == DataFormat::Json ? nlohmann::json(*m_lastResult).dump(2)
                                                        : raceCsvHeader() + "\n" + raceCsvRow(*m_lastResult) + "\n";
    return exporting::writeBytes(QByteArray::fromStdString(text), path, error);
}

} // namespace ipcpg
