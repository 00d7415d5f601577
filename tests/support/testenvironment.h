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

// The value of a variable the test's CMakeLists.txt has ctest set; ends the test with a message
// naming it when it is missing (the test was started by hand).
QString requiredEnvironment(const char* name);

// Runs a spec through a real worker and waits for it.
RunOutcome runWorker(const RunSpec& spec);

// The same, calling `action` with the run's hello once `afterSamples` samples have arrived, that
// is with the run under way (to interfere with its processes or look at its kernel objects).
RunOutcome runWorkerAndAct(
    const RunSpec& spec, int afterSamples, const std::function<void(const HelloMessage&)>& action);

// Kernel objects of a run (RunResult::objects) that still exist: must be empty after every run.
QStringList leftoverObjects(const RunResult& result);

// Names in /dev/shm and /dev/mqueue that belong to the given lead pid (ipcpg-<pid>-*).
QStringList objectsOfPid(int pid);

} // namespace ipcpg::test
