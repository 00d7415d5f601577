#include "engine/childset.h"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ipcpg/error.h"
#include "ipcpg/workerprocess.h"
#include "sys/clock.h"

namespace ipcpg {

std::size_t ChildSet::spawn(std::string name, const std::function<int()>& body)
{
    const pid_t parent = getpid();
    const pid_t pid = fork();
    if (pid < 0)
        throwSystemError("cannot start a worker process (fork)", errno);
    if (pid == 0) {
        // A child must never outlive the lead: if the lead is gone already, stop right here.
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent)
            _exit(125);
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, nullptr);
        for (int sig : { SIGTERM, SIGCHLD })
            std::signal(sig, SIG_DFL);
        // Ctrl-C in a terminal reaches the whole process group; only the lead decides how a run
        // ends, so the sides leave it to the lead.
        for (int sig : { SIGINT, SIGHUP, SIGPIPE })
            std::signal(sig, SIG_IGN);
        for (int fd : m_closeInChild)
            close(fd);
        const int devNull = open("/dev/null", O_WRONLY | O_CLOEXEC);
        if (devNull >= 0) {
            dup2(devNull, STDOUT_FILENO);
            close(devNull);
        }
        int code = 1;
        try {
            code = body();
        } catch (...) {
            code = 1;
        }
        _exit(code);
    }
    Child child;
    child.pid = pid;
    child.name = std::move(name);
    m_children.push_back(std::move(child));
    return m_children.size() - 1;
}

std::vector<std::size_t> ChildSet::reap()
{
    std::vector<std::size_t> ended;
    for (std::size_t i = 0; i < m_children.size(); ++i) {
        Child& child = m_children[i];
        if (child.reaped)
            continue;
        for (;;) {
            int status = 0;
            rusage usage {};
            const pid_t got = wait4(child.pid, &status, WNOHANG | WUNTRACED | WCONTINUED, &usage);
            if (got == 0 || (got < 0 && errno != EINTR))
                break;
            if (got < 0)
                continue;
            if (WIFSTOPPED(status)) {
                if (child.stoppedSinceNs == 0)
                    child.stoppedSinceNs = monotonicNs();
                continue;
            }
            if (WIFCONTINUED(status)) {
                child.stoppedSinceNs = 0;
                continue;
            }
            child.reaped = true;
            child.status = status;
            child.stoppedSinceNs = 0;
            child.cost = ProcessCost::fromRusage(usage);
            ended.push_back(i);
            break;
        }
    }
    return ended;
}

void ChildSet::kill(std::size_t index)
{
    const Child& child = m_children[index];
    if (!child.reaped)
        ::kill(child.pid, SIGKILL);
}

void ChildSet::killAll()
{
    for (std::size_t i = 0; i < m_children.size(); ++i)
        kill(i);
    for (Child& child : m_children) {
        while (!child.reaped) {
            int status = 0;
            rusage usage {};
            const pid_t got = wait4(child.pid, &status, 0, &usage);
            if (got < 0 && errno == EINTR)
                continue;
            child.reaped = true;
            child.status = got < 0 ? 0 : status;
            child.cost = ProcessCost::fromRusage(usage);
        }
    }
}

bool ChildSet::allReaped() const
{
    return std::ranges::all_of(m_children, [](const Child& child) { return child.reaped; });
}

ProcessCost ChildSet::liveCost() const
{
    ProcessCost total;
    for (const Child& child : m_children) {
        if (child.reaped)
            total += child.cost;
        else if (const auto cost = readProcessCost(child.pid))
            total += *cost;
    }
    return total;
}

std::string ChildSet::stoppedTooLong(std::uint64_t nowNs, std::uint64_t limitNs) const
{
    for (const Child& child : m_children) {
        if (!child.reaped && child.stoppedSinceNs != 0 && nowNs - child.stoppedSinceNs > limitNs)
            return "the " + child.name + " (pid " + std::to_string(child.pid)
                + ") was stopped by a signal (SIGSTOP or SIGTSTP) and did not continue within "
                + std::to_string(limitNs / 1'000'000'000ULL) + " s";
    }
    return {};
}

bool ChildSet::endedNormally(int status) { return WIFEXITED(status) && WEXITSTATUS(status) == 0; }

std::string ChildSet::describeEnd(std::size_t index) const
{
    const Child& child = m_children[index];
    return "the " + child.name + " (pid " + std::to_string(child.pid) + ") " + describeWaitStatus(child.status);
}

} // namespace ipcpg
