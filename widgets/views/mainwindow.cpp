#include "views/mainwindow.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QDockWidget>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QKeySequence>
#include <QLabel>
#include <QListView>
#include <QMenuBar>
#include <QPushButton>
#include <QSettings>
#include <QSplitter>
#include <QStatusBar>
#include <QStyle>
#include <QStyleFactory>
#include <QTabWidget>
#include <QTableView>
#include <QVBoxLayout>
#include <nlohmann/json.hpp>

#include "ipcpg/race.h"

#include "controllers/runcontroller.h"
#include "models/resultsmodel.h"
#include "models/savedrunsmodel.h"
#include "models/sweepresultsmodel.h"
#include "support/qtconversions.h"
#include "views/aboutdialog.h"
#include "views/claimsview.h"
#include "views/comparetabs.h"
#include "views/compareview.h"
#include "views/exporter.h"
#include "views/livechartsview.h"
#include "views/loadcurveview.h"
#include "views/racelabview.h"
#include "views/runsetuppanel.h"
#include "views/scalingview.h"

namespace ipcpg {

namespace {

QPalette darkPalette()
{
    QPalette palette;
    palette.setColor(QPalette::Window, QColor(0x2b, 0x2d, 0x31));
    palette.setColor(QPalette::WindowText, QColor(0xe6, 0xe6, 0xe6));
    palette.setColor(QPalette::Base, QColor(0x1f, 0x21, 0x24));
    palette.setColor(QPalette::AlternateBase, QColor(0x2b, 0x2d, 0x31));
    palette.setColor(QPalette::ToolTipBase, QColor(0x1f, 0x21, 0x24));
    palette.setColor(QPalette::ToolTipText, QColor(0xe6, 0xe6, 0xe6));
    palette.setColor(QPalette::Text, QColor(0xe6, 0xe6, 0xe6));
    palette.setColor(QPalette::Button, QColor(0x35, 0x37, 0x3c));
    palette.setColor(QPalette::ButtonText, QColor(0xe6, 0xe6, 0xe6));
    palette.setColor(QPalette::Highlight, QColor(0x4e, 0x79, 0xa7));
    palette.setColor(QPalette::HighlightedText, Qt::white);
    palette.setColor(QPalette::Mid, QColor(0x50, 0x52, 0x57));
    palette.setColor(QPalette::PlaceholderText, QColor(0x9a, 0x9a, 0x9a));
    palette.setColor(QPalette::Disabled, QPalette::Text, QColor(0x80, 0x80, 0x80));
    palette.setColor(QPalette::Disabled, QPalette::ButtonText, QColor(0x80, 0x80, 0x80));
    palette.setColor(QPalette::Disabled, QPalette::WindowText, QColor(0x80, 0x80, 0x80));
    return palette;
}

// "fan-out to 8", "fan-in from 4", or nothing for pairs: how the status line names a hub run.
QString topologyText(const RunSpec& spec)
{
    if (spec.topology == Topology::FanOut)
        return MainWindow::tr(", fan-out to %1").arg(spec.subscribers);
    if (spec.topology == Topology::FanIn)
        return MainWindow::tr(", fan-in from %1").arg(spec.publishers);
    return {};
}

// What each receiver got over the sample's interval against what it was offered. The offer is
// per receiver (man ipcpg, --rate): a fan-out's subscribers each get the whole rate, a fan-in's
// publishers share it, each pair has its own.
QString liveRateText(const RunSpec& spec, const SampleMessage& sample)
{
    if (spec.rate <= 0)
        return {};
    const unsigned receivers
        = spec.topology == Topology::FanOut ? spec.subscribers : (spec.topology == Topology::FanIn ? 1 : spec.workers);
    return MainWindow::tr(" · %1 of %2 offered per receiver")
        .arg(formatRateQ(messageRate(sample) / receivers), formatRateQ(spec.rate));
}

RunSpec specFromJson(const QString& text, const RunSpec& fallback)
{
    try {
        return nlohmann::json::parse(text.toStdString()).get<RunSpec>();
    } catch (const std::exception&) {
        return fallback;
    }
}

} // namespace

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent)
    , m_controller(new RunController(this))
    , m_setup(new RunSetupPanel)
    , m_charts(new LiveChartsView)
    , m_results(new ResultsModel(this))
    , m_saved(new SavedRunsModel(this))
    , m_compare(new CompareTabs)
    , m_claims(new ClaimsView)
    , m_raceLab(new RaceLabView)
{
    setWindowTitle(tr("IPC Playground"));
    setWindowIcon(QIcon(QStringLiteral(":/icons/ipc-playground.svg")));
    setCentralWidget(buildTabs());
    addPanelDock(tr("Run set-up"), QStringLiteral("setupDock"), m_setup);
    addPanelDock(tr("Saved runs"), QStringLiteral("savedDock"), buildSavedRunsPanel());
    buildStatusBar();
    buildMenus();

    connect(m_saved, &SavedRunsModel::overlaysChanged, this, [this] { m_charts->setOverlays(m_saved->overlaid()); });
    connect(m_setup, &RunSetupPanel::startRequested, this, [this] { startRun(); });
    connect(m_setup, &RunSetupPanel::stopRequested, this, &MainWindow::stopRun);
    connect(m_controller, &RunController::started, this, &MainWindow::onStarted);
    connect(m_controller, &RunController::sampleReceived, this, &MainWindow::onSample);
    connect(m_controller, &RunController::finished, this, &MainWindow::onFinished);
    connect(m_controller, &RunController::failed, this, &MainWindow::onFailed);
    connect(m_controller, &RunController::stateChanged, this, &MainWindow::onStateChanged);
    resize(1440, 900);
}

