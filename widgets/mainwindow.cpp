#include "mainwindow.h"

#include <QAction>
#include <QApplication>
#include <QDockWidget>
#include <QHeaderView>
#include <QKeySequence>
#include <QLabel>
#include <QMenuBar>
#include <QStatusBar>
#include <QTableView>

#include "livechartsview.h"
#include "qtconversions.h"
#include "resultsmodel.h"
#include "runcontroller.h"
#include "runsetuppanel.h"

namespace ipcpg {

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent)
    , m_controller(new RunController(this))
    , m_setup(new RunSetupPanel)
    , m_charts(new LiveChartsView)
    , m_results(new ResultsModel(this))
{
    setWindowTitle(tr("IPC Playground"));
    setCentralWidget(m_charts);

    auto* setupDock = new QDockWidget(tr("Run set-up"), this);
    setupDock->setObjectName(QStringLiteral("setupDock"));
    setupDock->setWidget(m_setup);
    setupDock->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable);
    addDockWidget(Qt::LeftDockWidgetArea, setupDock);

    m_resultsView = new QTableView;
    m_resultsView->setModel(m_results);
    m_resultsView->horizontalHeader()->setStretchLastSection(true);
    m_resultsView->verticalHeader()->hide();
    m_resultsView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_resultsView->setWordWrap(true);
    auto* resultsDock = new QDockWidget(tr("Results"), this);
    resultsDock->setObjectName(QStringLiteral("resultsDock"));
    resultsDock->setWidget(m_resultsView);
    resultsDock->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable);
    addDockWidget(Qt::RightDockWidgetArea, resultsDock);

    auto* runMenu = menuBar()->addMenu(tr("&Run"));
    auto* startAction = runMenu->addAction(tr("&Start / Stop"));
    startAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
    connect(startAction, &QAction::triggered, this, [this] {
        if (m_controller->isRunning())
            stopRun();
        else
            startRun();
    });
    runMenu->addSeparator();
    auto* quitAction = runMenu->addAction(tr("&Quit"));
    quitAction->setShortcut(QKeySequence::Quit);
    connect(quitAction, &QAction::triggered, this, &QWidget::close);

    m_liveStatus = new QLabel;
    statusBar()->addPermanentWidget(m_liveStatus);
    statusBar()->showMessage(tr("Pick a mechanism and press Start."));

    connect(m_setup, &RunSetupPanel::startRequested, this, [this] { startRun(); });
    connect(m_setup, &RunSetupPanel::stopRequested, this, &MainWindow::stopRun);
    connect(m_controller, &RunController::started, this, &MainWindow::onStarted);
    connect(m_controller, &RunController::sampleReceived, this, [this](const SampleMessage& sample) {
        m_charts->addSample(sample);
        if (sample.elapsedS < 0)
            m_liveStatus->setText(tr("warming up"));
        else
            m_liveStatus->setText(tr("%1 s · %2").arg(sample.elapsedS, 0, 'f', 1).arg(formatRateQ(sample.intervalS > 0
                    ? static_cast<double>(sample.messages) / sample.intervalS
                    : 0.0)));
    });
    connect(m_controller, &RunController::finished, this, &MainWindow::onFinished);
    connect(m_controller, &RunController::failed, this, &MainWindow::onFailed);
    connect(m_controller, &RunController::stateChanged, this, &MainWindow::onStateChanged);
    resize(1280, 800);
}

MainWindow::~MainWindow() = default;

bool MainWindow::startRun()
{
    if (!m_setup->problem().isEmpty()) {
        statusBar()->showMessage(m_setup->problem());
        return false;
    }
    const RunSpec spec = m_setup->spec();
    m_charts->reset(spec);
    m_results->clear();
    if (!m_controller->start(spec))
        return false;
    m_charts->setLive(true);
    statusBar()->showMessage(tr("Starting %1…").arg(toQString(spec.mechanism)));
    return true;
}

void MainWindow::stopRun()
{
    m_controller->stop();
    statusBar()->showMessage(tr("Stopping…"));
}

void MainWindow::onStarted()
{
    const RunSpec& spec = m_controller->spec();
    statusBar()->showMessage(tr("Running %1, %2, %3 messages").arg(toQString(spec.mechanism), toQString(toString(spec.mode)),
        formatBytesQ(spec.messageSize)));
}

void MainWindow::onFinished(const RunResult& result)
{
    m_charts->setLive(false);
    m_charts->refresh();
    m_results->setResult(result);
    if (!result.partial)
        statusBar()->showMessage(tr("Done: %1 messages, p50 %2").arg(result.messages).arg(formatNanosecondsQ(result.latencyNs.p50)));
    else
        statusBar()->showMessage(tr("Ended early: %1").arg(toQString(result.error)));
    emit runFinished(result);
}

void MainWindow::onFailed(const QString& reason)
{
    m_charts->setLive(false);
    statusBar()->showMessage(tr("Run failed: %1").arg(reason));
    emit runFailed(reason);
}

void MainWindow::onStateChanged()
{
    const bool running = m_controller->isRunning();
    m_setup->setRunning(running);
    if (!running)
        m_liveStatus->clear();
}

} // namespace ipcpg
