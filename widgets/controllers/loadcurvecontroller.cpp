#include "controllers/loadcurvecontroller.h"

#include <QTimer>

#include "controllers/runcontroller.h"
#include "ipcpg/frontendrules.h"
#include "support/qtconversions.h"

namespace ipcpg {

LoadCurveController::LoadCurveController(QObject* parent)
    : QObject(parent)
    , m_runs(new RunController(this))
{
    connect(m_runs, &RunController::finished, this, &LoadCurveController::record);
    connect(m_runs, &RunController::failed, this, [this](const QString& reason) {
        emit runFailed(static_cast<int>(m_curves.size()) - 1, reason);
        RunResult failed; // no result: the rate was not carried (keptUp's rule)
        failed.spec = m_currentSpec;
        failed.partial = true;
        failed.error = reason.toStdString();
        record(failed);
    });
    connect(m_runs, &RunController::stateChanged, this, [this](RunController::State state) {
        if (state == RunController::State::Idle && m_running)
            QTimer::singleShot(0, this, &LoadCurveController::onRunEnded); // after finished/failed are out
    });
}

int LoadCurveController::budgetOf(const LoadCurvePlan& plan) const
{
    return plan.rates.isEmpty() ? static_cast<int>(RateSearchPlan {}.maxRuns) : static_cast<int>(plan.rates.size());
}

void LoadCurveController::start(const QList<LoadCurvePlan>& plans)
{
    if (m_running)
        return;
    m_plans = plans;
    m_curves.clear();
    m_done = 0;
    m_total = 0;
    for (const LoadCurvePlan& plan : plans)
        m_total += budgetOf(plan);
    m_running = true;
    m_cancelled = false;
    if (m_plans.isEmpty()) {
        finish(false);
        return;
    }
    beginCurve();
    startNext();
}

void LoadCurveController::cancel()
{
    if (!m_running)
        return;
    m_cancelled = true;
    if (m_runs->isRunning())
        m_runs->stop();
    else
        onRunEnded();
}

void LoadCurveController::beginCurve()
{
    const LoadCurvePlan& plan = m_plans[static_cast<qsizetype>(m_curves.size())];
    m_curves.push_back({ curveLabel(plan.spec), {}, std::nullopt });
    m_search.reset();
    if (plan.rates.isEmpty())
        m_search.emplace();
    m_nextFixed = 0;
    m_curveRuns = 0;
}

std::optional<double> LoadCurveController::nextRate() const
{
    if (m_search)
        return m_search->nextRate();
    const QList<double>& rates = m_plans[static_cast<qsizetype>(m_curves.size()) - 1].rates;
    return m_nextFixed < rates.size() ? std::optional<double>(rates[m_nextFixed]) : std::nullopt;
}

void LoadCurveController::startNext()
{
    for (;;) {
        const std::optional<double> rate = nextRate();
        if (!rate) {
            // The curve is over: what its budget did not use is no longer to come.
            m_total -= budgetOf(m_plans[static_cast<qsizetype>(m_curves.size()) - 1]) - m_curveRuns;
            if (m_curves.size() == static_cast<std::size_t>(m_plans.size())) {
                finish(false);
                return;
            }
            beginCurve();
            continue;
        }
        RunSpec spec = m_plans[static_cast<qsizetype>(m_curves.size()) - 1].spec;
        spec.rate = *rate;
        m_currentSpec = spec;
        m_currentRate = *rate;
        m_currentRecorded = false;
        ++m_curveRuns;
        const QString label
            = *rate > 0 ? toQString(runLabel(spec)) : toQString(runLabel(spec)) + tr(" closed loop (probe)");
        emit progress(m_done, m_total, label);
        if (m_runs->start(spec))
            return;
        // Refused up front: failed() was emitted and recorded; the search goes on from it.
        ++m_done;
    }
}

void LoadCurveController::record(const RunResult& result)
{
    // A worker may report a partial result and then fail: one run, counted once.
    if (m_currentRecorded || m_curves.empty())
        return;
    m_currentRecorded = true;
    LoadCurve& curve = m_curves.back();
    curve.runs.push_back(result);
    // A run the user stopped says nothing about the rate: it is shown, not counted.
    if (!m_cancelled) {
        if (m_search)
            m_search->record(m_currentRate, result);
        else
            ++m_nextFixed;
        curve.saturation = m_search ? m_search->saturation() : saturationRate(rateSteps(curve.runs));
    }
    emit curveUpdated(static_cast<int>(m_curves.size()) - 1);
}

void LoadCurveController::onRunEnded()
{
    if (!m_running)
        return;
    ++m_done;
    if (m_cancelled) {
        finish(true);
        return;
    }
    startNext();
}

void LoadCurveController::finish(bool cancelled)
{
    m_running = false;
    m_total = std::max(m_total, m_done);
    emit progress(m_done, m_total, QString());
    emit finished(cancelled);
}

} // namespace ipcpg
