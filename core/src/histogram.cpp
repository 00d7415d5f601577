#include "ipcpg/histogram.h"

#include <algorithm>
#include <cmath>

namespace ipcpg {

void LatencyHistogram::recordMany(std::uint64_t ns, std::uint64_t count)
{
    if (count == 0)
        return;
    m_buckets[static_cast<std::size_t>(HistogramLayout::bucketOf(ns))] += count;
    m_count += count;
    m_min = std::min(m_min, ns);
    m_max = std::max(m_max, ns);
    m_sum += ns * count;
}

void LatencyHistogram::merge(const LatencyHistogram& other)
{
    if (other.m_count == 0)
        return;
    for (std::size_t i = 0; i < m_buckets.size(); ++i)
        m_buckets[i] += other.m_buckets[i];
    m_count += other.m_count;
    m_min = std::min(m_min, other.m_min);
    m_max = std::max(m_max, other.m_max);
    m_sum += other.m_sum;
}

void LatencyHistogram::clear() { *this = LatencyHistogram {}; }

std::uint64_t LatencyHistogram::percentile(double p) const
{
    if (m_count == 0)
        return 0;
    if (p <= 0.0)
        return min();
    if (p >= 100.0)
        return m_max;
    // The rank of the sample we want, 1-based: the smallest sample with at least p% at or below.
    const auto rank
        = std::max<std::uint64_t>(1, static_cast<std::uint64_t>(std::ceil(p / 100.0 * static_cast<double>(m_count))));
    std::uint64_t seen = 0;
    for (int bucket = 0; bucket < HistogramLayout::kBucketCount; ++bucket) {
        seen += m_buckets[static_cast<std::size_t>(bucket)];
        if (seen >= rank)
            return std::clamp(HistogramLayout::representative(bucket), min(), m_max);
    }
    return m_max;
}

std::vector<LatencyHistogram::Bucket> LatencyHistogram::nonEmptyBuckets() const
{
    std::vector<Bucket> result;
    for (std::size_t i = 0; i < m_buckets.size(); ++i) {
        if (m_buckets[i] != 0)
            result.emplace_back(static_cast<std::uint32_t>(i), m_buckets[i]);
    }
    return result;
}

std::size_t LatencyHistogram::addBuckets(const std::vector<Bucket>& buckets)
{
    std::size_t rejected = 0;
    for (const auto& [index, count] : buckets) {
        if (index >= static_cast<std::uint32_t>(HistogramLayout::kBucketCount) || count == 0) {
            rejected += index >= static_cast<std::uint32_t>(HistogramLayout::kBucketCount) ? 1 : 0;
            continue;
        }
        const int bucket = static_cast<int>(index);
        m_buckets[index] += count;
        m_count += count;
        // Without exact extremes, the bucket bounds are the best estimate.
        m_min = std::min(m_min, HistogramLayout::lowerBound(bucket));
        m_max = std::max(m_max, HistogramLayout::lowerBound(bucket) + HistogramLayout::width(bucket) - 1);
        m_sum += HistogramLayout::representative(bucket) * count;
    }
    return rejected;
}

void LatencyHistogram::setExtremes(std::uint64_t min, std::uint64_t max, std::uint64_t sum)
{
    if (m_count == 0)
        return;
    m_min = min;
    m_max = std::max(min, max);
    m_sum = sum;
}

} // namespace ipcpg
