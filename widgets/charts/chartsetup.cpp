#include "charts/chartsetup.h"

#include <QChart>
#include <QChartView>
#include <QLegend>
#include <QLogValueAxis>

namespace ipcpg {

QChart* createLiveChart(const QString& title)
{
    auto* chart = new QChart;
    chart->setTitle(title);
    chart->setAnimationOptions(QChart::NoAnimation);
    chart->legend()->setAlignment(Qt::AlignBottom);
    chart->setMargins(QMargins(2, 2, 2, 2));
    return chart;
}

QLogValueAxis* createLogAxis()
{
    auto* axis = new QLogValueAxis;
    axis->setBase(10);
    axis->setLabelFormat(QStringLiteral("%g"));
    axis->setMinorTickCount(8);
    axis->setMinorGridLineVisible(false);
    return axis;
}

void installChart(QChartView* view, QChart* chart)
{
    // QChartView starts with a chart of its own, which setChart() lets go of without deleting.
    QChart* initial = view->chart();
    view->setChart(chart);
    delete initial;
    view->setRenderHint(QPainter::Antialiasing);
    view->setMinimumSize(260, 180);
}

} // namespace ipcpg
