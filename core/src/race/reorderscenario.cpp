// reorder: Peterson's lock between two processes. Its entry protocol stores "I want in" and then
// loads the other's flag; x86 lets that load overtake the store (the store waits in the store
// buffer), so both can read "the other does not want in" and enter together.
#include <unistd.h>

#include "ipcpg/placement.h"
#include "race/racescenario.h"
#include "race/racetools.h"

namespace ipcpg {

namespace {

struct alignas(64) Line {
    std::atomic<std::uint64_t> value;
};

struct ReorderState {
    Line flag[2]; // each on its own line: a store must fetch its line, a load of the other's is local
    Line turn;
    Line occupancy; // how many processes are inside the critical section
    Line counter; // incremented inside the critical section with a plain load and store
    Line round[2]; // the start line both meet at before every attempt
};

// Both processes meet before every attempt and then wait a random 0..kJitterSpins spins, so their
// entry attempts land within a few nanoseconds of each other often enough to show the
// reordering. Measured on a 2-core machine: one violation in 100 to 1000 attempts.
constexpr std::uint32_t kJitterSpins = 256;

// Slot counters.
enum Count { Violations = 0 };

class ReorderScenario final : public RaceScenario {
public:
    ReorderScenario()
    {
        m_info.id = "reorder";
        m_info.title = "Peterson's lock and store-load reordering";
        m_info.summary = "two processes guard a critical section with Peterson's algorithm, with and without a fence";
        m_info.counted = "mutual-exclusion violations";
        m_info.modes = {
            { "none", "No memory fence", true,
                "the CPU may let the load of the other's flag overtake the store of its own: both enter" },
            { "fence", "Sequentially consistent fence", false,
                "a full fence (mfence) between the stores and the loads keeps them in program order" },
        };
        m_info.workers = { 2, 2, 2 };
        m_info.workersHelp = "processes: Peterson's algorithm is for exactly two";
        m_info.iterations = { 1, 100'000'000, 100'000 };
        m_info.iterationsHelp = "critical-section entries per process";
        m_info.demoIterations = 5'000'000;
        m_info.windowNs = { 0, 1'000'000, 100 };
        m_info.windowHelp = "busy delay inside the critical section";
    }

    const RaceScenarioInfo& info() const override { return m_info; }

    std::size_t sharedBytes(const RaceSpec&) const override { return sizeof(ReorderState); }

    void initialise(void* area, const RaceSpec&) const override { new (area) ReorderState {}; }

    std::string role(const RaceSpec&, unsigned index) const override { return index == 0 ? "process A" : "process B"; }

    // Reordering can only show while both processes run at the same instant. Left to the
    // scheduler on a busy machine they may share one core for a whole run, and a context switch
    // drains the store buffer. Pinned to two CPUs, every attempt that makes progress is one where
    // both ran at once.
    std::vector<int> placement(const RaceSpec&) const override
    {
        const std::vector<int> cpus = allowedCpus();
        if (cpus.size() < 2)
            return { -1, -1 };
        return { cpus[0], cpus[1] };
    }

    void run(RaceWorker& worker) const override
    {
        auto& state = *static_cast<ReorderState*>(worker.area);
        const bool fence = worker.spec.sync == "fence";
        const unsigned me = worker.index;
        const unsigned other = 1 - me;
        const std::uint64_t iterations = *worker.spec.iterations;
        const std::uint64_t window = *worker.spec.windowNs;
        Jitter jitter(static_cast<std::uint32_t>(getpid()) * 2654435761U);
        // Pinned apart, spinning never keeps the peer off its CPU, and yielding early would make
        // the two miss each other on a busy machine: each would hand its CPU to other work just
        // before the other arrives.
        const std::uint64_t spinNs = placement(worker.spec)[0] >= 0 ? Backoff::kLongSpinNs : Backoff::kShortSpinNs;
        std::uint64_t violations = 0;
        for (std::uint64_t attempt = 1; attempt <= iterations; ++attempt) {
            state.round[me].value.store(attempt, std::memory_order_release);
            if (!waitFor([&] { return state.round[other].value.load(std::memory_order_acquire) >= attempt; }, worker,
                    spinNs))
                break;
            for (std::uint32_t delay = jitter.next() % kJitterSpins; delay > 0; --delay)
                asm volatile("" ::: "memory");

            // Peterson's entry: I want in, you go first, then wait while you want in and it is your turn.
            state.flag[me].value.store(1, std::memory_order_relaxed);
            state.turn.value.store(other, std::memory_order_release);
            if (fence)
                std::atomic_thread_fence(std::memory_order_seq_cst);
            else
                std::atomic_signal_fence(std::memory_order_seq_cst); // the compiler keeps the order; the CPU need not
            if (!waitFor(
                    [&] {
                        return state.flag[other].value.load(std::memory_order_acquire) == 0
                            || state.turn.value.load(std::memory_order_acquire) != other;
                    },
                    worker, spinNs))
                break;

            // Critical section. The locked add sees whether the other is inside too; it comes after
            // the entry's loads, so it cannot hide the reordering it detects.
            if (state.occupancy.value.fetch_add(1, std::memory_order_relaxed) != 0)
                worker.publish(worker.slot.counts[Violations], ++violations);
            const std::uint64_t seen = state.counter.value.load(std::memory_order_relaxed);
            busyDelay(window);
            state.counter.value.store(seen + 1, std::memory_order_relaxed);
            state.occupancy.value.fetch_sub(1, std::memory_order_relaxed);
            state.flag[me].value.store(0, std::memory_order_release);
            worker.publish(worker.slot.done, attempt);
        }
    }

    RaceTally tally(const RaceControl& control, const void* area, const RaceSpec&, bool) const override
    {
        RaceTally tally;
        for (unsigned i = 0; i < 2; ++i) {
            tally.expected += control.workers[i].done.load(std::memory_order_acquire);
            tally.syncErrors += control.workers[i].counts[Violations].load(std::memory_order_relaxed);
        }
        tally.observed = static_cast<const ReorderState*>(area)->counter.value.load(std::memory_order_acquire);
        tally.details["violations"] = tally.syncErrors;
        tally.details["lost_increments"] = tally.expected > tally.observed ? tally.expected - tally.observed : 0;
        return tally;
    }

private:
    // Spins until `ready` or a stop request (false).
    template <typename Ready> static bool waitFor(const Ready& ready, const RaceWorker& worker, std::uint64_t spinNs)
    {
        Backoff backoff(spinNs);
        while (!ready()) {
            if (worker.stopRequested())
                return false;
            backoff.pause();
        }
        return true;
    }

    RaceScenarioInfo m_info;
};

} // namespace

const RaceScenario& reorderScenario()
{
    static const ReorderScenario scenario;
    return scenario;
}

} // namespace ipcpg
