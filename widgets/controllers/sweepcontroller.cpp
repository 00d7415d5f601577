#include "controllers/sweepcontroller.h"

#include <QTimer>

#include "controllers/runcontroller.h"
#include "ipcpg/frontendrules.h"
#include "support/qtconversions.h"

namespace ipcpg {

SweepController::SweepController(QObject* parent)
    : QObject(parent)
    , m_runs(new RunController(this))
{
    connect(m_runs, &RunController::finished, this, [this](const RunResult& result) {
        m_currentReported = true;
        emit resultReady(m_next, result);
    });
    connect(m_runs, &RunController::failed, this, [this](const QString& reason) { emit runFailed(m_next, reason); });
    connect(m_runs, &RunController::stateChanged, this, [this](RunController::State state) {
        if (state == RunController::State::Idle && m_running)
            QTimer::singleShot(0, this, &SweepController::onRunEnded); // after finished/failed are out
    });
}

void SweepController::start(const QList<RunSpec>& plan)
{
    if (m_running)
        return;
    m_plan = plan;
    m_next = 0;
    m_running = true;
    m_cancelled = false;
    startNext();
}

void SweepController::cancel()
{
    if (!m_running)
        return;
    m_cancelled = true;
    if (m_runs->isRunning())
        m_runs->stop();
    else
        onRunEnded();
}

void SweepController::startNext()
{
    while (m_next < m_plan.size()) {
        emit progress(m_next, static_cast<int>(m_plan.size()), toQString(runLabel(m_plan[m_next])));
        m_currentReported = false;
        if (m_runs->start(m_plan[m_next]))
            return;
        ++m_next; // refused up front: failed() was emitted, go on with the next
    }
    m_running = false;
    emit progress(m_next, static_cast<int>(m_plan.size()), QString());
    emit finished(false);
}

void SweepController::onRunEnded()
{
    if (!m_running)
        return;
    ++m_next;
    if (m_cancelled) {
        m_running = false;
        emit progress(m_next, static_cast<int>(m_plan.size()), QString());
        emit finished(true);
        return;
    }
    startNext();
}

} // namespace ipcpg
