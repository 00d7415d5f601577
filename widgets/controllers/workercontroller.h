#pragma once

#include <QObject>
#include <QProcess>
#include <QStringList>
#include <QTimer>

#include <optional>

#include "ipcpg/controlprotocol.h"
#include "ipcpg/workersession.h"

namespace ipcpg {

// Owns the ipcpg-worker of the current run or race and speaks in events. Everything is
// asynchronous: the worker's output arrives through QProcess signals, so the GUI thread never
// waits on it; what they mean (protocol, silence, stop grace, exit status) is core's
// WorkerSession, the same as the CLI's. Subclasses say what to start and what the final result is:
//   finished(result)   (declared by each subclass) the worker reported a result, partial when
//                      stopped early or when it failed afterwards;
//   failed(reason)     it reported none, or failed after finished(partial result).
class WorkerController : public QObject {
    Q_OBJECT

public:
    enum class State { Idle, Running, Stopping };
    Q_ENUM(State)

    explicit WorkerController(QObject* parent = nullptr);
    // Kills a running worker; its processes die with it, and the session removes what they left.
    ~WorkerController() override;

    State state() const { return m_state; }
    bool isRunning() const { return m_state != State::Idle; }

    // Asks the worker to stop (it reports a partial result); kills it if it has not ended
    // WorkerSession::kStopGrace later.
    void stop();

    // How long the worker may stay silent before it is declared hung.
    void setSilenceLimits(SilenceLimits limits) { m_silenceLimits = limits; }

signals:
    void stateChanged(ipcpg::WorkerController::State state);
    void started(const ipcpg::HelloMessage& hello);
    void sampleReceived(const ipcpg::SampleMessage& sample);
    void failed(const QString& reason);

protected:
    // Starts ipcpg-worker with `arguments` (--parent-pid is added). Emits failed() and returns
    // false when the worker cannot be found or one is already running.
    bool startWorker(const QStringList& arguments);

    // A final message (neither hello, sample nor error): keep the result it carries. May throw
    // ProtocolError for a result that cannot be read.
    virtual void takeResult(const ControlMessage& message) = 0;
    virtual bool hasResult() const = 0;
    virtual void clearResult() = 0;
    // Emits the subclass's finished(result); a non-empty `failure` marks it partial with that reason.
    virtual void emitResult(const QString& failure) = 0;
    // Every sample, before sampleReceived(); and, when the worker failed without reporting, a
    // chance to make a partial result from them so what was measured is kept.
    virtual void keepSample(const SampleMessage&) { }
    virtual void salvageResult(const QString& /*failure*/) { }

private:
    void readOutput();
    void onProcessFinished(int exitCode, QProcess::ExitStatus status);
    void onProcessError(QProcess::ProcessError error);
    void checkSilence();
    void killIfTheSessionSaysSo();
    void finish();
    void setState(State state);

    State m_state = State::Idle;
    QProcess* m_process = nullptr;
    std::optional<WorkerSession> m_session;
    QTimer m_watchdog;
    SilenceLimits m_silenceLimits;
    QString m_failure;
    bool m_destroying = false; // the subclass is gone: its virtual functions must not be called
};

// A result reported before the worker failed is kept, marked partial with the reason.
template <typename Result> void markFailure(Result& result, const QString& failure)
{
    if (!failure.isEmpty() && !result.partial) {
        result.partial = true;
        result.error = failure.toStdString();
    }
}

} // namespace ipcpg