QTabWidget* MainWindow::buildTabs()
{
    m_tabs = new QTabWidget;
    m_tabs->addTab(buildLiveTab(), tr("&Live"));
    m_tabs->addTab(m_compare, tr("&Compare"));
    m_tabs->addTab(m_raceLab, tr("Race la&b"));
    m_tabs->addTab(m_claims, tr("What the &article says"));
    m_tabs->setTabToolTip(0, tr("The run going on now, charted live (Ctrl+1)"));
    m_tabs->setTabToolTip(
        1, tr("Mechanisms side by side: across sizes, against N members, against offered load (Ctrl+2)"));
    m_tabs->setTabToolTip(2, tr("Race conditions on shared memory, live: switch synchronisation off and on (Ctrl+3)"));
    m_tabs->setTabToolTip(3, tr("The article's claims, tested on this machine (Ctrl+4)"));
    return m_tabs;
}

// An error banner above the charts, which show the run's final numbers beside the histogram.
QWidget* MainWindow::buildLiveTab()
{
    m_errorBanner = new QLabel;
    m_errorBanner->setObjectName(QStringLiteral("errorBanner")); // found by tests and style sheets
    m_errorBanner->setWordWrap(true);
    m_errorBanner->setStyleSheet(QStringLiteral("QLabel { background: #c62828; color: white; padding: 6px; }"));
    m_errorBanner->hide();
    m_resultsView = new QTableView;
    m_resultsView->setModel(m_results);
    m_resultsView->horizontalHeader()->setStretchLastSection(true);
    m_resultsView->horizontalHeader()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_resultsView->verticalHeader()->hide();
    m_resultsView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_resultsView->setToolTip(tr("The run's final numbers; hover a row for what it means"));
    m_charts->setSideWidget(m_resultsView);
    m_liveTab = new QWidget;
    auto* liveLayout = new QVBoxLayout(m_liveTab);
    liveLayout->setContentsMargins(4, 4, 4, 4);
    liveLayout->addWidget(m_errorBanner);
    liveLayout->addWidget(m_charts, 1);
    return m_liveTab;
}

// The kept runs, with the buttons that keep the last one and forget the selected one.
QWidget* MainWindow::buildSavedRunsPanel()
{
    auto* savedPanel = new QWidget;
    auto* savedLayout = new QVBoxLayout(savedPanel);
    savedLayout->setContentsMargins(4, 4, 4, 4);
    m_savedView = new QListView;
    m_savedView->setModel(m_saved);
    m_savedView->setToolTip(tr("Runs you kept. Ticked ones are drawn as dashed lines on the live charts; "
                               "double-click a name to rename it."));
    auto* keep = new QPushButton(tr("&Keep last run"));
    keep->setToolTip(tr("Keep the last finished run under a name (Ctrl+K)"));
    auto* remove = new QPushButton(tr("Remove"));
    remove->setToolTip(tr("Forget the selected saved run"));
    auto* savedButtons = new QHBoxLayout;
    savedButtons->addWidget(keep);
    savedButtons->addWidget(remove);
    savedLayout->addWidget(m_savedView);
    savedLayout->addLayout(savedButtons);
    connect(keep, &QPushButton::clicked, this, [this] { keepLastRun(); });
    connect(remove, &QPushButton::clicked, this, [this] { m_saved->remove(m_savedView->currentIndex().row()); });
    return savedPanel;
}

