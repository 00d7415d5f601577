#pragma once

#include <QChartView>

#include "ipcpg/histogram.h"

class QAreaSeries;
class QLineSeries;
class QLogValueAxis;
class QValueAxis;

namespace ipcpg {

// The latency distribution of the run so far, on a logarithmic time axis, as the share of
// messages per bucket: a mechanism's typical latency shows as a peak, its tail as the long
// shallow slope to the right. Vertical markers show p50, p99 and p99.9.
class HistogramChart : public QChartView {
    Q_OBJECT

public:
    explicit HistogramChart(QWidget* parent = nullptr);

    void setHistogram(const LatencyHistogram& histogram, const QString& kind);
    void applyPalette(const QPalette& palette);
    QLineSeries* shape() const { return m_upper; }

private:
    void buildArea(QChart* chart);
    void buildAxes(QChart* chart);
    void buildMarkers(QChart* chart);

    QLineSeries* m_upper = nullptr;
    QLineSeries* m_lower = nullptr;
    QAreaSeries* m_area = nullptr;
    QList<QLineSeries*> m_markers;
    QLogValueAxis* m_x = nullptr;
    QValueAxis* m_y = nullptr;
};

} // namespace ipcpg
