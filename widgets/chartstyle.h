#pragma once

#include <QColor>
#include <QString>

#include <initializer_list>

class QChart;
class QChartView;
class QLineSeries;
class QValueAxis;

namespace ipcpg {

// How every live chart of the app looks and scales, so the run charts and the race lab agree.

// A chart for live data: no animations (they only lag), legend at the bottom, thin margins.
QChart* makeLiveChart(const QString& title);
// A 2-pixel line in `color`.
QLineSeries* makeLineSeries(const QString& name, const QColor& color);
// A value axis on `where` of `chart`, titled (when `title` is not empty), with `series` attached.
// The series must already be in the chart.
QValueAxis* addValueAxis(QChart* chart, Qt::Alignment where, const QString& title,
    std::initializer_list<QLineSeries*> series);
// An antialiased view of `chart` that keeps a readable height.
QChartView* makeChartView(QChart* chart);
// A "nice" upper bound for an axis: 1, 2 or 5 times a power of ten, with some headroom, so the
// axis does not jump on every sample.
double niceCeiling(double value);

} // namespace ipcpg
