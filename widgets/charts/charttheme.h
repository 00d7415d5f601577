#pragma once

#include <QColor>
#include <QList>
#include <QPalette>

class QChart;

namespace ipcpg {

// Chart colours that follow the application palette, so charts stay readable on light and dark
// desktops, and a fixed series palette that colour-blind readers can tell apart.
class ChartTheme {
public:
    // Background, text, grid and legend colours of `chart` from `palette`.
    static void apply(QChart* chart, const QPalette& palette);
    // The n-th series colour (cycles after ten).
    static QColor seriesColor(int index);
    static bool isDark(const QPalette& palette);
};

} // namespace ipcpg
