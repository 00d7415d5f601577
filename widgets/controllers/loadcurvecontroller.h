#pragma once

#include <QList>
#include <QObject>
#include <optional>
#include <vector>

#include "ipcpg/loadcurve.h"
#include "ipcpg/ratesearch.h"
#include "ipcpg/runspec.h"

namespace ipcpg {

class RunController;

// What one latency-versus-load curve runs: `spec` at each of `rates`, or, with no rates, at the
// rates a RateSearch chooses from the results so far (a closed-loop probe, rising steps, then
// bisection around the saturation point).
struct LoadCurvePlan {
    RunSpec spec;
    QList<double> rates;
};

// Runs load curves one run at a time (runs would disturb each other's numbers) and keeps each
// curve's runs and saturation point as they come. Cancel stops the current run within a second
// and skips the rest; the stopped run is kept in its curve but says nothing about the rate.
class LoadCurveController : public QObject {
    Q_OBJECT

public:
    explicit LoadCurveController(QObject* parent = nullptr);

    void start(const QList<LoadCurvePlan>& plans);
    void cancel();
    bool isRunning() const { return m_running; }
    // The curves so far: one per plan that has started, in plan order.
    const std::vector<LoadCurve>& curves() const { return m_curves; }
    // The most runs still possible plus those done: a search may end before its budget.
    int totalRuns() const { return m_total; }
    int runsDone() const { return m_done; }
    RunController* runController() const { return m_runs; }

signals:
    void progress(int done, int total, const QString& current);
    // A run of curve `curve` ended (its result is the curve's last run) and the saturation point
    // was brought up to date.
    void curveUpdated(int curve);
    void runFailed(int curve, const QString& reason);
    void finished(bool cancelled);

private:
    std::optional<double> nextRate() const;
    int budgetOf(const LoadCurvePlan& plan) const;
    void beginCurve();
    void startNext();
    void record(const RunResult& result);
    void onRunEnded();
    void finish(bool cancelled);

    RunController* m_runs = nullptr;
    QList<LoadCurvePlan> m_plans;
    std::vector<LoadCurve> m_curves;
    std::optional<RateSearch> m_search; // the current curve's, when it has no fixed rates
    int m_nextFixed = 0; // the current curve's next fixed rate
    int m_curveRuns = 0; // runs the current curve has started
    RunSpec m_currentSpec;
    double m_currentRate = 0;
    bool m_currentRecorded = false;
    int m_done = 0;
    int m_total = 0;
    bool m_running = false;
    bool m_cancelled = false;
};

} // namespace ipcpg
