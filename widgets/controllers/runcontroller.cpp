#include "controllers/runcontroller.h"

#include <nlohmann/json.hpp>

#include "ipcpg/error.h"
#include "ipcpg/mechanismregistry.h"
#include "support/qtconversions.h"

namespace ipcpg {

RunController::RunController(QObject* parent)
    : WorkerController(parent)
{
}

bool RunController::start(const RunSpec& requested)
{
    if (isRunning()) {
        emit failed(tr("A run is already in progress; stop it first."));
        return false;
    }
    RunSpec spec = requested;
    try {
        MechanismRegistry::instance().validate(spec);
    } catch (const Error& error) {
        emit failed(QString::fromUtf8(error.what()));
        return false;
    }
    m_spec = spec;
    m_samples = SampleAccumulator {};
    return startWorker({ QStringLiteral("--run"), toQString(nlohmann::json(spec).dump()) });
}

void RunController::takeResult(const ControlMessage& message)
{
    if (const auto* result = std::get_if<ResultMessage>(&message))
        m_result = result->result;
}

void RunController::salvageResult(const QString& failure)
{
    m_result = m_samples.partialResult(m_spec, failure.toStdString());
}

void RunController::emitResult(const QString& failure)
{
    markFailure(*m_result, failure);
    emit finished(*m_result);
}

} // namespace ipcpg
