#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <sys/types.h>
#include <vector>

#include "sys/processcost.h"

namespace ipcpg {

// The processes a lead worker forks, and what became of them. Children die with the lead
// (PR_SET_PDEATHSIG), start with default signal handling and an empty signal mask, ignore
// SIGPIPE (a closed peer becomes an error, not a silent death), and write nothing to the
// control channel (their stdout is /dev/null).
class ChildSet {
public:
    struct Child {
        pid_t pid = -1;
        std::string name; // "receiver of pair 0 (pid 1234)" style descriptions use this
        bool reaped = false;
        int status = 0; // waitpid encoding, valid once reaped
        ProcessCost cost; // exact, from wait4, valid once reaped
        std::uint64_t stoppedSinceNs = 0; // non-zero while stopped by a signal
    };

    // File descriptors every child closes first (the lead's signalfd and control channel).
    void closeInChildren(std::vector<int> fds) { m_closeInChild = std::move(fds); }

    // Forks a child that runs `body` and exits with its return value. Throws Error if fork fails.
    std::size_t spawn(std::string name, const std::function<int()>& body);

    // Collects every child that changed state, without blocking. Returns the indices of children
    // that ended since the last call.
    std::vector<std::size_t> reap();

    // SIGKILL to every child still running, then reaps them (SIGKILL ends even stopped
    // processes, so this returns promptly).
    void killAll();
    void kill(std::size_t index);

    bool allReaped() const;

    // CPU time and switches of every child so far: exact for reaped ones, from /proc for live ones.
    ProcessCost liveCost() const;
    // "the writer (pid 1234) was stopped by a signal ... within 2 s" for the first child stopped
    // (SIGSTOP, SIGTSTP) for longer than `limitNs` at `nowNs`; empty when none is.
    std::string stoppedTooLong(std::uint64_t nowNs, std::uint64_t limitNs) const;
    const std::vector<Child>& children() const { return m_children; }
    const Child& child(std::size_t index) const { return m_children[index]; }

    // "the receiver of pair 0 (pid 1234) was killed by signal 9 (Killed)"
    std::string describeEnd(std::size_t index) const;
    static bool endedNormally(int status);

private:
    std::vector<Child> m_children;
    std::vector<int> m_closeInChild;
};

} // namespace ipcpg
