#pragma once

#include <algorithm>
#include <atomic>
#include <cstdint>

#include "ipcpg/frame.h"
#include "ipcpg/histogram.h"
#include "ipcpg/runspec.h"
#include "ipcpg/transport.h"

namespace ipcpg {

// Counters a side publishes to the lead worker through anonymous shared memory mapped before
// fork. Each counter has exactly one writer (the side), so increments are a relaxed load and
// store, no locked instruction on the hot path; the lead reads them with relaxed loads and
// tolerates values a few messages apart.
inline void bump(std::atomic<std::uint64_t>& counter, std::uint64_t by = 1)
{
    counter.store(counter.load(std::memory_order_relaxed) + by, std::memory_order_relaxed);
}

struct SharedHistogram {
    std::atomic<std::uint64_t> buckets[HistogramLayout::kBucketCount];
    std::atomic<std::uint64_t> min;
    std::atomic<std::uint64_t> max;
    std::atomic<std::uint64_t> sum;

    void record(std::uint64_t ns)
    {
        bump(buckets[HistogramLayout::bucketOf(ns)]);
        if (ns < min.load(std::memory_order_relaxed))
            min.store(ns, std::memory_order_relaxed);
        if (ns > max.load(std::memory_order_relaxed))
            max.store(ns, std::memory_order_relaxed);
        bump(sum, ns);
    }

    // A consistent-enough copy: each bucket is read once.
    LatencyHistogram snapshot() const;
};

enum class SidePhase : std::uint32_t { Starting = 0, Ready = 1, Running = 2, Finished = 3, Failed = 4 };

// What one forked process of a run reports about itself.
struct alignas(64) ProcessSlot {
    std::atomic<std::uint32_t> phase;
    std::atomic<std::int32_t> lastCpu;
    std::atomic<std::uint64_t> cpuMask; // bit n: seen running on CPU n (CPUs above 63 fold onto 63)
    char error[512]; // written before phase becomes Failed
};

// The counters of one end of one link (a link is one transport: a pair, or the channel between a
// hub and one member). Only the process holding that end writes them, so a hub that holds many
// ends still leaves every counter with exactly one writer.
struct alignas(64) EndCounters {
    std::atomic<std::uint64_t> sent; // frames or notifications handed to the mechanism, warm-up included
    std::atomic<std::uint64_t> received;
    std::atomic<std::uint64_t> measured; // messages in the statistics (see LeadWorker for which end)
    std::atomic<std::uint64_t> warmup;
    std::atomic<std::uint64_t> lastMeasuredNs;
    std::atomic<std::uint64_t> measuredSent; // sent outside the warm-up (the offered-load check)
    std::atomic<std::uint64_t> lastSentNs;
    std::atomic<std::uint64_t> maxBehindNs; // open loop: the furthest behind schedule a send was
    std::atomic<std::uint64_t> lastBehindNs; // and how far behind the latest one was
    std::atomic<std::uint64_t> badSize;
    std::atomic<std::uint64_t> badChecksum;
    std::atomic<std::uint64_t> gaps;
    std::atomic<std::uint64_t> missing;
    std::atomic<std::uint64_t> duplicates;
    std::atomic<std::uint64_t> reordered;
    SharedHistogram latency;

    IntegrityCounts integrity() const;
};

// The whole shared region: one block per run, mapped MAP_SHARED | MAP_ANONYMOUS by the lead.
struct ControlBlock {
    static constexpr unsigned kMaxProcesses
        = std::max(2 * RunSpec::kMaxWorkers, RunSpec::kMaxMembers + 1); // pairs, or a hub and its members
    static constexpr unsigned kMaxLinks = std::max(RunSpec::kMaxWorkers, RunSpec::kMaxMembers);

    std::atomic<std::uint32_t> go; // lead -> sides: everyone is attached, start (futex word)
    std::atomic<std::uint32_t> stop; // lead -> sides: finish now (user stop or a failure)
    std::atomic<std::uint64_t> startNs; // when `go` was given
    std::atomic<std::uint64_t> windowStartNs[kMaxLinks]; // end of warm-up, per link
    std::atomic<std::uint32_t> linkDone[kMaxLinks]; // the link's A end finished sending
    ProcessSlot processes[kMaxProcesses];
    EndCounters ends[kMaxLinks][2]; // [link][0 for the A end, 1 for the B end]

    EndCounters& end(int link, Side side) { return ends[link][side == Side::A ? 0 : 1]; }
    const EndCounters& end(int link, Side side) const { return ends[link][side == Side::A ? 0 : 1]; }
};

} // namespace ipcpg