void MainWindow::addPanelDock(const QString& title, const QString& objectName, QWidget* panel)
{
    auto* dock = new QDockWidget(title, this);
    dock->setObjectName(objectName); // saveState() and restoreState() find it by name
    dock->setWidget(panel);
    dock->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable);
    addDockWidget(Qt::LeftDockWidgetArea, dock);
}

void MainWindow::buildStatusBar()
{
    m_liveStatus = new QLabel;
    statusBar()->addPermanentWidget(m_liveStatus);
    statusBar()->showMessage(tr("Pick a mechanism and press Start (Ctrl+R)."));
}

MainWindow::~MainWindow() = default;

void MainWindow::buildMenus()
{
    buildFileMenu();
    buildRunMenu();
    buildViewMenu();
    buildHelpMenu();
}

void MainWindow::buildFileMenu()
{
    auto* file = menuBar()->addMenu(tr("&File"));
    const struct {
        QString text;
        QKeySequence keys;
        ExportKind kind;
    } exports[] = {
        { tr("Export chart as &PNG…"), QKeySequence(Qt::CTRL | Qt::Key_E), ExportKind::Png },
        { tr("Export chart as &SVG…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E), ExportKind::Svg },
        { tr("Export data as &CSV…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_C), ExportKind::Csv },
        { tr("Export data as &JSON…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_J), ExportKind::Json },
    };
    for (const auto& entry : exports) {
        QAction* action = file->addAction(entry.text);
        action->setShortcut(entry.keys);
        const ExportKind kind = entry.kind;
        connect(action, &QAction::triggered, this, [this, kind] { exportWithDialog(kind); });
    }
    file->addSeparator();
    QAction* quit = file->addAction(tr("&Quit"));
    quit->setShortcut(QKeySequence::Quit);
    connect(quit, &QAction::triggered, this, &QWidget::close);
}

void MainWindow::buildRunMenu()
{
    auto* run = menuBar()->addMenu(tr("&Run"));
    QAction* startStop = run->addAction(tr("&Start / Stop"));
    startStop->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
    connect(startStop, &QAction::triggered, this, [this] {
        if (m_controller->isRunning())
            stopRun();
        else
            startRun();
    });
    QAction* keep = run->addAction(tr("&Keep last run…"));
    keep->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_K));
    connect(keep, &QAction::triggered, this, [this] { keepLastRun(); });
}

void MainWindow::buildViewMenu()
{
    auto* view = menuBar()->addMenu(tr("&View"));
    for (int i = 0; i < m_tabs->count(); ++i) {
        QAction* action = view->addAction(m_tabs->tabText(i).remove(QLatin1Char('&')));
        action->setShortcut(QKeySequence(Qt::CTRL | static_cast<Qt::Key>(Qt::Key_1 + i)));
        connect(action, &QAction::triggered, this, [this, i] { m_tabs->setCurrentIndex(i); });
    }
    view->addSeparator();
    auto* themes = new QActionGroup(this);
    const struct {
        QString text;
        Theme theme;
    } themeEntries[]
        = { { tr("&System colours"), Theme::System }, { tr("&Light"), Theme::Light }, { tr("&Dark"), Theme::Dark } };
    for (const auto& entry : themeEntries) {
        QAction* action = view->addAction(entry.text);
        action->setCheckable(true);
        action->setChecked(entry.theme == Theme::System);
        action->setActionGroup(themes);
        const Theme theme = entry.theme;
        connect(action, &QAction::triggered, this, [this, theme] { setTheme(theme); });
    }
}

void MainWindow::buildHelpMenu()
{
    auto* help = menuBar()->addMenu(tr("&Help"));
    QAction* about = help->addAction(tr("&About IPC Playground"));
    about->setShortcut(QKeySequence::HelpContents);
    connect(about, &QAction::triggered, this, [this] { AboutDialog(this).exec(); });
}

bool MainWindow::startRun()
{
    if (!m_setup->problem().isEmpty()) {
        showError(m_setup->problem());
        return false;
    }
    const RunSpec spec = m_setup->spec();
    m_errorBanner->hide();
    m_charts->reset(spec);
    m_charts->setOverlays(m_saved->overlaid());
    m_results->clear();
    if (!m_controller->start(spec))
        return false;
    m_charts->setLive(true);
    m_tabs->setCurrentWidget(m_liveTab);
    statusBar()->showMessage(tr("Starting %1…").arg(toQString(spec.mechanism)));
    saveSettings();
    return true;
}

void MainWindow::stopRun()
{
    m_controller->stop();
    statusBar()->showMessage(tr("Stopping…"));
}

bool MainWindow::keepLastRun(const QString& name)
{
    if (!m_charts->recording().result()) {
        statusBar()->showMessage(tr("There is no finished run to keep yet."));
        return false;
    }
    QString chosen = name;
    if (chosen.isEmpty()) {
        bool ok = false;
        chosen = QInputDialog::getText(
            this, tr("Keep run"), tr("Name:"), QLineEdit::Normal, m_charts->recording().describe(), &ok);
        if (!ok || chosen.trimmed().isEmpty())
            return false;
    }
    m_saved->add(m_charts->recording(), chosen.trimmed());
    statusBar()->showMessage(tr("Kept \"%1\"; it is overlaid on the next runs.").arg(chosen.trimmed()));
    return true;
}

void MainWindow::onStarted()
{
    const RunSpec& spec = m_controller->spec();
    statusBar()->showMessage(tr("Running %1, %2, %3 messages%4")
                                 .arg(toQString(spec.mechanism), toQString(toString(spec.mode)),
                                     formatBytesQ(spec.messageSize), topologyText(spec)));
}

void MainWindow::onSample(const SampleMessage& sample)
{
    m_charts->addSample(sample);
    if (sample.elapsedS < 0)
        m_liveStatus->setText(tr("warming up"));
    else
        m_liveStatus->setText(tr("%1 s · %2%3")
                                  .arg(sample.elapsedS, 0, 'f', 1)
                                  .arg(formatRateQ(messageRate(sample)), liveRateText(m_controller->spec(), sample)));
}

void MainWindow::onFinished(const RunResult& result)
{
    m_charts->setLive(false);
    RunRecording recording = m_charts->recording();
    recording.setResult(result);
    m_charts->setRecording(recording);
    m_results->setResult(result);
    QString done = tr("Done: %1 messages, p50 %2").arg(result.messages).arg(formatNanosecondsQ(result.latencyNs.p50));
    if (const MemberReport* slowest = result.slowestMember())
        done += tr("; slowest %1 %2, p99 %3")
                    .arg(toQString(slowest->role))
                    .arg(slowest->index)
                    .arg(formatNanosecondsQ(slowest->latencyNs.p99));
    if (result.rate)
        done += tr("; offered %1, achieved %2 per receiver, at most %3 behind schedule")
                    .arg(formatRateQ(result.rate->offered), formatRateQ(result.rate->achieved),
                        formatNanosecondsQ(static_cast<double>(result.rate->maxBehindNs)));
    if (!result.partial)
        statusBar()->showMessage(done);
    else
        statusBar()->showMessage(tr("Ended early: %1").arg(toQString(result.error)));
    emit runFinished(result);
}

void MainWindow::onFailed(const QString& reason)
{
    m_charts->setLive(false);
    m_charts->refresh(); // everything that arrived, the histogram included
    showError(tr("Run failed: %1").arg(reason));
    emit runFailed(reason);
}

void MainWindow::showError(const QString& message)
{
    m_errorBanner->setText(message);
    m_errorBanner->show();
    statusBar()->showMessage(message);
}

void MainWindow::onStateChanged()
{
    const bool running = m_controller->isRunning();
    m_setup->setRunning(running);
    if (!running)
        m_liveStatus->clear();
}

bool MainWindow::exportCurrent(ExportKind kind, const QString& path)
{
    QString error;
    bool ok = false;
    // The Live tab's page holds the error banner and the charts; the charts export it.
    QWidget* current = m_tabs->currentWidget();
    ExportableView* view = current == m_liveTab ? m_charts : dynamic_cast<ExportableView*>(current);
    const QString title = m_tabs->tabText(m_tabs->currentIndex()).remove(QLatin1Char('&'));
    if (!view) {
        error = tr("This view has nothing to export.");
    } else if (kind == ExportKind::Png) {
        ok = exporting::writePng(view->exportedChart(), path, &error);
    } else if (kind == ExportKind::Svg) {
        ok = exporting::writeSvg(view->exportedChart(), path, tr("IPC Playground: %1").arg(title), &error);
    } else {
        ok = view->exportData(kind == ExportKind::Json ? DataFormat::Json : DataFormat::Csv, path, &error);
    }
    if (ok)
        statusBar()->showMessage(tr("Exported %1").arg(path));
    else
        showError(error);
    return ok;
}

void MainWindow::exportWithDialog(ExportKind kind)
{
    static const char* const filters[]
        = { "PNG image (*.png)", "SVG image (*.svg)", "CSV table (*.csv)", "JSON (*.json)" };
    static const char* const suffixes[] = { "png", "svg", "csv", "json" };
    const auto index = static_cast<std::size_t>(kind);
    QString path = QFileDialog::getSaveFileName(this, tr("Export"),
        QStringLiteral("ipc-playground.%1").arg(QLatin1String(suffixes[index])), tr(filters[index]));
    if (path.isEmpty())
        return;
    if (!path.contains(QLatin1Char('.')))
        path += QLatin1Char('.') + QLatin1String(suffixes[index]);
    exportCurrent(kind, path);
}

CompareView* MainWindow::compareView() const { return m_compare->mechanisms(); }
ScalingView* MainWindow::scalingView() const { return m_compare->scaling(); }
LoadCurveView* MainWindow::loadCurveView() const { return m_compare->load(); }

bool MainWindow::showTab(const QString& name)
{
    const QMap<QString, QWidget*> tabs { { QStringLiteral("live"), m_liveTab },
        { QStringLiteral("compare"), m_compare }, { QStringLiteral("scaling"), m_compare },
        { QStringLiteral("load"), m_compare }, { QStringLiteral("race"), m_raceLab },
        { QStringLiteral("claims"), m_claims } };
    QWidget* tab = tabs.value(name);
    if (!tab)
        return false;
    m_tabs->setCurrentWidget(tab);
    // The Compare tab's pages by name: compare is its first.
    const QMap<QString, QWidget*> pages { { QStringLiteral("compare"), compareView() },
        { QStringLiteral("scaling"), scalingView() }, { QStringLiteral("load"), loadCurveView() } };
    if (QWidget* page = pages.value(name))
        m_compare->setCurrentWidget(page);
    return true;
}

void MainWindow::setTheme(Theme theme)
{
    m_theme = theme;
    static const QPalette systemPalette = QApplication::palette();
    switch (theme) {
    case Theme::System:
        QApplication::setPalette(systemPalette);
        break;
    case Theme::Light:
        QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
        QApplication::setPalette(QApplication::style()->standardPalette());
        break;
    case Theme::Dark:
        QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
        QApplication::setPalette(darkPalette());
        break;
    }
    QSettings().setValue(QStringLiteral("theme"), static_cast<int>(theme));
}

void MainWindow::saveSettings() const
{
    QSettings settings;
    settings.setValue(QStringLiteral("setup"), QString::fromStdString(nlohmann::json(m_setup->spec()).dump()));
    settings.setValue(QStringLiteral("geometry"), saveGeometry());
    settings.setValue(QStringLiteral("windowState"), saveState());
}

void MainWindow::restoreSettings()
{
    QSettings settings;
    if (settings.contains(QStringLiteral("setup")))
        m_setup->setSpec(specFromJson(settings.value(QStringLiteral("setup")).toString(), m_setup->spec()));
    restoreGeometry(settings.value(QStringLiteral("geometry")).toByteArray());
    restoreState(settings.value(QStringLiteral("windowState")).toByteArray());
    const int theme = settings.value(QStringLiteral("theme"), 0).toInt();
    if (theme > 0 && theme <= static_cast<int>(Theme::Dark))
        setTheme(static_cast<Theme>(theme));
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    saveSettings();
    // The controller's destructor kills a running worker; its sides die with it.
    QMainWindow::closeEvent(event);
}

} // namespace ipcpg
