#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QProcess>
#include <QTimer>
#include <optional>

#include "ipcpg/controlprotocol.h"
#include "ipcpg/runspec.h"
#include "ipcpg/sampleaccumulator.h"

namespace ipcpg {

// Owns the ipcpg-worker of the current run and speaks in events. Everything is asynchronous:
// the worker's output arrives through QProcess signals, so the GUI thread never waits on it.
//
// A run ends in exactly one of two ways:
//   finished(result)         the worker reported a result (result.partial when stopped early);
//   failed(reason)           it did not; or, after finished(partial result), when it failed.
// When the worker dies before it reports, the samples it sent make the partial result, so what
// was measured until then is kept.
class RunController : public QObject {
    Q_OBJECT

public:
    enum class State { Idle, Running, Stopping };
    Q_ENUM(State)

    explicit RunController(QObject* parent = nullptr);
    ~RunController() override; // kills a running worker; its sides die with it

    State state() const { return m_state; }
    bool isRunning() const { return m_state != State::Idle; }
    const RunSpec& spec() const { return m_spec; }

    // Validates the spec and starts a worker. An invalid spec emits failed() and returns false.
    bool start(const RunSpec& spec);
    // Asks the worker to stop (it reports a partial result); kills it if it has not ended 1 s later.
    void stop();

    // How long the worker may stay silent before the run is declared hung.
    void setSilenceLimit(int milliseconds) { m_silenceLimitMs = milliseconds; }

signals:
    void stateChanged(ipcpg::RunController::State state);
    void started(const ipcpg::HelloMessage& hello);
    void sampleReceived(const ipcpg::SampleMessage& sample);
    void finished(const ipcpg::RunResult& result);
    void failed(const QString& reason);

private:
    void readOutput();
    void handleMessage(const ControlMessage& message);
    void onProcessFinished(int exitCode, QProcess::ExitStatus status);
    void onProcessError(QProcess::ProcessError error);
    void checkSilence();
    void abort(const QString& reason);
    void finish();
    void setState(State state);

    RunSpec m_spec;
    State m_state = State::Idle;
    QProcess* m_process = nullptr;
    ControlLineBuffer m_lines;
    ControlMessageOrder m_order;
    SampleAccumulator m_samples; // what was measured, in case the worker dies before it reports
    qint64 m_workerPid = 0; // kept: QProcess forgets it once the process has ended
    QTimer m_watchdog;
    QElapsedTimer m_sinceLastMessage;
    QElapsedTimer m_sinceStopRequest;
    int m_silenceLimitMs = 3000;
    std::optional<RunResult> m_result;
    QString m_workerError;
    QString m_failure;
};

} // namespace ipcpg
