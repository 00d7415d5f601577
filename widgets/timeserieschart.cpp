#include "timeserieschart.h"

#include <QLineSeries>
#include <QPen>
#include <QValueAxis>
#include <algorithm>

#include "charttheme.h"

namespace ipcpg {

namespace {

double maximumOf(const QList<QPointF>& points)
{
    double max = 0;
    for (const QPointF& p : points)
        max = std::max(max, p.y());
    return max;
}

QList<QPointF> divided(const QList<QPointF>& points, double divisor)
{
    QList<QPointF> result;
    result.reserve(points.size());
    for (const QPointF& p : points)
        result.append({ p.x(), p.y() / divisor });
    return result;
}

// Reconfigures an axis only when its scale changed: a changed range or title makes the chart lay
// out its labels again, which costs far more than drawing a few hundred points.
//
// The order matters: Qt Charts lays out the labels on every change, and an intermediate state of a
// wide range with the old, small step would make it create thousands of label items (and keep
// them, which makes every later repaint slow). So a growing step is set before the range, a
// shrinking one after it.
void configureAxis(QValueAxis* axis, const AxisScale& scale, const QString& titleTemplate)
{
    if (axis->tickType() != QValueAxis::TicksDynamic) {
        axis->setTickType(QValueAxis::TicksDynamic);
        axis->setTickAnchor(0);
    }
    const bool stepGrows = scale.tickStep > axis->tickInterval();
    if (stepGrows)
        axis->setTickInterval(scale.tickStep);
    if (axis->max() != scale.niceMax || axis->min() != 0)
        axis->setRange(0, scale.niceMax);
    if (!stepGrows && axis->tickInterval() != scale.tickStep)
        axis->setTickInterval(scale.tickStep);
    const QString format = scale.tickStep >= 1 ? QStringLiteral("%.0f") : (scale.tickStep >= 0.1 ? QStringLiteral("%.1f") : QStringLiteral("%.2f"));
    if (axis->labelFormat() != format)
        axis->setLabelFormat(format);
    const QString title = titleTemplate.contains(QStringLiteral("%1")) ? titleTemplate.arg(scale.unit) : titleTemplate;
    if (axis->titleText() != title)
        axis->setTitleText(title);
}

} // namespace

TimeSeriesChart::TimeSeriesChart(
    const QString& title, AxisSpec left, std::optional<AxisSpec> right, QList<SeriesSpec> series, QWidget* parent)
    : QChartView(parent)
    , m_specs(std::move(series))
    , m_leftSpec(std::move(left))
    , m_rightSpec(std::move(right))
{
    auto* chart = new QChart;
    chart->setTitle(title);
    chart->setAnimationOptions(QChart::NoAnimation); // live data: animation only adds lag
    chart->legend()->setAlignment(Qt::AlignBottom);
    chart->setMargins(QMargins(2, 2, 2, 2));
    m_time = new QValueAxis;
    m_time->setTitleText(tr("time (s)"));
    m_time->setLabelFormat(QStringLiteral("%.0f"));
    chart->addAxis(m_time, Qt::AlignBottom);
    m_left = new QValueAxis;
    chart->addAxis(m_left, Qt::AlignLeft);
    if (m_rightSpec) {
        m_right = new QValueAxis;
        chart->addAxis(m_right, Qt::AlignRight);
    }
    for (int i = 0; i < m_specs.size(); ++i) {
        auto* line = new QLineSeries;
        line->setName(m_specs[i].name);
        QPen pen(ChartTheme::seriesColor(i));
        pen.setWidthF(2.0);
        line->setPen(pen);
        chart->addSeries(line);
        line->attachAxis(m_time);
        line->attachAxis(axisFor(i));
        m_series.append(line);
        m_points.append(QList<QPointF> {});
    }
    // QChartView starts with a chart of its own, which setChart() lets go of without deleting.
    QChart* initial = this->chart();
    setChart(chart);
    delete initial;
    setRenderHint(QPainter::Antialiasing);
    setMinimumSize(260, 180);
    applyPalette(palette());
    refresh(1.0);
}

QValueAxis* TimeSeriesChart::axisFor(int series) const
{
    return m_specs.at(series).side == AxisSide::Right && m_right ? m_right : m_left;
}

void TimeSeriesChart::setPoints(int series, QList<QPointF> points) { m_points[series] = std::move(points); }

void TimeSeriesChart::setTitle(const QString& title) { chart()->setTitle(title); }

void TimeSeriesChart::setOverlays(QList<Overlay> overlays)
{
    for (QLineSeries* line : m_overlaySeries) {
        chart()->removeSeries(line);
        delete line;
    }
    m_overlaySeries.clear();
    m_overlays = std::move(overlays);
    for (int o = 0; o < m_overlays.size(); ++o) {
        for (int s = 0; s < m_specs.size(); ++s) {
            auto* line = new QLineSeries;
            line->setName(m_overlays[o].name + QStringLiteral(" · ") + m_specs[s].name);
            QColor color = ChartTheme::seriesColor(s);
            color.setAlpha(150);
            QPen pen(color);
            pen.setWidthF(1.5);
            pen.setStyle(o % 2 == 0 ? Qt::DashLine : Qt::DotLine);
            line->setPen(pen);
            chart()->addSeries(line);
            line->attachAxis(m_time);
            line->attachAxis(axisFor(s));
            m_overlaySeries.append(line);
        }
    }
}

void TimeSeriesChart::refresh(double timeEnd)
{
    double leftMax = 0;
    double rightMax = 0;
    const auto account = [&](int series, const QList<QPointF>& points) {
        const double max = maximumOf(points);
        if (axisFor(series) == m_right)
            rightMax = std::max(rightMax, max);
        else
            leftMax = std::max(leftMax, max);
    };
    for (int s = 0; s < m_points.size(); ++s)
        account(s, m_points[s]);
    for (const Overlay& overlay : m_overlays) {
        for (int s = 0; s < std::min<qsizetype>(overlay.series.size(), m_specs.size()); ++s) {
            account(s, overlay.series[s]);
            if (!overlay.series[s].isEmpty())
                timeEnd = std::max(timeEnd, overlay.series[s].back().x());
        }
    }
    const AxisScale left = AxisScale::forMaximum(m_leftSpec.quantity, leftMax);
    configureAxis(m_left, left, m_leftSpec.title);
    m_leftUnit = left.unit;
    AxisScale right;
    if (m_right) {
        right = AxisScale::forMaximum(m_rightSpec->quantity, rightMax);
        configureAxis(m_right, right, m_rightSpec->title);
        m_rightUnit = right.unit;
    }
    for (int s = 0; s < m_series.size(); ++s)
        m_series[s]->replace(divided(m_points[s], axisFor(s) == m_right ? right.divisor : left.divisor));
    for (int o = 0; o < m_overlays.size(); ++o) {
        for (int s = 0; s < m_specs.size(); ++s) {
            const QList<QPointF> points = s < m_overlays[o].series.size() ? m_overlays[o].series[s] : QList<QPointF> {};
            m_overlaySeries[o * m_specs.size() + s]->replace(divided(points, axisFor(s) == m_right ? right.divisor : left.divisor));
        }
    }
    configureAxis(m_time, AxisScale::forMaximum(AxisScale::Quantity::Seconds, std::max(timeEnd, 1.0)), tr("time (s)"));
}

void TimeSeriesChart::applyPalette(const QPalette& palette) { ChartTheme::apply(chart(), palette); }

} // namespace ipcpg
