#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <sys/types.h>

#include "ipcpg/controlprotocol.h"

namespace ipcpg {

// The supervision of one ipcpg-worker, written once for every front end. It owns no process and
// never waits: the front end tells it what happened (bytes on the worker's stdout, time passing,
// a stop request, the process's end) and it answers through the handlers and mustKill(). The
// CLI drives it from a poll loop (WorkerProcess), the GUI from QProcess signals, so the same
// failure reads the same sentence in both.
//
// Rules: a line that breaks the control protocol, a worker silent for longer than its silence
// limit (SilenceLimits), or one that has not ended kStopGrace after a stop request must be killed (mustKill());
// the reason is failure(). When the process has ended, exited() turns its status into the
// outcome, and for a worker that was killed or crashed (it could not clean up after itself)
// removes what its run left behind (RunResources::removeStaleObjects()).
// How long a worker may send nothing before it counts as stopped or hung. Until its first sample
// the lead is setting up: starting a framework's daemon, forking the sides and waiting for every
// one to attach, which on a loaded machine takes seconds and which the lead bounds itself
// (10 s, then it reports which side did not get ready). Once it runs, a sample comes every 100 ms.
struct SilenceLimits {
    std::chrono::milliseconds setUp { 15000 }; // until the first sample
    std::chrono::milliseconds running { 3000 }; // from the first sample on
};

class WorkerSession {
public:
    // The lead gives its sides 500 ms after a stop, then kills them and reports: this is ample.
    static constexpr std::chrono::milliseconds kStopGrace { 2000 };

    struct Handlers {
        std::function<void(const HelloMessage&)> onHello;
        std::function<void(const SampleMessage&)> onSample;
        // A final message (result or race_result): keep what it carries. May throw ProtocolError
        // for one it cannot read, which fails the session like any unreadable line.
        std::function<void(const ControlMessage&)> onFinal;
        // Whether onFinal kept a result.
        std::function<bool()> haveResult;
    };

    WorkerSession(Handlers handlers, SilenceLimits limits);

    // The worker is running as `pid`; `nowMs` is any monotonic clock in milliseconds.
    void started(pid_t pid, std::uint64_t nowMs);
    void output(std::string_view bytes, std::uint64_t nowMs);
    // The worker closed its stdout: a line left unfinished is a protocol error.
    void endOfOutput();
    void stopRequested(std::uint64_t nowMs);
    // Checks the silence limits and the stop grace; call it every 100-250 ms.
    void tick(std::uint64_t nowMs);

    // True once the worker must be killed (SIGKILL); the front end then waits for its end.
    bool mustKill() const { return m_mustKill; }
    bool stopping() const { return m_stopRequestedMs != 0; }

    // The process ended with `waitStatus` (waitpid's encoding). Afterwards exitCode() and
    // failure() are final.
    void exited(int waitStatus);

    // 0 done, 1 the run failed, 2 the worker refused the request as invalid.
    int exitCode() const { return m_exitCode; }
    // Empty on success; otherwise one sentence saying what failed.
    const std::string& failure() const { return m_failure; }
    // Killed or crashed: whatever result it reported is partial.
    bool abnormal() const { return m_abnormal; }

private:
    void kill(std::string reason);

    Handlers m_handlers;
    SilenceLimits m_limits;
    bool m_sampled = false; // a sample arrived: the running limit applies
    ControlLineBuffer m_lines;
    ControlMessageOrder m_order;
    pid_t m_pid = 0;
    std::uint64_t m_lastHeardMs = 0;
    std::uint64_t m_stopRequestedMs = 0; // 0: no stop was requested
    bool m_mustKill = false;
    bool m_abnormal = false;
    int m_exitCode = 0;
    std::string m_workerError; // the worker's own error message, if it sent one
    std::string m_failure;
};

} // namespace ipcpg
