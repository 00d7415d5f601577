// signals: a sender fires a burst of signals at a receiver. A standard signal is a pending bit:
// while one is pending, more of the same kind are merged into it and lost. Realtime signals are
// queued, one entry per signal, each carrying a value.
#include <algorithm>
#include <cerrno>
#include <csignal>
#include <ctime>

#include "ipcpg/error.h"
#include "race/racescenario.h"
#include "race/racetools.h"

namespace ipcpg {

namespace {

struct SignalsState {
    alignas(64) std::atomic<std::uint32_t> senderDone;
};

// Receiver slot counters; the sender's.
enum ReceiverCount { Received = 0, HighestValue = 1, OutOfOrder = 2 };
enum SenderCount { QueueFull = 0 };

constexpr long kPollNs = 10'000'000; // how often a waiting receiver looks for the end of the burst

bool realtime(const RaceSpec& spec) { return spec.sync == "realtime"; }
int signalOf(const RaceSpec& spec) { return realtime(spec) ? SIGRTMIN : SIGUSR1; }

class SignalsScenario final : public RaceScenario {
public:
    SignalsScenario()
    {
        m_info.id = "signals";
        m_info.title = "Coalescing of standard signals";
        m_info.summary = "a sender fires a burst of signals at a receiver, which counts what arrives";
        m_info.counted = "signals lost";
        m_info.modes = {
            { "standard", "Standard signal (SIGUSR1)", true,
                "a pending standard signal is one bit: signals sent while it is pending merge into it" },
            { "realtime", "Realtime signal (SIGRTMIN, sigqueue)", false,
                "realtime signals are queued one by one with a value; a full queue makes the sender wait" },
        };
        m_info.workers = { 2, 2, 2 };
        m_info.workersHelp = "processes: one receiver and one sender";
        m_info.iterations = { 1, 10'000'000, 20'000 };
        m_info.iterationsHelp = "signals sent";
        m_info.demoIterations = 2'000'000;
        m_info.windowNs = { 0, 1'000'000, 2'000 };
        m_info.windowHelp = "time the receiver spends handling each signal";
    }

    const RaceScenarioInfo& info() const override { return m_info; }

    std::size_t sharedBytes(const RaceSpec&) const override { return sizeof(SignalsState); }

    void initialise(void* area, const RaceSpec&) const override { new (area) SignalsState {}; }

    std::string role(const RaceSpec&, unsigned index) const override { return index == 0 ? "receiver" : "sender"; }

    void prepare(RaceWorker& worker) const override
    {
        if (worker.index != 0)
            return;
        // Blocked before the receiver reports ready: from the first signal on, each one waits
        // as pending until sigtimedwait takes it, instead of killing the process.
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, signalOf(worker.spec));
        if (sigprocmask(SIG_BLOCK, &set, nullptr) != 0)
            throwSystemError("cannot block the signal the receiver waits for", errno);
    }

    void run(RaceWorker& worker) const override
    {
        if (worker.index == 0)
            receive(worker);
        else
            send(worker);
    }

    RaceTally tally(const RaceControl& control, const void*, const RaceSpec& spec, bool final) const override
    {
        const RaceWorkerSlot& receiver = control.workers[0];
        RaceTally tally;
        // The highest value first and the count after (see receive()); sent before received, so
        // nothing counted as received can be missing from sent.
        const std::uint64_t highest = receiver.counts[HighestValue].load(std::memory_order_acquire);
        tally.expected = control.workers[1].done.load(std::memory_order_acquire);
        tally.observed = receiver.counts[Received].load(std::memory_order_acquire);
        const std::uint64_t gap = tally.expected - std::min(tally.expected, tally.observed);
        if (final) {
            tally.syncErrors = gap; // the receiver drained everything pending before it ended
        } else if (realtime(spec)) {
            // Queued signals are not lost yet; a lost one would leave a hole in the values.
            tally.syncErrors = highest - std::min(highest, tally.observed);
        } else {
            // Not yet lost: at most one standard signal pending, and one taken but not yet counted.
            tally.syncErrors = gap > 2 ? gap - 2 : 0;
        }
        tally.details["sent"] = tally.expected;
        tally.details["received"] = tally.observed;
        tally.details["lost"] = tally.syncErrors;
        if (realtime(spec)) {
            tally.details["queue_full_waits"] = control.workers[1].counts[QueueFull].load(std::memory_order_relaxed);
            tally.details["out_of_order"] = receiver.counts[OutOfOrder].load(std::memory_order_relaxed);
        }
        return tally;
    }

private:
    void send(RaceWorker& worker) const
    {
        const pid_t receiver = worker.control.workers[0].pid.load(std::memory_order_acquire);
        const int sig = signalOf(worker.spec);
        const bool queued = realtime(worker.spec);
        const std::uint64_t iterations = *worker.spec.iterations;
        std::uint64_t queueFull = 0;
        for (std::uint64_t n = 1; n <= iterations && !worker.stopRequested(); ++n) {
            if (queued) {
                sigval value {};
                value.sival_ptr = reinterpret_cast<void*>(static_cast<std::uintptr_t>(n));
                while (sigqueue(receiver, sig, value) != 0) {
                    if (errno != EAGAIN)
                        throwSystemError("cannot queue a realtime signal to the receiver", errno);
                    // The queue (RLIMIT_SIGPENDING) is full: wait for the receiver to take some.
                    worker.publish(worker.slot.counts[QueueFull], ++queueFull);
                    if (worker.stopRequested())
                        return finish(worker);
                    sched_yield();
                }
            } else if (kill(receiver, sig) != 0) {
                throwSystemError("cannot send a signal to the receiver", errno);
            }
            worker.publish(worker.slot.done, n);
        }
        finish(worker);
    }

    static void finish(RaceWorker& worker)
    {
        static_cast<SignalsState*>(worker.area)->senderDone.store(1, std::memory_order_release);
    }

    void receive(RaceWorker& worker) const
    {
        auto& state = *static_cast<SignalsState*>(worker.area);
        const std::uint64_t window = *worker.spec.windowNs;
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, signalOf(worker.spec));
        std::uint64_t received = 0, highest = 0, outOfOrder = 0;
        const timespec poll { 0, kPollNs };
        const timespec now { 0, 0 };
        bool draining = false;
        for (;;) {
            siginfo_t info {};
            // Once the sender is done, every signal it sent is pending or taken (kill and
            // sigqueue make it pending before they return): take what is left without waiting.
            const int got = sigtimedwait(&set, &info, draining ? &now : &poll);
            if (got < 0) {
                if (errno == EINTR)
                    continue;
                if (errno != EAGAIN)
                    throwSystemError("cannot wait for signals", errno);
                if (draining)
                    break;
                draining = state.senderDone.load(std::memory_order_acquire) != 0 || worker.stopRequested();
                continue;
            }
            // Received before the highest value: the lead reads them the other way round, so the
            // count it reads is never behind the value it read.
            worker.publish(worker.slot.counts[Received], ++received);
            worker.publish(worker.slot.done, received);
            if (realtime(worker.spec)) {
                const auto value
                    = static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(info.si_value.sival_ptr));
                if (value != highest + 1)
                    worker.publish(worker.slot.counts[OutOfOrder], ++outOfOrder);
                if (value > highest)
                    worker.publish(worker.slot.counts[HighestValue], highest = value);
            }
            busyDelay(window);
        }
    }

    RaceScenarioInfo m_info;
};

} // namespace

const RaceScenario& signalsScenario()
{
    static const SignalsScenario scenario;
    return scenario;
}

} // namespace ipcpg
