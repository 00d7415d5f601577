#pragma once

#include <array>
#include <bit>
#include <cstdint>
#include <utility>
#include <vector>

namespace ipcpg {

// Log-linear bucket layout in the style of HdrHistogram: values below 128 ns have a bucket each;
// above, every power of two is split into 64 equal buckets, so a bucket is at most 1/64 of its
// lower bound wide and its midpoint is within 0.8% of any value in it. 2048 buckets reach
// 2^37 ns (137 s); larger values land in the last bucket (min and max stay exact).
struct HistogramLayout {
    static constexpr int kBucketCount = 2048;
    static constexpr int kLinearLimit = 128;
    static constexpr int kSubBucketBits = 6;

    static constexpr int bucketOf(std::uint64_t ns)
    {
        if (ns < kLinearLimit)
            return static_cast<int>(ns);
        const int msb = std::bit_width(ns) - 1;
        const int shift = msb - kSubBucketBits;
        const int sub = static_cast<int>(ns >> shift) - (1 << kSubBucketBits);
        const int index = kLinearLimit + (msb - 7) * (1 << kSubBucketBits) + sub;
        return index < kBucketCount ? index : kBucketCount - 1;
    }

    static constexpr std::uint64_t lowerBound(int bucket)
    {
        if (bucket < kLinearLimit)
            return static_cast<std::uint64_t>(bucket);
        const int magnitude = (bucket - kLinearLimit) / (1 << kSubBucketBits) + 7;
        const int sub = (bucket - kLinearLimit) % (1 << kSubBucketBits);
        return static_cast<std::uint64_t>((1 << kSubBucketBits) + sub) << (magnitude - kSubBucketBits);
    }

    static constexpr std::uint64_t width(int bucket)
    {
        if (bucket < kLinearLimit)
            return 1;
        const int magnitude = (bucket - kLinearLimit) / (1 << kSubBucketBits) + 7;
        return std::uint64_t { 1 } << (magnitude - kSubBucketBits);
    }

    // The value a bucket stands for in percentile answers.
    static constexpr std::uint64_t representative(int bucket)
    {
        return bucket < kLinearLimit ? lowerBound(bucket) : lowerBound(bucket) + width(bucket) / 2;
    }
};

// A latency distribution in nanoseconds with bounded memory (16 KiB) and exact count, min,
// max and sum. Mergeable, so per-interval deltas can be added up into a run's total.
class LatencyHistogram {
public:
    using Bucket = std::pair<std::uint32_t, std::uint64_t>; // (bucket index, count)

    void record(std::uint64_t ns) { recordMany(ns, 1); }
    void recordMany(std::uint64_t ns, std::uint64_t count);
    void merge(const LatencyHistogram& other);
    void clear();

    std::uint64_t count() const { return m_count; }
    std::uint64_t min() const { return m_count ? m_min : 0; }
    std::uint64_t max() const { return m_max; }
    double mean() const { return m_count ? static_cast<double>(m_sum) / static_cast<double>(m_count) : 0.0; }
    std::uint64_t sum() const { return m_sum; }

    // The value at percentile p (0..100): the representative of the bucket holding the
    // ceil(p% of count)-th smallest sample, clamped to [min, max]. 0 when empty.
    std::uint64_t percentile(double p) const;

    std::uint64_t bucketCount(int bucket) const { return m_buckets[static_cast<std::size_t>(bucket)]; }

    // The non-empty buckets, in ascending order: the compact form used on the wire and in files.
    std::vector<Bucket> nonEmptyBuckets() const;

    // Rebuilds a histogram from its compact form. Bucket indices out of range are ignored and
    // counted in the return value of addBuckets, so a malformed message cannot write out of
    // bounds. min/max/sum are taken from the caller when known, estimated otherwise.
    std::size_t addBuckets(const std::vector<Bucket>& buckets);
    void setExtremes(std::uint64_t min, std::uint64_t max, std::uint64_t sum);

private:
    std::array<std::uint64_t, HistogramLayout::kBucketCount> m_buckets {};
    std::uint64_t m_count = 0;
    std::uint64_t m_min = ~std::uint64_t { 0 };
    std::uint64_t m_max = 0;
    std::uint64_t m_sum = 0;
};

} // namespace ipcpg
