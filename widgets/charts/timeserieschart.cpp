#include "charts/timeserieschart.h"

#include <QLineSeries>
#include <QLogValueAxis>
#include <QPen>
#include <QValueAxis>
#include <algorithm>
#include <cmath>

#include "charts/chartsetup.h"
#include "charts/charttheme.h"

namespace ipcpg {

namespace {

double maximumOf(const QList<QPointF>& points)
{
    double max = 0;
    for (const QPointF& p : points)
        max = std::max(max, p.y());
    return max;
}

double smallestPositiveOf(const QList<QPointF>& points, double smallest)
{
    for (const QPointF& p : points) {
        if (p.y() > 0 && (smallest <= 0 || p.y() < smallest))
            smallest = p.y();
    }
    return smallest;
}

QList<QPointF> divided(const QList<QPointF>& points, double divisor, bool positiveOnly)
{
    QList<QPointF> result;
    result.reserve(points.size());
    for (const QPointF& p : points) {
        if (!positiveOnly || p.y() > 0)
            result.append({ p.x(), p.y() / divisor });
    }
    return result;
}

QAbstractAxis* makeAxis(bool logarithmic)
{
    if (!logarithmic)
        return new QValueAxis;
    return createLogAxis();
}

// A logarithmic axis spans whole decades around the values, in the scale's unit.
void configureLogAxis(
    QLogValueAxis* axis, const AxisScale& scale, double smallest, double largest, const QString& titleTemplate)
{
    const double low = smallest > 0 ? std::pow(10.0, std::floor(std::log10(smallest / scale.divisor))) : 1.0;
    const double high = largest > 0 ? std::pow(10.0, std::ceil(std::log10(largest / scale.divisor * 1.05))) : 10.0;
    const double top = std::max(high, low * 10);
    if (axis->min() != low || axis->max() != top)
        axis->setRange(low, top);
    const QString title = axisTitle(titleTemplate, scale.unit);
    if (axis->titleText() != title)
        axis->setTitleText(title);
}

// Reconfigures an axis only when its scale changed (see applyScale).
void configureAxis(QValueAxis* axis, const AxisScale& scale, const QString& titleTemplate)
{
    applyScale(axis, scale);
    const QString format = scale.tickStep >= 1
        ? QStringLiteral("%.0f")
        : (scale.tickStep >= 0.1 ? QStringLiteral("%.1f") : QStringLiteral("%.2f"));
    if (axis->labelFormat() != format)
        axis->setLabelFormat(format);
    const QString title = axisTitle(titleTemplate, scale.unit);
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
    QChart* chart = createLiveChart(title);
    buildAxes(chart);
    buildSeries(chart);
    installChart(this, chart);
    applyPalette(palette());
    refresh(1.0);
}

void TimeSeriesChart::buildAxes(QChart* chart)
{
    m_time = new QValueAxis;
    m_time->setTitleText(tr("time (s)"));
    m_time->setLabelFormat(QStringLiteral("%.0f"));
    // Horizontal grid lines only. The raster engine fills a line that crosses more than about a
    // hundred scanlines in parallel, handing it to its thread pool: every vertical grid line
    // then cost a round of thread wake-ups on each refresh of a live run.
    m_time->setGridLineVisible(false);
    chart->addAxis(m_time, Qt::AlignBottom);
    m_left = makeAxis(m_leftSpec.logarithmic);
    chart->addAxis(m_left, Qt::AlignLeft);
    if (m_rightSpec) {
        m_right = makeAxis(m_rightSpec->logarithmic);
        chart->addAxis(m_right, Qt::AlignRight);
    }
}

void TimeSeriesChart::buildSeries(QChart* chart)
{
    for (int i = 0; i < m_specs.size(); ++i) {
        auto* line = new QLineSeries;
        line->setName(m_specs[i].name);
        QPen pen(colorFor(i));
        pen.setWidthF(2.0);
        line->setPen(pen);
        chart->addSeries(line);
        line->attachAxis(m_time);
        line->attachAxis(axisFor(i));
        m_series.append(line);
        m_visible.append(true);
        m_points.append(QList<QPointF> {});
    }
}

QColor TimeSeriesChart::colorFor(int series) const
{
    const int color = m_specs.at(series).color;
    return ChartTheme::seriesColor(color >= 0 ? color : series);
}

void TimeSeriesChart::setSeriesVisible(int series, bool visible)
{
    if (m_visible.at(series) == visible)
        return;
    m_visible[series] = visible;
    // Qt Charts hides a hidden series' legend marker with it.
    m_series.at(series)->setVisible(visible);
    for (int o = 0; o < m_overlays.size(); ++o)
        m_overlaySeries.at(o * m_specs.size() + series)->setVisible(visible);
}

bool TimeSeriesChart::isSeriesVisible(int series) const { return m_visible.at(series); }

QAbstractAxis* TimeSeriesChart::axisFor(int series) const
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
            QColor color = colorFor(s);
            color.setAlpha(150);
            QPen pen(color);
            pen.setWidthF(1.5);
            pen.setStyle(o % 2 == 0 ? Qt::DashLine : Qt::DotLine);
            line->setPen(pen);
            chart()->addSeries(line);
            line->attachAxis(m_time);
            line->attachAxis(axisFor(s));
            line->setVisible(m_visible.at(s));
            m_overlaySeries.append(line);
        }
    }
}

