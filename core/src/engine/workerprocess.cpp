#include "ipcpg/workerprocess.h"

#include <cerrno>
#include <climits>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ipcpg/error.h"

namespace ipcpg {

namespace {

bool isExecutable(const std::string& path)
{
    struct stat info { };
    return stat(path.c_str(), &info) == 0 && S_ISREG(info.st_mode) && access(path.c_str(), X_OK) == 0;
}

std::string selfDirectory()
{
    char buffer[PATH_MAX] = {};
    const ssize_t n = readlink("/proc/self/exe", buffer, sizeof buffer - 1);
    if (n <= 0)
        return {};
    std::string path(buffer, static_cast<std::size_t>(n));
    return path.substr(0, path.find_last_of('/'));
}

std::uint64_t nowMs()
{
    timespec ts {};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<std::uint64_t>(ts.tv_sec) * 1000 + static_cast<std::uint64_t>(ts.tv_nsec) / 1'000'000;
}

} // namespace

std::string locateWorkerExecutable()
{
    if (const char* fromEnvironment = std::getenv("IPCPG_WORKER"); fromEnvironment && *fromEnvironment) {
        if (!isExecutable(fromEnvironment))
            throw Error(std::string("IPCPG_WORKER is set to ") + fromEnvironment + ", which is not an executable file");
        return fromEnvironment;
    }
    const std::string self = selfDirectory();
    // Installed: <prefix>/bin/ipcpg and <prefix>/libexec/ipcpg/ipcpg-worker; the build tree has
    // the same shape. The last candidate serves executables that live elsewhere in the build tree
    // (tests), which sit one level below the top of the build.
    const std::string candidates[] = {
        self + "/../libexec/ipcpg/ipcpg-worker",
        self + "/ipcpg-worker",
        self + "/../../libexec/ipcpg/ipcpg-worker",
    };
    for (const std::string& candidate : candidates) {
        if (isExecutable(candidate)) {
            char resolved[PATH_MAX] = {};
            return realpath(candidate.c_str(), resolved) ? std::string(resolved) : candidate;
        }
    }
    throw Error("cannot find ipcpg-worker: looked for " + candidates[0] + " and " + candidates[1]
        + "; set IPCPG_WORKER to its path");
}

std::string describeWaitStatus(int status)
{
    if (WIFEXITED(status))
        return "exited with status " + std::to_string(WEXITSTATUS(status));
    if (WIFSIGNALED(status)) {
        const int sig = WTERMSIG(status);
        const char* name = strsignal(sig);
        return "was killed by signal " + std::to_string(sig) + " (" + (name ? name : "unknown") + ")";
    }
    if (WIFSTOPPED(status))
        return "was stopped by signal " + std::to_string(WSTOPSIG(status));
    return "ended with wait status " + std::to_string(status);
}

WorkerProcess::WorkerProcess(const std::string& executable, const std::vector<std::string>& args)
{
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0)
        throwSystemError("cannot create the control pipe for ipcpg-worker", errno);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
    std::vector<std::string> argvStorage;
    argvStorage.push_back(executable);
    argvStorage.insert(argvStorage.end(), args.begin(), args.end());
    argvStorage.emplace_back("--parent-pid");
    argvStorage.push_back(std::to_string(getpid()));
    std::vector<char*> argv;
    argv.reserve(argvStorage.size() + 1);
    for (std::string& arg : argvStorage)
        argv.push_back(arg.data());
    argv.push_back(nullptr);

    posix_spawnattr_t attributes;
    posix_spawnattr_init(&attributes);
    sigset_t none;
    sigemptyset(&none);
    posix_spawnattr_setsigmask(&attributes, &none);
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK);

    const int spawned = posix_spawn(&m_pid, executable.c_str(), &actions, &attributes, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
    close(fds[1]);
    if (spawned != 0) {
        close(fds[0]);
        m_pid = -1;
        throwSystemError("cannot start " + executable, spawned);
    }
    m_stdout = fds[0];
}

WorkerProcess::~WorkerProcess()
{
    if (m_pid > 0 && !m_status) {
        ::kill(m_pid, SIGKILL);
        // SIGKILL ends even a stopped process at once; a process stuck in the kernel (a hung
        // file system) may take longer, and the caller must not wait for that without bound:
        // if it is still there after this, init reaps it once it goes.
        wait(std::chrono::seconds(2));
    }
    if (m_stdout >= 0)
        close(m_stdout);
}

std::string WorkerProcess::read(std::chrono::milliseconds timeout)
{
    const std::uint64_t deadline = nowMs() + static_cast<std::uint64_t>(timeout.count());
    while (!m_eof) {
        const std::uint64_t now = nowMs();
        pollfd pfd { m_stdout, POLLIN, 0 };
        const int ready = poll(&pfd, 1, now >= deadline ? 0 : static_cast<int>(deadline - now));
        if (ready < 0 && errno == EINTR)
            continue;
        if (ready <= 0)
            return {};
        char buffer[65536];
        const ssize_t n = ::read(m_stdout, buffer, sizeof buffer);
        if (n > 0)
            return std::string(buffer, static_cast<std::size_t>(n));
        if (n == 0 || errno != EINTR)
            m_eof = true;
    }
    return {};
}

void WorkerProcess::requestStop()
{
    if (m_pid > 0 && !m_status)
        ::kill(m_pid, SIGTERM);
}

void WorkerProcess::kill()
{
    if (m_pid > 0 && !m_status)
        ::kill(m_pid, SIGKILL);
}

std::optional<int> WorkerProcess::wait(std::chrono::milliseconds timeout)
{
    if (m_status)
        return m_status;
    const std::uint64_t deadline = nowMs() + static_cast<std::uint64_t>(timeout.count());
    for (;;) {
        int status = 0;
        const pid_t got = waitpid(m_pid, &status, WNOHANG);
        if (got == m_pid) {
            m_status = status;
            return m_status;
        }
        if (got < 0 && errno != EINTR)
            return std::nullopt;
        if (nowMs() >= deadline)
            return std::nullopt;
        usleep(2000);
    }
}

} // namespace ipcpg
