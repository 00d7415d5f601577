#pragma once

#include <QList>
#include <QPointF>
#include <QString>

#include "charts/axisscale.h"

class QChart;

namespace ipcpg {

// One line of a results chart: points in raw units (nanoseconds, messages per second, members),
// drawn in the n-th series colour of ChartTheme.
struct Curve {
    QString name;
    int color = 0;
    Qt::PenStyle style = Qt::SolidLine;
    QList<QPointF> points;
    bool inLegend = true; // a line that shares its colour's entry, or a marker line, has none
    bool dots = true; // a dot on each point (a marker line has none)
};

// How one axis of a results chart reads: its title (the unit is added), what it measures, and
// whether it is logarithmic (points at or below 0 are then left out: a log axis cannot show them).
struct CurveAxis {
    QString title;
    AxisScale::Quantity quantity = AxisScale::Quantity::Plain;
    bool logarithmic = false;
    double logBase = 10; // 2 for member counts: 1, 2, 4, 8 ... are the ticks
};

// Points drawn as stars above the lines, under one legend entry (`name`): the saturation points of
// latency-versus-load curves.
struct CurveMarkers {
    QString name;
    QList<QPointF> points;
};

// Replaces what `chart` shows by `curves` over the two axes, each point with a dot so a curve of
// one point still shows. Values are scaled into the unit AxisScale picks for each axis's largest
// value; log axes run from the decade (or power of the base) below the smallest value to the one
// above the largest.
void drawCurves(QChart* chart, const QList<Curve>& curves, const CurveAxis& x, const CurveAxis& y,
    const CurveMarkers& markers = {});

} // namespace ipcpg
