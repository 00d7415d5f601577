#pragma once

#include <atomic>
#include <cstdint>

#include "ipcpg/frame.h"
#include "ipcpg/histogram.h"
#include "ipcpg/runspec.h"

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

struct alignas(64) SideCounters {
    std::atomic<std::uint32_t> phase;
    std::atomic<std::int32_t> lastCpu;
    std::atomic<std::uint64_t> cpuMask; // bit n: seen running on CPU n (CPUs above 63 fold onto 63)
    std::atomic<std::uint64_t> sent; // frames or notifications handed to the mechanism, warm-up included
    std::atomic<std::uint64_t> received;
    std::atomic<std::uint64_t> measured; // messages in the statistics (see RunEngine for which side)
    std::atomic<std::uint64_t> warmup;
    std::atomic<std::uint64_t> lastMeasuredNs;
    std::atomic<std::uint64_t> badSize;
    std::atomic<std::uint64_t> badChecksum;
    std::atomic<std::uint64_t> gaps;
    std::atomic<std::uint64_t> missing;
    std::atomic<std::uint64_t> duplicates;
    std::atomic<std::uint64_t> reordered;
    char error[512]; // written before phase becomes Failed
    SharedHistogram latency;

    IntegrityCounts integrity() const;
};

// The whole shared region: one block per run, mapped MAP_SHARED | MAP_ANONYMOUS by the lead.
struct ControlBlock {
    static constexpr unsigned kMaxSides = 2 * RunSpec::kMaxWorkers;

    std::atomic<std::uint32_t> go; // lead -> sides: everyone is attached, start (futex word)
    std::atomic<std::uint32_t> stop; // lead -> sides: finish now (user stop or a failure)
    std::atomic<std::uint64_t> startNs; // when `go` was given
    std::atomic<std::uint64_t> windowStartNs[RunSpec::kMaxWorkers]; // end of warm-up, per pair
    std::atomic<std::uint32_t> pairDone[RunSpec::kMaxWorkers]; // A finished sending
    SideCounters sides[kMaxSides];
};

} // namespace ipcpg
