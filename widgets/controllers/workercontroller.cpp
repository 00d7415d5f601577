#include "controllers/workercontroller.h"

#include <QCoreApplication>
#include <chrono>
#include <csignal>

#include "ipcpg/error.h"
#include "ipcpg/workerprocess.h"
#include "support/qtconversions.h"

namespace ipcpg {

WorkerController::WorkerController(QObject* parent)
    : QObject(parent)
{
    registerMetaTypes();
    m_watchdog.setInterval(250);
    connect(&m_watchdog, &QTimer::timeout, this, &WorkerController::checkSilence);
}

namespace {

std::uint64_t steadyMs()
{
    return static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
            .count());
}

// waitpid's encoding, which WorkerSession reads: on a crash QProcess reports the signal as the
// exit code.
int waitStatusOf(int exitCode, QProcess::ExitStatus status)
{
    return status == QProcess::CrashExit ? (exitCode & 0x7f) : (exitCode & 0xff) << 8;
}

} // namespace

WorkerController::~WorkerController()
{
    if (!m_process)
        return;
    m_process->disconnect(this);
    m_process->kill();
    m_process->waitForFinished(1000); // SIGKILL takes effect at once; this only reaps
    // The session removes what a killed worker left behind. The subclass is gone by now: the
    // session must not ask it whether a result came.
    m_destroying = true;
    m_session->exited(waitStatusOf(m_process->exitCode(), m_process->exitStatus()));
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
    m_failure.clear();
    WorkerSession::Handlers handlers;
    handlers.onHello = [this](const HelloMessage& hello) { emit started(hello); };
    handlers.onSample = [this](const SampleMessage& sample) {
        keepSample(sample);
        emit sampleReceived(sample);
    };
    handlers.onFinal = [this](const ControlMessage& message) { takeResult(message); };
    handlers.haveResult = [this] { return !m_destroying && hasResult(); };
    m_session.emplace(std::move(handlers), m_silenceLimits);

    m_process = new QProcess(this);
    m_process->setProgram(workerPath);
    m_process->setArguments(arguments
        + QStringList { QStringLiteral("--parent-pid"), QString::number(QCoreApplication::applicationPid()) });
    // The worker's stderr repeats its error messages for people at a terminal: pass it through.
    m_process->setProcessChannelMode(QProcess::ForwardedErrorChannel);
    connect(m_process, &QProcess::readyReadStandardOutput, this, &WorkerController::readOutput);
    connect(m_process, &QProcess::finished, this, &WorkerController::onProcessFinished);
    connect(m_process, &QProcess::errorOccurred, this, &WorkerController::onProcessError);
    connect(m_process, &QProcess::started, this,
        [this] { m_session->started(static_cast<pid_t>(m_process->processId()), steadyMs()); });
    setState(State::Running);
    m_session->started(0, steadyMs()); // the silence limits count from now
    m_watchdog.start();
    m_process->start();
    return true;
}

void WorkerController::stop()
{
    if (m_state != State::Running || !m_process)
        return;
    setState(State::Stopping);
    m_session->stopRequested(steadyMs());
    if (m_process->processId() > 0)
        ::kill(static_cast<pid_t>(m_process->processId()), SIGTERM);
}

void WorkerController::readOutput()
{
    if (!m_process)
        return;
    const QByteArray bytes = m_process->readAllStandardOutput();
    // The handlers emit signals whose slots may stop or even restart runs: the process pointer
    // is checked again afterwards.
    m_session->output(std::string_view(bytes.constData(), static_cast<std::size_t>(bytes.size())), steadyMs());
    killIfTheSessionSaysSo();
}

void WorkerController::checkSilence()
{
    if (!m_process)
        return;
    m_session->tick(steadyMs());
    killIfTheSessionSaysSo();
}

void WorkerController::killIfTheSessionSaysSo()
{
    if (m_process && m_session->mustKill() && m_process->state() != QProcess::NotRunning)
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
    m_session->endOfOutput();
    m_session->exited(waitStatusOf(exitCode, status));
    m_failure = toQString(m_session->failure());
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
