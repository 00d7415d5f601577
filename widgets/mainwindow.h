#pragma once

#include <QMainWindow>

#include "ipcpg/runresult.h"

class QLabel;
class QTableView;

namespace ipcpg {

class LiveChartsView;
class ResultsModel;
class RunController;
class RunSetupPanel;

// The playground's main window: set-up on the left, live charts in the middle, the run's final
// numbers on the right, state and errors in the status bar.
class MainWindow : public QMainWindow {
    Q_OBJECT

public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    RunController* controller() const { return m_controller; }
    RunSetupPanel* setupPanel() const { return m_setup; }
    LiveChartsView* charts() const { return m_charts; }
    ResultsModel* results() const { return m_results; }

    // Starts a run with the panel's current set-up; returns false when it is refused.
    bool startRun();
    void stopRun();

signals:
    void runFinished(const ipcpg::RunResult& result);
    void runFailed(const QString& reason);

private:
    void onStarted();
    void onFinished(const RunResult& result);
    void onFailed(const QString& reason);
    void onStateChanged();

    RunController* m_controller = nullptr;
    RunSetupPanel* m_setup = nullptr;
    LiveChartsView* m_charts = nullptr;
    ResultsModel* m_results = nullptr;
    QTableView* m_resultsView = nullptr;
    QLabel* m_liveStatus = nullptr;
};

} // namespace ipcpg
