#include <atomic>
#include <cerrno>
#include <csignal>
#include <ctime>
#include <new>
#include <sched.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "ipcpg/error.h"
#include "mechanisms/mechanismlist.h"
#include "mechanisms/notifiermechanism.h"
#include "sys/clock.h"
#include "sys/kernellimits.h"
#include "sys/sharedmapping.h"
#include "sys/uniquefd.h"

namespace ipcpg {

namespace {

constexpr long kPollIntervalNs = 100'000'000; // a merged end marker costs the receiver this long, not a hang
constexpr std::uint64_t kQueueFullLimitNs = 5'000'000'000ULL;

// Through syscall(): glibc 2.36's <sys/pidfd.h> declares its wrappers without C linkage.
int pidfdOpen(pid_t pid) { return static_cast<int>(syscall(SYS_pidfd_open, pid, 0)); }

int pidfdSendSignal(int pidfd, int signal, siginfo_t* info)
{
    return static_cast<int>(syscall(SYS_pidfd_send_signal, pidfd, signal, info, 0));
}

bool standardSignals(const MechanismOptions& options)
{
    const auto it = options.find("kind");
    return it != options.end() && it->second == "standard";
}

// Each side learns its peer's pid through this page, mapped before fork: a side writes its own
// pid in attach(), and the lead's start gate opens only after both attached.
struct PidPage {
    std::atomic<pid_t> pids[2];
};

// Signals sent with sigqueue semantics (SI_QUEUE, a 32-bit sival_int) and taken with
// sigwaitinfo: no handler runs, the waiting side dequeues them synchronously. With `poll`,
// sigtimedwait instead, returning TimedOut after the poll interval so a merged (lost) end
// marker cannot hang the receiver.
//
// Two signal numbers: one for messages, one for the end marker. A process dequeues the lowest
// pending number first, so the end marker, numbered higher, arrives after every message queued
// before it, and no message token (which wraps at 32 bits) can be mistaken for it.
// Realtime: SIGRTMIN and SIGRTMIN+1, queued, never merged. Standard: SIGUSR1 and SIGUSR2; a
// second instance sent while one is pending is discarded by the kernel: that is the loss the
// stream mode counts.
//
// Signals go through a pidfd (pidfd_send_signal with the same siginfo sigqueue builds), so a
// late end marker can never reach an unrelated process that inherited a recycled pid.
class SignalNotifier final : public Notifier {
public:
    SignalNotifier(Mode mode, bool realtime, bool poll)
        : m_page(sizeof(PidPage), "the signal pid page")
        , m_tokens(mode == Mode::PingPong)
        , m_poll(poll)
        , m_dataSignal(realtime ? SIGRTMIN : SIGUSR1)
        , m_endSignal(realtime ? SIGRTMIN + 1 : SIGUSR2)
    {
        new (m_page.data()) PidPage {};
        sigemptyset(&m_waitSet);
        sigaddset(&m_waitSet, m_dataSignal);
        sigaddset(&m_waitSet, m_endSignal);
    }

    void attach(Side side) override
    {
        // Blocked before the peer may send (it starts only after both attached): a signal that
        // arrived unblocked would run its default action and kill this side.
        const int error = pthread_sigmask(SIG_BLOCK, &m_waitSet, nullptr);
        if (error != 0)
            throwSystemError("cannot block the signals to wait for", error);
        m_self = side;
        m_pid = getpid();
        page().pids[side == Side::A ? 0 : 1].store(m_pid, std::memory_order_release);
    }

    void post(Channel channel, std::uint64_t token) override
    {
        if (!m_peer.valid())
            openPeer(channel);
        const int signal = token == 0 ? m_endSignal : m_dataSignal;
        siginfo_t info {};
        info.si_signo = signal;
        info.si_code = SI_QUEUE;
        info.si_pid = m_pid;
        info.si_uid = getuid();
        info.si_value.sival_int = static_cast<int>(static_cast<std::uint32_t>(token));
        std::uint64_t fullSince = 0;
        while (pidfdSendSignal(m_peer.get(), signal, &info) != 0) {
            if (errno == EINTR)
                continue;
            if (errno == ESRCH) {
                if (token == 0)
                    return; // the peer already saw the run end and exited
                throw Error("signal: the peer process (pid " + std::to_string(m_peerPid) + ") has ended");
            }
            if (errno != EAGAIN)
                throwSystemError("cannot send signal " + std::to_string(signal) + " (pidfd_send_signal)", errno);
            // The realtime queue is full (RLIMIT_SIGPENDING, per user): wait for the receiver to
            // take some, so no signal is dropped.
            const std::uint64_t now = monotonicNs();
            if (fullSince == 0)
                fullSince = now;
            else if (now - fullSince > kQueueFullLimitNs)
                throw Error("signal: the queue of pending signals stayed full for 5 s: the per-user limit "
                            "RLIMIT_SIGPENDING (`ulimit -i`, now "
                    + softLimitText(RLIMIT_SIGPENDING)
                    + ") is used up, possibly by other processes of this user; raise it with `ulimit -i N`");
            sched_yield();
        }
    }

