#pragma once

#include <QString>
#include <QStringList>
#include <QTemporaryDir>
#include <functional>
#include <memory>

#include "ipcpg/runresult.h"
#include "ipcpg/runsupervisor.h"

namespace ipcpg::test {

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

// The ipcpg-worker and ipcpg executables under test (from IPCPG_WORKER / IPCPG_CLI, set by ctest).
QString workerPath();
QString cliPath();

// What the ipcpg command line printed and how it exited (-1 when it crashed or hung).
struct CliOutput {
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};
// Runs ipcpg with `arguments`, killing it after `timeoutMs`.
CliOutput runCli(const QStringList& arguments, int timeoutMs = 60000);
// The value of a variable the test's CMakeLists.txt has ctest set; ends the test with a message
// naming it when it is missing (the test was started by hand).
QString requiredEnvironment(const char* name);

// Runs a spec through a real worker and waits for it.
RunOutcome runWorker(const RunSpec& spec);

// The same, calling `action` with the run's hello once `afterSamples` samples have arrived, that
// is with the run under way (to interfere with its processes or look at its kernel objects).
RunOutcome runWorkerAndAct(
    const RunSpec& spec, int afterSamples, const std::function<void(const HelloMessage&)>& action);
// The same, cancelled (as a user's stop) once `samples` samples have arrived.
RunOutcome runWorkerCancelledAfter(const RunSpec& spec, int samples);

// Kernel objects of a run (RunResult::objects) that still exist: must be empty after every run.
QStringList leftoverObjects(const RunResult& result);
// The same for any list in RunResult::objects' format ("shm:/name", "dir:/path", ...), e.g. a
// race result's objects.
QStringList leftoverObjects(const std::vector<std::string>& objects);

// Names in /dev/shm and /dev/mqueue that belong to the given lead pid (ipcpg-<pid>-*).
QStringList objectsOfPid(int pid);

} // namespace ipcpg::test
