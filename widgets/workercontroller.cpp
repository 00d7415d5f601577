#include "workercontroller.h"

#include <QCoreApplication>
#include <csignal>
#include <cstring>

#include "ipcpg/error.h"
#include "ipcpg/runresources.h"
#include "ipcpg/workerprocess.h"
#include "qtconversions.h"

namespace ipcpg {

WorkerController::WorkerController(QObject* parent)
    : QObject(parent)
{
    registerMetaTypes();
    m_watchdog.setInterval(250);
    connect(&m_watchdog, &QTimer::timeout, this, &WorkerController::checkSilence);
}

WorkerController::~WorkerController()
{
    if (m_process) {
        m_process->disconnect(this);
        m_process->kill();
        m_process->waitForFinished(1000); // SIGKILL takes effect at once; this only reaps
        RunResources::removeStaleObjects();
    }
}

bool WorkerController::startWorker(const QStringList& arguments)
{
    if (isRunning()) {
        emit failed(tr("A run is already in progress; stop it first."));
        return false;
    }
    QString workerPath;
    try {
        workerPath = toQString(locateWorkerExecutable());
    } catch (const Error& error) {
        emit failed(QString::fromUtf8(error.what()));
        return false;
    }
    clearResult();
    m_workerError.clear();
    m_failure.clear();
    m_lines = ControlLineBuffer {};
    m_order = ControlMessageOrder {};
    m_workerPid = 0;

    m_process = new QProcess(this);
    m_process->setProgram(workerPath);
    m_process->setArguments(arguments
        + QStringList { QStringLiteral("--parent-pid"), QString::number(QCoreApplication::applicationPid()) });
    // The worker's stderr repeats its error messages for people at a terminal: pass it through.
    m_process->setProcessChannelMode(QProcess::ForwardedErrorChannel);
    connect(m_process, &QProcess::readyReadStandardOutput, this, &WorkerController::readOutput);
    connect(m_process, &QProcess::finished, this, &WorkerController::onProcessFinished);
    connect(m_process, &QProcess::errorOccurred, this, &WorkerController::onProcessError);
    connect(m_process, &QProcess::started, this, [this] { m_workerPid = m_process->processId(); });
    setState(State::Running);
    m_sinceLastMessage.start();
    m_watchdog.start();
    m_process->start();
    return true;
}

void WorkerController::stop()
{
    if (m_state != State::Running || !m_process)
        return;
    setState(State::Stopping);
    m_sinceStopRequest.start();
    if (m_process->processId() > 0)
        ::kill(static_cast<pid_t>(m_process->processId()), SIGTERM);
}

void WorkerController::readOutput()
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
            if (const auto* hello = std::get_if<HelloMessage>(&message)) {
                emit started(*hello);
            } else if (const auto* sample = std::get_if<SampleMessage>(&message)) {
                keepSample(*sample);
                emit sampleReceived(*sample);
            }
            else if (const auto* error = std::get_if<ErrorMessage>(&message))
                m_workerError = toQString(error->message);
            else
                takeResult(message);
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

void WorkerController::checkSilence()
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

void WorkerController::abort(const QString& reason)
{
    if (!m_process)
        return;
    m_failure = reason;
    m_process->kill(); // finished() follows from the event loop and ends the run
}

void WorkerController::onProcessError(QProcess::ProcessError error)
{
    if (error == QProcess::FailedToStart) {
        m_failure = tr("Could not start the worker %1: %2").arg(m_process->program(), m_process->errorString());
        finish();
    }
}

void WorkerController::onProcessFinished(int exitCode, QProcess::ExitStatus status)
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
        else if (!hasResult())
            m_failure = tr("The worker ended without reporting a result.");
    }
    if (status == QProcess::CrashExit || !m_failure.isEmpty())
        RunResources::removeStaleObjects(); // a killed worker could not clean up after itself
    finish();
}

void WorkerController::finish()
{
    m_watchdog.stop();
    if (m_process) {
        m_process->disconnect(this);
        m_process->deleteLater();
        m_process = nullptr;
    }
    setState(State::Idle);
    if (!hasResult() && !m_failure.isEmpty())
        salvageResult(m_failure);
    if (hasResult())
        emitResult(m_failure);
    if (!m_failure.isEmpty())
        emit failed(m_failure);
}

void WorkerController::setState(State state)
{
    if (m_state == state)
        return;
    m_state = state;
    emit stateChanged(state);
}

} // namespace ipcpg
