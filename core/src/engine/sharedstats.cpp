#include "engine/sharedstats.h"

namespace ipcpg {

LatencyHistogram SharedHistogram::snapshot() const
{
    LatencyHistogram copy;
    std::vector<LatencyHistogram::Bucket> nonEmpty;
    for (int i = 0; i < HistogramLayout::kBucketCount; ++i) {
        const std::uint64_t count = buckets[i].load(std::memory_order_relaxed);
        if (count != 0)
            nonEmpty.emplace_back(static_cast<std::uint32_t>(i), count);
    }
    copy.addBuckets(nonEmpty);
    copy.setExtremes(
        min.load(std::memory_order_relaxed), max.load(std::memory_order_relaxed), sum.load(std::memory_order_relaxed));
    return copy;
}

IntegrityCounts EndCounters::integrity() const
{
    IntegrityCounts counts;
    counts.badSize = badSize.load(std::memory_order_relaxed);
    counts.badChecksum = badChecksum.load(std::memory_order_relaxed);
    counts.gaps = gaps.load(std::memory_order_relaxed);
    counts.missing = missing.load(std::memory_order_relaxed);
    counts.duplicates = duplicates.load(std::memory_order_relaxed);
    counts.reordered = reordered.load(std::memory_order_relaxed);
    return counts;
}

} // namespace ipcpg