void TimeSeriesChart::refresh(double timeEnd)
{
    double leftMax = 0, rightMax = 0, leftMin = 0, rightMin = 0;
    const auto account = [&](int series, const QList<QPointF>& points) {
        if (!m_visible.at(series))
            return;
        const double max = maximumOf(points);
        if (axisFor(series) == m_right) {
            rightMax = std::max(rightMax, max);
            rightMin = smallestPositiveOf(points, rightMin);
        } else {
            leftMax = std::max(leftMax, max);
            leftMin = smallestPositiveOf(points, leftMin);
        }
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
    const auto configure = [](QAbstractAxis* axis, const AxisSpec& spec, double min, double max) {
        AxisScale scale = AxisScale::forMaximum(spec.quantity, max);
        if (spec.logarithmic)
            configureLogAxis(static_cast<QLogValueAxis*>(axis), scale, min, max, spec.title);
        else
            configureAxis(static_cast<QValueAxis*>(axis), scale, spec.title);
        return scale;
    };
    const AxisScale left = configure(m_left, m_leftSpec, leftMin, leftMax);
    m_leftUnit = left.unit;
    AxisScale right;
    if (m_right) {
        right = configure(m_right, *m_rightSpec, rightMin, rightMax);
        m_rightUnit = right.unit;
    }
    const auto scaledFor = [&](int series, const QList<QPointF>& points) {
        const bool onRight = axisFor(series) == m_right;
        const bool logarithmic = onRight ? m_rightSpec->logarithmic : m_leftSpec.logarithmic;
        return divided(points, onRight ? right.divisor : left.divisor, logarithmic);
    };
    for (int s = 0; s < m_series.size(); ++s)
        m_series[s]->replace(scaledFor(s, m_points[s]));
    for (int o = 0; o < m_overlays.size(); ++o) {
        for (int s = 0; s < m_specs.size(); ++s) {
            const QList<QPointF> points = s < m_overlays[o].series.size() ? m_overlays[o].series[s] : QList<QPointF> {};
            m_overlaySeries[o * m_specs.size() + s]->replace(scaledFor(s, points));
        }
    }
    configureAxis(m_time, AxisScale::forElapsedSeconds(timeEnd), tr("time (s)"));
}

void TimeSeriesChart::applyPalette(const QPalette& palette) { ChartTheme::apply(chart(), palette); }

} // namespace ipcpg
