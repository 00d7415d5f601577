#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

namespace ipcpg {

// Finds ipcpg-worker: $IPCPG_WORKER if set, else <dir of this executable>/../libexec/ipcpg/
// ipcpg-worker (the install tree, which the build tree mirrors). Throws Error naming the paths
// it tried.
std::string locateWorkerExecutable();

// How a child process ended, in words: "exited with status 1", "was killed by signal 9 (Killed)".
std::string describeWaitStatus(int status);

// A running ipcpg-worker seen from a Qt-free front end (the CLI, tests). Every call that waits
// takes a timeout, so a stopped or hung worker can never block the caller for longer.
class WorkerProcess {
public:
    // Starts `executable args...` with stdout on a pipe and the worker's parent-death signal
    // armed. Throws Error when it cannot be started.
    WorkerProcess(const std::string& executable, const std::vector<std::string>& args);
    ~WorkerProcess(); // kills and reaps the worker if it is still running (waiting 2 s at most)
    WorkerProcess(const WorkerProcess&) = delete;
    WorkerProcess& operator=(const WorkerProcess&) = delete;

    pid_t pid() const { return m_pid; }

    // What the worker wrote on its stdout since the last call, waiting at most `timeout` for
    // something; empty on timeout or at end of stream (check endOfStream()). The bytes go to a
    // WorkerSession, which reads the control messages in them.
    std::string read(std::chrono::milliseconds timeout);

    // True once the worker closed its stdout (it is exiting).
    bool endOfStream() const { return m_eof; }

    // Asks the worker to stop (SIGTERM): it ends the run and reports what it has.
    void requestStop();
    // SIGKILL. Its forked sides die with it (parent-death signal).
    void kill();

    // Reaps the worker, waiting at most `timeout`; nullopt if it is still running. The status is
    // in waitpid's encoding.
    std::optional<int> wait(std::chrono::milliseconds timeout);

private:
    pid_t m_pid = -1;
    int m_stdout = -1;
    bool m_eof = false;
    std::optional<int> m_status;
};

} // namespace ipcpg
