#pragma once

#include <QList>
#include <QPointF>
#include <vector>

namespace ipcpg {

// A time series that keeps constant memory however long a run lasts. Points go into buckets;
// when there are twice as many buckets as wanted, neighbours are merged, keeping the lowest and
// the highest point of each, so peaks and dips survive decimation (an hour-long run still shows
// the one latency spike at minute 7).
class LiveSeries {
public:
    explicit LiveSeries(int targetBuckets = 500);

    void append(double x, double y);
    void clear();

    // The points to draw, in x order: one or two per bucket.
    QList<QPointF> points() const;

    bool isEmpty() const { return m_buckets.empty(); }
    double minY() const { return m_minY; }
    double maxY() const { return m_maxY; }
    double lastX() const { return m_lastX; }
    std::size_t bucketCount() const { return m_buckets.size(); }
    int pointsPerBucket() const { return m_pointsPerBucket; }

private:
    struct Bucket {
        QPointF low;
        QPointF high;
        int count = 0;
    };
    void decimate();

    std::size_t m_target;
    int m_pointsPerBucket = 1; // how many raw points a bucket may take before a new one starts
    std::vector<Bucket> m_buckets;
    double m_minY = 0;
    double m_maxY = 0;
    double m_lastX = 0;
};

} // namespace ipcpg
