#include "controllers/racecontroller.h"

#include <nlohmann/json.hpp>

#include "ipcpg/error.h"
#include "ipcpg/raceregistry.h"
#include "ipcpg/runsupervisor.h"
#include "support/qtconversions.h"

namespace ipcpg {

RaceController::RaceController(QObject* parent)
    : WorkerController(parent)
{
    // Queued: the restart happens after every slot has seen the previous race end.
    connect(this, &WorkerController::stateChanged, this, [this](State state) {
        if (state == State::Idle && m_pending)
            QMetaObject::invokeMethod(this, &RaceController::startPending, Qt::QueuedConnection);
    });
}

bool RaceController::start(const RaceSpec& requested)
{
    if (isRunning()) {
        emit failed(tr("A race is already running; stop it first."));
        return false;
    }
    RaceSpec spec = requested;
    try {
        RaceRegistry::instance().validate(spec);
    } catch (const Error& error) {
        emit failed(QString::fromUtf8(error.what()));
        return false;
    }
    m_spec = spec;
    return startWorker({ QStringLiteral("--race"), toQString(nlohmann::json(spec).dump()) });
}

void RaceController::restart(const RaceSpec& spec)
{
    if (!isRunning()) {
        m_pending.reset();
        start(spec);
        return;
    }
    m_pending = spec;
    stop();
}

void RaceController::startPending()
{
    if (!m_pending || isRunning())
        return;
    const RaceSpec spec = *m_pending;
    m_pending.reset();
    start(spec);
}

void RaceController::takeResult(const ControlMessage& message)
{
    if (const auto* result = std::get_if<RaceResultMessage>(&message))
        m_result = parseRaceResult(result->json);
}

void RaceController::emitResult(const QString& failure)
{
    markFailure(*m_result, failure);
    emit finished(*m_result);
}

} // namespace ipcpg
