#include "runcontroller.h"

#include <QCoreApplication>
#include <csignal>
#include <cstring>

#include "ipcpg/error.h"
#include "ipcpg/mechanismregistry.h"
#include "ipcpg/runresources.h"
#include "ipcpg/workerprocess.h"
#include "qtconversions.h"
#include <nlohmann/json.hpp>

namespace ipcpg {

RunController::RunController(QObject* parent)
    : QObject(parent)
{
    registerMetaTypes();
    m_watchdog.setInterval(250);
    connect(&m_watchdog, &QTimer::timeout, this, &RunController::checkSilence);
}

RunController::~RunController()
{
    if (m_process) {
        m_process->disconnect(this);
        m_process->kill();
        m_process->waitForFinished(1000); // SIGKILL takes effect at once; this only reaps
        RunResources::removeStaleObjects();
    }
}

bool RunController::start(const RunSpec& requested)
{
    if (isRunning()) {
        emit failed(tr("A run is already in progress; stop it first."));
        return false;
    }
    RunSpec spec = requested;
    QString workerPath;
    try {
        MechanismRegistry::instance().validate(spec);
        workerPath = toQString(locateWorkerExecutable());
    } catch (const Error& error) {
        emit failed(QString::fromUtf8(error.what()));
        return false;
    }
    m_spec = spec;
    m_result.reset();
    m_workerError.clear();
    m_failure.clear();
    m_lines = ControlLineBuffer {};
    m_order = ControlMessageOrder {};
    m_samples = SampleAccumulator {};
    m_workerPid = 0;

    m_process = new QProcess(this);
    m_process->setProgram(workerPath);
    m_process->setArguments({ QStringLiteral("--run"), toQString(nlohmann::json(spec).dump()), QStringLiteral("--parent-pid"),
        QString::number(QCoreApplication::applicationPid()) });
    // The worker's stderr repeats its error messages for people at a terminal: pass it through.
    m_process->setProcessChannelMode(QProcess::ForwardedErrorChannel);
    connect(m_process, &QProcess::readyReadStandardOutput, this, &RunController::readOutput);
    connect(m_process, &QProcess::finished, this, &RunController::onProcessFinished);
    connect(m_process, &QProcess::errorOccurred, this, &RunController::onProcessError);
    connect(m_process, &QProcess::started, this, [this] { m_workerPid = m_process->processId(); });
    setState(State::Running);
    m_sinceLastMessage.start();
    m_watchdog.start();
    m_process->start();
    return true;
}

void RunController::stop()
{
    if (m_state != State::Running || !m_process)
        return;
    setState(State::Stopping);
    m_sinceStopRequest.start();
    if (m_process->processId() > 0)
        ::kill(static_cast<pid_t>(m_process->processId()), SIGTERM);
}

void RunController::readOutput()
{
    if (!m_process)
        return;
    const QByteArray bytes = m_process->readAllStandardOutput();
    m_lines.append(std::string_view(bytes.constData(), static_cast<std::size_t>(bytes.size())));
    while (auto line = m_lines.nextLine()) {
        if (line->empty())
            continue;
        m_sinceLastMessage.restart();
        try {
            const ControlMessage message = parseControlLine(*line);
            m_order.check(message);
            handleMessage(message);
        } catch (const ProtocolError& error) {
            abort(tr("The worker sent something unreadable (%1); the run was stopped.").arg(QString::fromUtf8(error.what())));
            return;
        }
        if (!m_process)
            return;
    }
    if (m_lines.overflowed())
        abort(tr("The worker sent a message longer than the protocol allows; the run was stopped."));
}

void RunController::handleMessage(const ControlMessage& message)
{
    if (const auto* hello = std::get_if<HelloMessage>(&message))
        emit started(*hello);
    else if (const auto* sample = std::get_if<SampleMessage>(&message)) {
        m_samples.add(*sample);
        emit sampleReceived(*sample);
    } else if (const auto* result = std::get_if<ResultMessage>(&message))
        m_result = result->result;
    else if (const auto* error = std::get_if<ErrorMessage>(&message))
        m_workerError = toQString(error->message);
}

void RunController::checkSilence()
{
    if (!m_process)
        return;
    if (m_state == State::Stopping && m_sinceStopRequest.elapsed() > 1000) {
        abort(tr("The worker did not stop within 1 s; it was killed."));
        return;
    }
    if (m_sinceLastMessage.elapsed() > m_silenceLimitMs) {
        abort(tr("The worker (pid %1) sent nothing for %2 s: it was stopped or hangs, so it was killed.")
                  .arg(m_process->processId())
                  .arg(m_silenceLimitMs / 1000.0, 0, 'f', 1));
    }
}

void RunController::abort(const QString& reason)
{
    if (!m_process)
        return;
    m_failure = reason;
    m_process->kill(); // finished() follows from the event loop and ends the run
}

void RunController::onProcessError(QProcess::ProcessError error)
{
    if (error == QProcess::FailedToStart) {
        m_failure = tr("Could not start the worker %1: %2").arg(m_process->program(), m_process->errorString());
        finish();
    }
}

void RunController::onProcessFinished(int exitCode, QProcess::ExitStatus status)
{
    readOutput();
    if (m_failure.isEmpty() && !m_lines.takeRemainder().empty())
        m_failure = tr("The worker sent something unreadable (its output ended in the middle of a message).");
    if (m_failure.isEmpty()) {
        // On a crash QProcess reports the signal as the exit code.
        if (status == QProcess::CrashExit)
            m_failure = tr("The worker ipcpg-worker (pid %1) was killed by signal %2 (%3).")
                            .arg(m_workerPid)
                            .arg(exitCode)
                            .arg(QString::fromLocal8Bit(strsignal(exitCode)));
        else if (exitCode != 0)
            m_failure = m_workerError.isEmpty() ? tr("The worker exited with status %1.").arg(exitCode) : m_workerError;
        else if (!m_result)
            m_failure = tr("The worker ended without reporting a result.");
    }
    if (status == QProcess::CrashExit || !m_failure.isEmpty())
        RunResources::removeStaleObjects(); // a killed worker could not clean up after itself
    finish();
}

void RunController::finish()
{
    m_watchdog.stop();
    if (m_process) {
        m_process->disconnect(this);
        m_process->deleteLater();
        m_process = nullptr;
    }
    setState(State::Idle);
    if (!m_result && !m_failure.isEmpty())
        m_result = m_samples.partialResult(m_spec, m_failure.toStdString());
    if (m_result) {
        if (!m_failure.isEmpty() && !m_result->partial) {
            m_result->partial = true;
            m_result->error = m_failure.toStdString();
        }
        emit finished(*m_result);
    }
    if (!m_failure.isEmpty())
        emit failed(m_failure);
}

void RunController::setState(State state)
{
    if (m_state == state)
        return;
    m_state = state;
    emit stateChanged(state);
}

} // namespace ipcpg
