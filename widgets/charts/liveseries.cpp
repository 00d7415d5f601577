#include "charts/liveseries.h"

#include <algorithm>

namespace ipcpg {

LiveSeries::LiveSeries(int targetBuckets)
    : m_target(static_cast<std::size_t>(std::max(targetBuckets, 2)))
{
    m_buckets.reserve(2 * m_target + 1);
}

void LiveSeries::append(double x, double y)
{
    const QPointF point(x, y);
    if (m_buckets.empty()) {
        m_minY = m_maxY = y;
    } else {
        m_minY = std::min(m_minY, y);
        m_maxY = std::max(m_maxY, y);
    }
    m_lastX = x;
    if (!m_buckets.empty() && m_buckets.back().count < m_pointsPerBucket) {
        Bucket& bucket = m_buckets.back();
        if (y < bucket.low.y())
            bucket.low = point;
        if (y >= bucket.high.y())
            bucket.high = point;
        ++bucket.count;
        return;
    }
    m_buckets.push_back({ point, point, 1 });
    if (m_buckets.size() >= 2 * m_target)
        decimate();
}

void LiveSeries::decimate()
{
    std::vector<Bucket> merged;
    merged.reserve(m_buckets.size() / 2 + 1);
    for (std::size_t i = 0; i < m_buckets.size(); i += 2) {
        if (i + 1 == m_buckets.size()) {
            merged.push_back(m_buckets[i]);
            break;
        }
        const Bucket& a = m_buckets[i];
        const Bucket& b = m_buckets[i + 1];
        Bucket both;
        both.low = b.low.y() < a.low.y() ? b.low : a.low;
        both.high = b.high.y() > a.high.y() ? b.high : a.high;
        both.count = a.count + b.count;
        merged.push_back(both);
    }
    m_buckets.swap(merged);
    m_pointsPerBucket *= 2;
}

void LiveSeries::clear()
{
    m_buckets.clear();
    m_pointsPerBucket = 1;
    m_minY = m_maxY = m_lastX = 0;
}

QList<QPointF> LiveSeries::points() const
{
    QList<QPointF> list;
    list.reserve(2 * static_cast<qsizetype>(m_buckets.size()));
    for (const Bucket& bucket : m_buckets) {
        if (bucket.low == bucket.high) {
            list.append(bucket.low);
        } else if (bucket.low.x() <= bucket.high.x()) {
            list.append(bucket.low);
            list.append(bucket.high);
        } else {
            list.append(bucket.high);
            list.append(bucket.low);
        }
    }
    return list;
}

} // namespace ipcpg
