#pragma once

#include <QChartView>
#include <QList>
#include <QPointF>
#include <optional>

#include "charts/axisscale.h"

class QLineSeries;
class QAbstractAxis;
class QValueAxis;

namespace ipcpg {

// A live chart of a few quantities over time, with a left and optionally a right value axis.
// It holds the raw values (ns, bytes/s, ...) and converts them to the most readable unit each
// time it is refreshed, so the axis says "µs" while latencies are microseconds and switches to
// "ms" when a spike arrives. Saved runs can be overlaid as dashed lines.
class TimeSeriesChart : public QChartView {
    Q_OBJECT

public:
    enum class AxisSide { Left, Right };
    struct SeriesSpec {
        QString name;
        AxisSide side = AxisSide::Left;
        int color = -1; // index into ChartTheme::seriesColor(); -1: the series' own position
    };
    struct AxisSpec {
        AxisScale::Quantity quantity = AxisScale::Quantity::Plain;
        QString title; // "%1" is replaced by the unit
        // A logarithmic axis keeps a typical value and a rare spike readable on one chart
        // (latency percentiles). Points at or below zero are left out on such an axis.
        bool logarithmic = false;
    };
    // One saved run: its name and, per series of this chart, its points in raw units.
    struct Overlay {
        QString name;
        QList<QList<QPointF>> series;
    };

    TimeSeriesChart(const QString& title, AxisSpec left, std::optional<AxisSpec> right, QList<SeriesSpec> series,
        QWidget* parent = nullptr);

    void setPoints(int series, QList<QPointF> points);
    // Shows or hides a series, its legend entry and its overlays; a hidden series does not count
    // towards the axis ranges. For series that only some runs have (the members of a fan-out).
    void setSeriesVisible(int series, bool visible);
    bool isSeriesVisible(int series) const;
    void setOverlays(QList<Overlay> overlays);
    void setTitle(const QString& title);
    // Converts to display units, rescales the axes and redraws.
    void refresh(double timeEnd);
    void applyPalette(const QPalette& palette);

    QLineSeries* series(int index) const { return m_series.at(index); }
    int seriesCount() const { return static_cast<int>(m_series.size()); }
    QAbstractAxis* axis(AxisSide side) const { return side == AxisSide::Left ? m_left : m_right; }
    QString unit(AxisSide side) const { return side == AxisSide::Left ? m_leftUnit : m_rightUnit; }

private:
    void buildAxes(QChart* chart);
    void buildSeries(QChart* chart);
    QAbstractAxis* axisFor(int series) const;
    QColor colorFor(int series) const;

    QList<SeriesSpec> m_specs;
    AxisSpec m_leftSpec;
    std::optional<AxisSpec> m_rightSpec;
    QList<QLineSeries*> m_series;
    QList<bool> m_visible;
    QList<QList<QPointF>> m_points;
    QList<Overlay> m_overlays;
    QList<QLineSeries*> m_overlaySeries; // overlay-major, series-minor
    QValueAxis* m_time = nullptr;
    QAbstractAxis* m_left = nullptr;
    QAbstractAxis* m_right = nullptr;
    QString m_leftUnit;
    QString m_rightUnit;
};

} // namespace ipcpg
