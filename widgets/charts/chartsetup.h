#pragma once

#include <QString>

class QChart;
class QChartView;
class QLogValueAxis;

namespace ipcpg {

// What every live chart of the app shares: a chart without animation (live data: animation only
// adds lag), legend below, thin margins; a logarithmic axis that draws cheaply; and the view
// that shows it.

// A new chart titled `title`; the caller adds its series and axes, then hands it to installChart().
QChart* createLiveChart(const QString& title);
// A base-10 axis with minor ticks but only decades as grid lines: eight more lines per decade for
// the raster engine to draw (and clip) on every refresh were a third of the GUI's CPU time in a run.
QLogValueAxis* createLogAxis();
// Makes `chart` the one `view` shows (deleting the chart QChartView starts with), antialiased, at
// least big enough to read.
void installChart(QChartView* view, QChart* chart);

} // namespace ipcpg