    NotificationTransport::Notification wait(Channel) override
    {
        const pid_t peer = peerPid();
        const timespec interval { 0, kPollIntervalNs };
        for (;;) {
            siginfo_t info {};
            const int signal = m_poll ? sigtimedwait(&m_waitSet, &info, &interval) : sigwaitinfo(&m_waitSet, &info);
            if (signal < 0) {
                if (errno == EAGAIN || errno == EINTR)
                    return { Received::Status::TimedOut, std::nullopt, 0 };
                throwSystemError("sigtimedwait failed", errno);
            }
            // Only what the peer queued counts; a `kill` from elsewhere is not a message.
            if (info.si_code != SI_QUEUE || info.si_pid != peer)
                continue;
            if (signal == m_endSignal)
                return { Received::Status::Frame, 0, 1 };
            // In stream mode the receiver needs no token, and a wrapped one (0) would read as
            // the end marker.
            if (!m_tokens)
                return { Received::Status::Frame, std::nullopt, 1 };
            return { Received::Status::Frame, static_cast<std::uint32_t>(info.si_value.sival_int), 1 };
        }
    }

private:
    PidPage& page() const { return *reinterpret_cast<PidPage*>(m_page.data()); }

    pid_t peerPid()
    {
        if (m_peerPid == 0) {
            m_peerPid = page().pids[m_self == Side::A ? 1 : 0].load(std::memory_order_acquire);
            if (m_peerPid <= 0)
                throw Error("signal: the peer's pid is not known (it has not attached)");
        }
        return m_peerPid;
    }

    void openPeer(Channel channel)
    {
        if (waiterOf(channel) == m_self)
            throw Error("signal: a side cannot signal a channel it waits on itself");
        m_peer.reset(pidfdOpen(peerPid()));
        if (!m_peer.valid())
            throwSystemError(
                "cannot open the peer process (pid " + std::to_string(m_peerPid) + ") with pidfd_open", errno);
    }

    SharedMapping m_page;
    bool m_tokens;
    bool m_poll;
    int m_dataSignal;
    int m_endSignal;
    sigset_t m_waitSet {};
    Side m_self = Side::A;
    pid_t m_pid = 0;
    pid_t m_peerPid = 0;
    UniqueFd m_peer;
};

class SignalMechanism final : public NotifierMechanism {
public:
    const MechanismInfo& info() const override
    {
        static const MechanismInfo info {
            "signal",
            "Signals (sigqueue)",
            "sigqueue(3) and sigtimedwait(2): realtime signals queue and carry a 4-byte value; standard signals "
            "merge while pending, so a fast sender loses some (counted as lost); payload=shm moves the payload "
            "through shared memory and the signal only signals",
            { Mode::PingPong, Mode::Stream },
            {
                { "kind", { "realtime", "standard" }, "realtime",
                    "realtime: SIGRTMIN, queued and never lost; standard: SIGUSR1, a signal sent while one is "
                    "still pending is merged into it, so stream mode loses signals and counts them as lost" },
                payloadOption("the signal"),
            },
            { false,
                "signals go to a process, not to a channel: the replies of several subscribers would share one queue "
                "and could not be told apart" },
            { false,
                "the signals of several publishers would share the receiver's one queue and carry no sender to check "
                "each one's order by" },
        };
        return info;
    }

    ErrorAccounting accounting(const RunSpec& spec) const override
    {
        // Through the mailbox a merged signal is only a merged wake-up: nothing is lost.
        return standardSignals(spec.options) && !payloadInSharedMemory(spec.options) ? ErrorAccounting::LossAllowed
                                                                                     : ErrorAccounting::Integrity;
    }

protected:
    SizeLimit bareLimit(const MechanismOptions&) const override
    {
        return { 0, 4,
            "with payload=none a signal carries one 4-byte value (sival_int), which holds the message's token; use "
            "payload=shm to move 1 B to 16 MiB through shared memory with the signal as the wake-up" };
    }

    std::unique_ptr<Notifier> createNotifier(const TransportConfig& config) const override
    {
        const bool standard = standardSignals(config.options);
        // Only a bare standard signal can be merged away, end marker included; everywhere else a
        // poll interval would only add a timer to every wait (about 0.4 us each).
        return std::make_unique<SignalNotifier>(
            config.mode, !standard, standard && !payloadInSharedMemory(config.options));
    }
};

} // namespace

const Mechanism& signalMechanism()
{
    static const SignalMechanism mechanism;
    return mechanism;
}

} // namespace ipcpg
