#include "engine/leadsignals.h"

#include <cerrno>
#include <csignal>
#include <sys/signalfd.h>
#include <unistd.h>

#include "ipcpg/error.h"

namespace ipcpg {

LeadSignals::LeadSignals()
{
    sigset_t handled;
    sigemptyset(&handled);
    for (int sig : { SIGCHLD, SIGTERM, SIGINT, SIGHUP })
        sigaddset(&handled, sig);
    sigprocmask(SIG_BLOCK, &handled, nullptr);
    m_fd = signalfd(-1, &handled, SFD_CLOEXEC | SFD_NONBLOCK);
    if (m_fd < 0)
        throwSystemError("cannot watch the worker processes (signalfd)", errno);
}

LeadSignals::~LeadSignals()
{
    if (m_fd >= 0)
        close(m_fd);
}

bool LeadSignals::takeStopRequest()
{
    bool stop = false;
    signalfd_siginfo info {};
    while (read(m_fd, &info, sizeof info) == static_cast<ssize_t>(sizeof info)) {
        if (info.ssi_signo != SIGCHLD)
            stop = true; // SIGCHLD only wakes the loop; the caller reaps
    }
    return stop;
}

} // namespace ipcpg
