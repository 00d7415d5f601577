#include "charts/curvechart.h"

#include <QChart>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QLogValueAxis>
#include <QPen>
#include <QScatterSeries>
#include <QValueAxis>
#include <cmath>

#include "charts/charttheme.h"

namespace ipcpg {

namespace {

struct Extent {
    double min = 0; // the smallest value above 0 (what a log axis can show), 0 when none
    double max = 0;

    void add(double value)
    {
        if (value > 0)
            min = min == 0 ? value : std::min(min, value);
        max = std::max(max, value);
    }
};

bool drawable(double value, const CurveAxis& axis) { return std::isfinite(value) && (!axis.logarithmic || value > 0); }

QAbstractAxis* createAxis(const CurveAxis& axis, const Extent& extent, const AxisScale& scale)
{
    const QString title = scale.unit.isEmpty() ? axis.title : QStringLiteral("%1 (%2)").arg(axis.title, scale.unit);
    if (axis.logarithmic) {
        auto* log = new QLogValueAxis;
        log->setBase(axis.logBase);
        log->setLabelFormat(QStringLiteral("%g"));
        log->setMinorTickCount(axis.logBase == 10 ? 8 : 0);
        log->setMinorGridLineVisible(false);
        const auto power = [&axis](double value, auto round) {
            return std::pow(axis.logBase, round(std::log(value) / std::log(axis.logBase)));
        };
        // A value on a power (8 members) is its own bound, not the next power out.
        const double low
            = extent.min > 0 ? power(extent.min / scale.divisor, [](double v) { return std::floor(v + 1e-9); }) : 1;
        const double high
            = extent.max > 0 ? power(extent.max / scale.divisor, [](double v) { return std::ceil(v - 1e-9); }) : 10;
        log->setRange(low, std::max(high, low * axis.logBase));
        log->setTitleText(title);
        return log;
    }
    auto* linear = new QValueAxis;
    applyScale(linear, scale);
    linear->setLabelFormat(scale.tickStep >= 1 ? QStringLiteral("%.0f") : QStringLiteral("%.1f"));
    linear->setTitleText(title);
    return linear;
}

} // namespace

void drawCurves(
    QChart* chart, const QList<Curve>& curves, const CurveAxis& x, const CurveAxis& y, const CurveMarkers& markers)
{
    chart->removeAllSeries();
    for (QAbstractAxis* axis : chart->axes()) {
        chart->removeAxis(axis);
        delete axis;
    }
    Extent xExtent, yExtent;
    for (const Curve& curve : curves) {
        for (const QPointF& point : curve.points) {
            if (drawable(point.x(), x) && drawable(point.y(), y)) {
                xExtent.add(point.x());
                yExtent.add(point.y());
            }
        }
    }
    const AxisScale xScale = AxisScale::forMaximum(x.quantity, xExtent.max);
    const AxisScale yScale = AxisScale::forMaximum(y.quantity, yExtent.max);
    QAbstractAxis* xAxis = createAxis(x, xExtent, xScale);
    QAbstractAxis* yAxis = createAxis(y, yExtent, yScale);
    chart->addAxis(xAxis, Qt::AlignBottom);
    chart->addAxis(yAxis, Qt::AlignLeft);
    const auto scaled
        = [&](const QPointF& point) { return QPointF(point.x() / xScale.divisor, point.y() / yScale.divisor); };
    const auto attach = [&](QXYSeries* series) {
        chart->addSeries(series);
        series->attachAxis(xAxis);
        series->attachAxis(yAxis);
    };
    for (const Curve& curve : curves) {
        auto* series = new QLineSeries;
        series->setName(curve.name);
        QPen pen(ChartTheme::seriesColor(curve.color));
        pen.setWidthF(2);
        pen.setStyle(curve.style);
        series->setPen(pen);
        series->setPointsVisible(curve.dots);
        for (const QPointF& point : curve.points) {
            if (drawable(point.x(), x) && drawable(point.y(), y))
                series->append(scaled(point));
        }
        attach(series);
        if (!curve.inLegend) {
            for (QLegendMarker* marker : chart->legend()->markers(series))
                marker->setVisible(false);
        }
    }
    if (!markers.points.isEmpty()) {
        auto* stars = new QScatterSeries;
        stars->setName(markers.name);
        stars->setMarkerShape(QScatterSeries::MarkerShapeStar);
        stars->setMarkerSize(16);
        for (const QPointF& point : markers.points) {
            if (drawable(point.x(), x) && drawable(point.y(), y))
                stars->append(scaled(point));
        }
        attach(stars);
    }
}

} // namespace ipcpg
