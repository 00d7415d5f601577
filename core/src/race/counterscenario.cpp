// counter: N processes increment one shared counter K times each. Without synchronisation the
// read-add-write of two processes interleaves and increments are lost.
#include <cerrno>
#include <pthread.h>
#include <semaphore.h>

#include "ipcpg/error.h"
#include "race/racescenario.h"
#include "race/racetools.h"
#include "race/sharedlocks.h"

namespace ipcpg {

namespace {

struct CounterState {
    alignas(64) std::atomic<std::uint64_t> value;
    alignas(64) SharedMutex mutex;
    alignas(64) SharedSemaphore semaphore;
};

enum class Sync { None, Atomic, Mutex, Semaphore };

Sync syncOf(const RaceSpec& spec)
{
    if (spec.sync == "atomic")
        return Sync::Atomic;
    if (spec.sync == "mutex")
        return Sync::Mutex;
    if (spec.sync == "semaphore")
        return Sync::Semaphore;
    return Sync::None;
}

// Slot counters of each worker.
enum Count { RecoveredLocks = 0 };

class CounterScenario final : public RaceScenario {
public:
    CounterScenario()
    {
        m_info.id = "counter";
        m_info.title = "Lost updates on a shared counter";
        m_info.summary = "processes increment one shared counter; unsynchronised increments get lost";
        m_info.counted = "lost updates";
        m_info.modes = {
            { "none", "No synchronisation", true,
                "load, add and store as three steps: another process can store in between" },
            { "atomic", "Atomic increment", false, "one indivisible fetch-and-add instruction (lock xadd)" },
            { "mutex", "Mutex", false, "a process-shared, robust pthread mutex around the read-add-write" },
            { "semaphore", "Semaphore", false, "a POSIX semaphore of value 1 used as a lock" },
        };
        m_info.workers = { 2, kMaxRaceWorkers, 2 };
        m_info.workersHelp = "processes incrementing the counter";
        m_info.iterations = { 1, 100'000'000, 1'000'000 };
        m_info.iterationsHelp = "increments per process";
        m_info.demoIterations = 20'000'000;
        m_info.windowNs = { 0, 1'000'000, 100 };
        m_info.windowHelp = "busy delay between reading the counter and writing it back";
    }

    const RaceScenarioInfo& info() const override { return m_info; }

    std::size_t sharedBytes(const RaceSpec&) const override { return sizeof(CounterState); }

    void initialise(void* area, const RaceSpec&) const override
    {
        auto* state = new (area) CounterState {};
        state->mutex.initialise();
        state->semaphore.initialise(1);
    }

    void destroy(void* area, const RaceSpec&) const override
    {
        auto* state = static_cast<CounterState*>(area);
        state->mutex.destroy();
        state->semaphore.destroy();
    }

    std::string role(const RaceSpec&, unsigned index) const override { return "incrementer " + std::to_string(index); }

    void run(RaceWorker& worker) const override
    {
        auto& state = *static_cast<CounterState*>(worker.area);
        const Sync sync = syncOf(worker.spec);
        const std::uint64_t iterations = *worker.spec.iterations;
        const std::uint64_t window = *worker.spec.windowNs;
        std::uint64_t recovered = 0;
        for (std::uint64_t i = 1; i <= iterations && !worker.stopRequested(); ++i) {
            switch (sync) {
            case Sync::None: {
                // Relaxed load and store: atomic each, so the compiler emits two plain moves and
                // cannot fuse them into one locked add; nothing orders them against the other
                // processes' moves.
                const std::uint64_t seen = state.value.load(std::memory_order_relaxed);
                busyDelay(window);
                state.value.store(seen + 1, std::memory_order_relaxed);
                break;
            }
            case Sync::Atomic:
                // The delay has nowhere to go inside one instruction: it is spent before it.
                busyDelay(window);
                state.value.fetch_add(1, std::memory_order_relaxed);
                break;
            case Sync::Mutex: {
                if (state.mutex.lock())
                    ++recovered;
                const std::uint64_t seen = state.value.load(std::memory_order_relaxed);
                busyDelay(window);
                state.value.store(seen + 1, std::memory_order_relaxed);
                state.mutex.unlock();
                break;
            }
            case Sync::Semaphore: {
                state.semaphore.wait();
                const std::uint64_t seen = state.value.load(std::memory_order_relaxed);
                busyDelay(window);
                state.value.store(seen + 1, std::memory_order_relaxed);
                state.semaphore.post();
                break;
            }
            }
            worker.publish(worker.slot.done, i);
        }
        worker.publish(worker.slot.counts[RecoveredLocks], recovered);
    }

    RaceTally tally(const RaceControl& control, const void* area, const RaceSpec& spec, bool) const override
    {
        // Completed increments first, the counter after: every increment counted in `expected`
        // is then already in `observed`, so a correct mode never shows a transient error.
        RaceTally tally;
        std::uint64_t recovered = 0;
        for (unsigned i = 0; i < *spec.workers; ++i) {
            tally.expected += control.workers[i].done.load(std::memory_order_acquire);
            recovered += control.workers[i].counts[RecoveredLocks].load(std::memory_order_relaxed);
        }
        tally.observed = static_cast<const CounterState*>(area)->value.load(std::memory_order_acquire);
        tally.syncErrors = tally.expected > tally.observed ? tally.expected - tally.observed : 0;
        tally.details["lost_updates"] = tally.syncErrors;
        if (syncOf(spec) == Sync::Mutex)
            tally.details["recovered_locks"] = recovered;
        return tally;
    }

private:
    RaceScenarioInfo m_info;
};

} // namespace

const RaceScenario& counterScenario()
{
    static const CounterScenario scenario;
    return scenario;
}

} // namespace ipcpg
