#pragma once

#include <QList>
#include <QProcess>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <sys/ipc.h>

#include "ipcpg/mechanism.h"
#include "ipcpg/runresult.h"
#include "ipcpg/runsupervisor.h"
#include "processoutput.h"

namespace ipcpg::test {

// "Ended early" checks. A run that must stop at once (a stop, a dead or stopped worker) is given
// kLongRunS and must end within kEndedEarlyMs, a third of it: that tells a prompt stop from a run
// that waited for its end on any machine. A prompt stop takes well under a second on an idle
// machine and a few seconds in a sanitizer build on a loaded one; the bound is not a speed.
constexpr double kLongRunS = 60;
constexpr int kEndedEarlyMs = 20000;

// Gives the test process (and every worker it starts) a private XDG_RUNTIME_DIR under /tmp, so
// tests running in parallel never see each other's socket files and paths stay short enough for
// AF_UNIX (108 bytes).
class PrivateRuntimeDir {
public:
    PrivateRuntimeDir();
    QString path() const { return m_dir.path(); }
    // Entries left in the runtime root (ipcpg/run-*): must be none after a run.
    QStringList leftoverRunDirectories() const;

private:
    QTemporaryDir m_dir;
};

// A run of exactly `messages` measured messages, without warm-up, with a duration far beyond what
// they need: it ends when the count is reached, so a test checks exact counts on any machine.
RunSpec countedRun(const std::string& mechanism, Mode mode, std::uint64_t size, std::uint64_t messages);

// Sets an environment variable for the workers a test starts, and removes it afterwards.
class ScopedEnvironment {
public:
    ScopedEnvironment(const char* name, const QByteArray& value);
    ~ScopedEnvironment();
    ScopedEnvironment(const ScopedEnvironment&) = delete;
    ScopedEnvironment& operator=(const ScopedEnvironment&) = delete;

private:
    const char* m_name;
};

// A result's counts in one line for a failure message: the totals, the integrity findings by kind,
// then every member's messages, losses and errors.
QString describeCounts(const RunResult& result);

// The ipcpg-worker and ipcpg executables under test (from IPCPG_WORKER / IPCPG_CLI, set by ctest).
QString workerPath();
QString cliPath();

// The ipcpg command line under test, run to its end (runProcess); killed after timeoutMs.
ProcessOutput runCli(const QStringList& arguments, int timeoutMs = 60000);
// The value of a variable the test's CMakeLists.txt has ctest set; ends the test with a message
// naming it when it is missing (the test was started by hand).
QString requiredEnvironment(const char* name);

// Waits until `cli`, an `ipcpg run --progress` it started, reports a live sample after warm-up
// with at least one measured message: the run is under way and its front end has heard so. What
// was read of its stderr is appended to `stderrSoFar`. False when the process ended first or
// nothing came within timeoutMs (a bound for a hang, not a speed: tests pass a generous one).
bool waitForMeasuredProgress(QProcess& cli, QByteArray& stderrSoFar, int timeoutMs = 60000);

// A stand-in for ipcpg-worker that breaks the control protocol in one way, for checking that a
// front end fails the run cleanly, with a message, and never hangs or crashes on it.
struct FakeWorker {
    const char* name;
    QByteArray script; // a /bin/sh script
    QString expected; // a word the front end's failure message contains
};
// Garbage, binary bytes, a line beyond the 1 MiB limit, a truncated line, messages out of order,
// silence, an exit without a result, a crash, a flood.
QList<FakeWorker> misbehavingWorkers();
// Writes the script as an executable file in `directory`; the running script leaves its pid in
// "<path>.pid" (see fakeWorkerPid).
QString installFakeWorker(const QString& directory, const FakeWorker& worker);
int fakeWorkerPid(const QString& path);

// The rows of a data-driven test over misbehavingWorkers(): one int column "index".
void addMisbehavingWorkerRows();

// Waits until `frontEnd` (a started ipcpg or ipc-playground) has its worker processes, SIGKILLs it and
// checks, QTest style, that its workers are gone within 1 s and took their kernel objects and
// run directory with them (the lead's parent-death signal makes it clean up). Check
// QTest::currentTestFailed() after it.
void killFrontEndAndCheckItsWorkersGo(QProcess& frontEnd, const PrivateRuntimeDir& runtime);

// Runs a spec through a real worker and waits for it.
RunOutcome runWorker(const RunSpec& spec);

// The same, calling `action` with the run's hello once `afterSamples` samples have arrived, that
// is with the run under way (to interfere with its processes or look at its kernel objects).
RunOutcome runWorkerAndAct(
    const RunSpec& spec, int afterSamples, const std::function<void(const HelloMessage&)>& action);
// The same, cancelled (as a user's stop) once `samples` samples have arrived.
RunOutcome runWorkerCancelledAfter(const RunSpec& spec, int samples);

// A message size the mechanism takes with its default options, as close to `preferred` as it
// allows (pure notifications take only 0 B, a signal at most 4 B).
std::uint64_t sizeFor(const Mechanism& mechanism, std::uint64_t preferred = 64);

// Kernel objects of a run (RunResult::objects) that still exist: must be empty after every run.
QStringList leftoverObjects(const RunResult& result);
// The same for any list in RunResult::objects' format ("shm:/name", "dir:/path", ...), e.g. a
// race result's objects.
QStringList leftoverObjects(const std::vector<std::string>& objects);

// Names in /dev/shm and /dev/mqueue that belong to the given lead pid (ipcpg-<pid>-*).
QStringList objectsOfPid(int pid);

// True when /dev/mqueue lists the POSIX message queues. When it is not mounted and this process
// is root, mounts it there first (as most distributions do at boot); otherwise queue checks
// fall back to mq_open on the names a run reported (RunResult::objects).
bool mqueueListed();

// The System V ids this user can see, by scanning the kernel's tables the way `ipcs` does
// (msgctl MSG_STAT, semctl SEM_STAT).
std::set<int> sysvMessageQueueIds();
std::set<int> sysvSemaphoreIds();
// The owner, mode and key of a System V object (IPC_STAT); nullopt when it does not exist.
std::optional<ipc_perm> sysvMessageQueuePermissions(int id);
std::optional<ipc_perm> sysvSemaphorePermissions(int id);

// The worker processes of a run, as /proc's child lists show them: the lead (the ipcpg-worker
// child of the front end) and its forked sides (they name themselves ipcpg-A<pair>/ipcpg-B<pair>).
struct WorkerTree {
    int lead = 0;
    QList<int> sidesA;
    QList<int> sidesB;
    QList<int> all() const { return QList<int> { lead } + sidesA + sidesB; }
};
WorkerTree workerTree(int frontEndPid);
// Waits until the lead and `pairs` pairs of sides exist; nullopt after timeoutMs.
std::optional<WorkerTree> waitForWorkerTree(int frontEndPid, int pairs, int timeoutMs);
// No such process any more, or only its zombie.
bool processGone(int pid);
// Waits until every pid is gone; false after timeoutMs.
bool waitUntilGone(const QList<int>& pids, int timeoutMs);

// What a live run has created, seen from outside while it runs: its POSIX objects, the System V
// ids recorded in its manifest, its private directory and the files in it.
struct RunObjects {
    QStringList posix; // "/dev/shm/ipcpg-..." and "/dev/mqueue/ipcpg-..."
    QList<int> sysvMessageQueues;
    QList<int> sysvSemaphores;
    QString directory;
    QStringList files; // full paths, the manifest included
};
RunObjects objectsOfLiveRun(const QString& runtimeDir, int leadPid);
// Which of them still exist ("sysv-msg:12", paths): must be none once the run ended.
QStringList stillExisting(const RunObjects& objects);

// The inodes of the sockets process `pid` has open (its /proc/<pid>/fd links "socket:[N]").
std::set<unsigned long> socketInodesOf(int pid);

// One row of /proc/net/{tcp,udp,tcp6,udp6}: addresses as the kernel prints them ("0100007F:1F90").
struct InetSocket {
    QString local;
    QString remote;
    QString state; // "0A": listening (TCP)
    unsigned long inode = 0;
};
// The rows of /proc/net/<table> ("tcp", "udp6", ...).
std::vector<InetSocket> inetSockets(const QString& table);

} // namespace ipcpg::test
