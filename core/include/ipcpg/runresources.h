#pragma once

#include <string>
#include <string_view>
#include <sys/types.h>
#include <vector>

namespace ipcpg {

// The kernel objects of one run and the names they get.
//
// Every name carries the lead worker's pid and a random part ("ipcpg-4711-9f3c2a1b-ring"), so
// runs never collide and a leftover can be traced to the process that made it. Files (FIFOs,
// socket files) live in a private directory $XDG_RUNTIME_DIR/ipcpg/run-<pid>-<random> created
// with mode 0700 (under /tmp/ipcpg-<uid> when XDG_RUNTIME_DIR is unset).
//
// Ownership: the RunResources of the lead worker owns everything registered with it and removes
// it all in removeAll() or its destructor. Forked sides inherit a copy and must call
// forgetInChild() so their exit never removes anything. When the lead is killed, nothing runs:
// removeStaleObjects() at the next start removes what runs of dead processes left.
class RunResources {
public:
    RunResources(); // creates the private directory; throws Error if it cannot
    ~RunResources();
    RunResources(const RunResources&) = delete;
    RunResources& operator=(const RunResources&) = delete;

    // "/ipcpg-<pid>-<random>-<purpose>": a name for shm_open / mq_open.
    std::string objectName(std::string_view purpose) const;
    // "<private dir>/<purpose>": a path for a FIFO or a socket file.
    std::string filePath(std::string_view purpose) const;
    const std::string& directory() const { return m_directory; }

    // Registering is done right after the object was created, before anything can fail.
    void addShm(const std::string& name);
    void addMessageQueue(const std::string& name);
    void addSysvMessageQueue(int id);
    void addSysvSemaphoreSet(int id);
    void addFile(const std::string& path);

    // A process the run depends on (a framework's daemon), started by this process after it was
    // forked from nothing else of the run. removeAll() stops it (SIGKILL: it has nothing to save)
    // and reaps it, and the lead asks endedProcess() while it supervises, so one that dies mid-run
    // fails the run by name. Whoever starts it gives it a parent-death signal, for a lead that is
    // killed before it can stop anything.
    void addProcess(pid_t pid, std::string name);
    // "the run's dbus-daemon (pid 4712) was killed by signal 9 (Killed)" for the first registered
    // process that has ended, which it reaps; empty while every one of them runs.
    std::string endedProcess();

    // Human-readable list ("shm:/ipcpg-...", "mqueue:/ipcpg-...", "sysv-msg:12", "fifo:/run/...").
    std::vector<std::string> describe() const;

    // Stops every registered process, then removes every registered object and the private
    // directory. Safe to call twice.
    void removeAll() noexcept;

    // In a forked side: drop the bookkeeping without removing anything.
    void forgetInChild() noexcept;

    // The directory that holds every run's private directory.
    static std::string runtimeRoot();

    // Removes objects left by runs whose lead worker no longer exists. Objects of live runs are
    // never touched: a run counts as live while its lead exists, that is a process with its pid
    // and (recorded in the manifest) the same start time, so a later process that happens to
    // reuse the pid does not keep a dead run's objects forever. Returns how many objects were
    // removed.
    static int removeStaleObjects() noexcept;

private:
    struct Entry {
        enum class Kind { Shm, MessageQueue, SysvMessageQueue, SysvSemaphore, File } kind;
        std::string name;
        int id = -1;
    };
    void recordSysvId(const char* kind, int id);

    struct Process {
        pid_t pid;
        std::string name;
    };
    void stopProcesses() noexcept;

    std::vector<Process> m_processes;
    pid_t m_owner;
    std::string m_tag; // "ipcpg-<pid>-<random>"
    std::string m_directory;
    std::vector<Entry> m_entries;
};

} // namespace ipcpg
