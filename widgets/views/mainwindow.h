#pragma once

#include <QMainWindow>

#include "ipcpg/controlprotocol.h"
#include "ipcpg/runresult.h"

class QLabel;
class QListView;
class QTabWidget;
class QTableView;

namespace ipcpg {

class ClaimsView;
class CompareTabs;
class CompareView;
class LoadCurveView;
class ScalingView;
class LiveChartsView;
class RaceLabView;
class ResultsModel;
class RunController;
class RunSetupPanel;
class SavedRunsModel;

// The playground's main window. Tabs: Live (the run going on now), Compare (sweeps), Race lab
// and Claims. The set-up and the saved runs sit on the left; the status bar carries state and
// errors. The set-up and the window geometry are remembered between sessions.
class MainWindow : public QMainWindow {
    Q_OBJECT

public:
    enum class ExportKind { Png, Svg, Csv, Json };
    enum class Theme { System, Light, Dark };

    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    RunController* controller() const { return m_controller; }
    RunSetupPanel* setupPanel() const { return m_setup; }
    LiveChartsView* charts() const { return m_charts; }
    ResultsModel* results() const { return m_results; }
    SavedRunsModel* savedRuns() const { return m_saved; }
    CompareTabs* compareTabs() const { return m_compare; }
    CompareView* compareView() const;
    ScalingView* scalingView() const;
    LoadCurveView* loadCurveView() const;
    ClaimsView* claimsView() const { return m_claims; }
    RaceLabView* raceLab() const { return m_raceLab; }
    QTabWidget* tabs() const { return m_tabs; }

    // Starts a run with the panel's current set-up; returns false when it is refused.
    bool startRun();
    void stopRun();
    // Keeps the last finished run under a name, for overlaying.
    bool keepLastRun(const QString& name = {});
    // Writes what the current tab shows; returns false and shows why when it cannot.
    bool exportCurrent(ExportKind kind, const QString& path);
    void setTheme(Theme theme);
    // Shows the tab named "live", "compare", "race" or "claims"; false for another name.
    bool showTab(const QString& name);
    // Restores the set-up and the window geometry from QSettings.
    void restoreSettings();

signals:
    void runFinished(const ipcpg::RunResult& result);
    void runFailed(const QString& reason);

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    QTabWidget* buildTabs();
    QWidget* buildLiveTab();
    QWidget* buildSavedRunsPanel();
    void addPanelDock(const QString& title, const QString& objectName, QWidget* panel);
    void buildStatusBar();
    void buildMenus();
    void buildFileMenu();
    void buildRunMenu();
    void buildViewMenu();
    void buildHelpMenu();
    void exportWithDialog(ExportKind kind);
    void onStarted();
    void onSample(const SampleMessage& sample);
    void onFinished(const RunResult& result);
    void onFailed(const QString& reason);
    void onStateChanged();
    void showError(const QString& message);
    void saveSettings() const;

    RunController* m_controller = nullptr;
    RunSetupPanel* m_setup = nullptr;
    LiveChartsView* m_charts = nullptr;
    ResultsModel* m_results = nullptr;
    SavedRunsModel* m_saved = nullptr;
    CompareTabs* m_compare = nullptr;
    ClaimsView* m_claims = nullptr;
    RaceLabView* m_raceLab = nullptr;
    QTabWidget* m_tabs = nullptr;
    QWidget* m_liveTab = nullptr;
    QTableView* m_resultsView = nullptr;
    QListView* m_savedView = nullptr;
    QLabel* m_errorBanner = nullptr;
    QLabel* m_liveStatus = nullptr;
    Theme m_theme = Theme::System;
};

} // namespace ipcpg
