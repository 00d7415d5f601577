#pragma once

#include <QTimer>
#include <QWidget>
#include <optional>

#include "charts/liveseries.h"
#include "ipcpg/controlprotocol.h"
#include "ipcpg/race.h"
#include "views/exportableview.h"

class QComboBox;
class QFormLayout;
class QLabel;
class QLineSeries;
class QPushButton;
class QSpinBox;
class QTextBrowser;

namespace ipcpg {

class RaceController;
class TimeSeriesChart;
struct RaceScenarioInfo;

// The race lab: pick a scenario and its sync mode, run it with real worker processes, and watch
// its sync errors live (per second and cumulative) next to expected versus observed, with an
// explanation for students of what goes wrong and why the fix works. Changing the scenario or the
// sync mode while a race runs restarts it on the same timeline, so switching the broken mode off
// shows the errors stop. Self-contained: it owns its RaceController.
class RaceLabView : public QWidget, public ExportableView {
    Q_OBJECT

public:
    static constexpr int kRefreshHz = 15;

    explicit RaceLabView(QWidget* parent = nullptr);

    QWidget* exportedChart() override;
    bool exportData(DataFormat format, const QString& path, QString* error) const override;

    // The race the controls describe (scenario defaults resolved by the registry when started).
    RaceSpec spec() const;
    // Starts the race the controls describe; false when it is refused (the reason goes to raceFailed).
    bool start();
    void stop();

    // The explanation for a scenario, from the application resources; empty if there is none.
    static QString explanationText(const QString& scenarioId);

    RaceController* controller() const { return m_controller; }
    QComboBox* scenarioBox() const { return m_scenario; }
    QComboBox* syncBox() const { return m_sync; }
    QSpinBox* workersBox() const { return m_workers; }
    QSpinBox* iterationsBox() const { return m_iterations; }
    QSpinBox* windowBox() const { return m_window; }
    QSpinBox* recordSizeBox() const { return m_recordSize; }
    QPushButton* startButton() const { return m_start; }
    QTextBrowser* explanation() const { return m_explanation; }
    QLabel* tallyLabel() const { return m_tally; }
    QLineSeries* errorRateSeries() const;
    QLineSeries* errorTotalSeries() const;
    QLineSeries* expectedSeries() const;
    QLineSeries* observedSeries() const;
    // The charts, for exporting what the user sees.
    const std::optional<RaceResult>& lastResult() const { return m_lastResult; }

    // Copies the series into the charts now (a timer does this while a race runs).
    void refresh();

signals:
    void raceFinished(const ipcpg::RaceResult& result);
    void raceFailed(const QString& reason);

protected:
    void changeEvent(QEvent* event) override;

private:
    const RaceScenarioInfo* currentInfo() const;
    void scenarioChanged();
    void syncChanged();
    void restartIfRunning();
    void onStarted();
    void onSample(const SampleMessage& sample);
    void onFinished(const RaceResult& result);
    void onFailed(const QString& reason);
    void onStateChanged();
    void showTally(std::uint64_t expected, std::uint64_t observed, std::uint64_t errors);
    QWidget* buildSetup();
    void buildScenarioControls(QFormLayout* form);
    void buildParameterControls(QFormLayout* form);
    QWidget* buildCharts();
    QWidget* buildExplanation();

    RaceController* m_controller = nullptr;
    QComboBox* m_scenario = nullptr;
    QLabel* m_summary = nullptr;
    QComboBox* m_sync = nullptr;
    QLabel* m_syncHelp = nullptr;
    QSpinBox* m_workers = nullptr;
    QSpinBox* m_iterations = nullptr;
    QSpinBox* m_window = nullptr;
    QSpinBox* m_recordSize = nullptr;
    QPushButton* m_start = nullptr;
    QLabel* m_tally = nullptr;
    QLabel* m_status = nullptr;
    QTextBrowser* m_explanation = nullptr;

    TimeSeriesChart* m_errorsChart = nullptr;
    TimeSeriesChart* m_countsChart = nullptr;
    QWidget* m_charts = nullptr;
    std::optional<RaceResult> m_lastResult;

    LiveSeries m_errorRate;
    LiveSeries m_errorTotal;
    LiveSeries m_expected;
    LiveSeries m_observed;
    bool m_dirty = false;
    QTimer m_timer;
    bool m_continueTimeline = false; // the next race continues the current one's time axis
    double m_timeOffset = 0; // seconds of earlier races on this timeline
    double m_lastTime = 0;
    std::uint64_t m_lastErrors = 0;
};

} // namespace ipcpg
