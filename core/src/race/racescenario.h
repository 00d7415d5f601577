#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <sys/types.h>
#include <vector>

#include "ipcpg/raceregistry.h"

namespace ipcpg {

inline constexpr unsigned kMaxRaceWorkers = 16;

// What one worker publishes to the lead. Every field has exactly one writer (the worker), so the
// lead's relaxed reads see values at most a few iterations old.
struct alignas(64) RaceWorkerSlot {
    std::atomic<std::uint32_t> phase; // SidePhase (sharedstats.h)
    std::atomic<std::int32_t> pid; // written by the lead before `go`
    std::atomic<std::uint64_t> done; // iterations completed
    std::atomic<std::uint64_t> counts[4]; // scenario-defined counters
    char error[256]; // written before phase becomes Failed
};

// The head of the shared segment; the scenario's own state follows at kRaceAreaOffset.
struct RaceControl {
    std::atomic<std::uint32_t> go; // lead -> workers: everyone is ready, start (futex word)
    std::atomic<std::uint32_t> stop; // lead -> workers: finish now (user stop or a failure)
    RaceWorkerSlot workers[kMaxRaceWorkers];
};

inline constexpr std::size_t kRaceAreaOffset = (sizeof(RaceControl) + 4095) / 4096 * 4096;

// What a worker process runs with.
struct RaceWorker {
    const RaceSpec& spec; // resolved
    unsigned index;
    RaceControl& control;
    RaceWorkerSlot& slot;
    void* area; // the scenario's shared state

    bool stopRequested() const { return control.stop.load(std::memory_order_relaxed) != 0; }
    // Each slot counter has one writer, so publishing is a plain store, never a locked instruction
    // that would act as a fence inside the measured loop.
    void publish(std::atomic<std::uint64_t>& counter, std::uint64_t value) const
    {
        counter.store(value, std::memory_order_release);
    }
};

// The verdict so far (live) or at the end (final).
struct RaceTally {
    std::uint64_t expected = 0;
    std::uint64_t observed = 0;
    std::uint64_t syncErrors = 0;
    std::map<std::string, std::uint64_t> details;
};

// One scenario's behaviour. Implementations live in core/src/race and are listed in
// raceScenarios(); nothing outside core knows them by name.
class RaceScenario {
public:
    virtual ~RaceScenario() = default;

    virtual const RaceScenarioInfo& info() const = 0;

    // Bytes of shared state the scenario needs after the control block.
    virtual std::size_t sharedBytes(const RaceSpec& spec) const = 0;
    // In the lead, before fork, on zeroed memory. Throws Error when the kernel refuses.
    virtual void initialise(void* area, const RaceSpec& spec) const = 0;
    // In the lead, after every worker has ended.
    virtual void destroy(void*, const RaceSpec&) const { }

    virtual std::string role(const RaceSpec& spec, unsigned index) const = 0;
    // The CPU each worker is pinned to (-1: the scheduler decides), decided in the lead.
    virtual std::vector<int> placement(const RaceSpec& spec) const { return std::vector<int>(*spec.workers, -1); }
    // In the worker, before it reports ready (e.g. block the signals it will wait for).
    virtual void prepare(RaceWorker&) const { }
    // The worker's loop; returns when its iterations are done or a stop was requested. Throws
    // Error on a kernel failure.
    virtual void run(RaceWorker& worker) const = 0;
    // Reads the shared counters. `final` once every worker has ended: then the tally is exact.
    virtual RaceTally tally(const RaceControl& control, const void* area, const RaceSpec& spec, bool final) const = 0;
};

// The scenarios in docs/ARCHITECTURE.md's order.
const std::vector<const RaceScenario*>& raceScenarios();
const RaceScenario* findRaceScenario(std::string_view id);

// One accessor per scenario (defined in its file).
const RaceScenario& counterScenario();
const RaceScenario& tornScenario();
const RaceScenario& ringScenario();
const RaceScenario& reorderScenario();
const RaceScenario& signalsScenario();

} // namespace ipcpg
