#include "chartstyle.h"

#include <QChart>
#include <QChartView>
#include <QValueAxis>
#include <QLegend>
#include <QLineSeries>
#include <QPen>
#include <cmath>

namespace ipcpg {

QChart* makeLiveChart(const QString& title)
{
    auto* chart = new QChart;
    chart->setTitle(title);
    chart->setAnimationOptions(QChart::NoAnimation);
    chart->legend()->setAlignment(Qt::AlignBottom);
    chart->setMargins(QMargins(4, 4, 4, 4));
    return chart;
}

QLineSeries* makeLineSeries(const QString& name, const QColor& color)
{
    auto* series = new QLineSeries;
    series->setName(name);
    QPen pen(color);
    pen.setWidthF(2.0);
    series->setPen(pen);
    return series;
}

QValueAxis* addValueAxis(QChart* chart, Qt::Alignment where, const QString& title,
    std::initializer_list<QLineSeries*> series)
{
    auto* axis = new QValueAxis;
    if (!title.isEmpty())
        axis->setTitleText(title);
    chart->addAxis(axis, where);
    for (QLineSeries* line : series)
        line->attachAxis(axis);
    return axis;
}

QChartView* makeChartView(QChart* chart)
{
    auto* view = new QChartView(chart);
    view->setRenderHint(QPainter::Antialiasing);
    view->setMinimumHeight(180);
    return view;
}

double niceCeiling(double value)
{
    if (value <= 0)
        return 1;
    const double magnitude = std::pow(10.0, std::floor(std::log10(value * 1.1)));
    for (double step : { 1.0, 2.0, 5.0, 10.0 }) {
        if (step * magnitude >= value * 1.1)
            return step * magnitude;
    }
    return 10 * magnitude;
}

} // namespace ipcpg
