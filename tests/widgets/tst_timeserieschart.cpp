// TimeSeriesChart rescales its axes at every refresh. Each change of range or tick step makes Qt
// Charts lay out one label per tick at once, so no intermediate state may pair a wide range with
// a fine step: a value jumping from 1 to 2000 must not make the axis build 10 000 labels.
#include <QChart>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QTest>
#include <QValueAxis>
#include <algorithm>

#include "charts/charttheme.h"
#include "charts/timeserieschart.h"

using namespace ipcpg;

class TestTimeSeriesChart : public QObject {
    Q_OBJECT

private slots:
    void axisNeverHoldsMoreThanAFewTicks_data()
    {
        QTest::addColumn<double>("from");
        QTest::addColumn<double>("to");
        QTest::newRow("growing") << 1.0 << 2000.0;
        QTest::newRow("shrinking") << 2000.0 << 1.0;
    }

    void axisNeverHoldsMoreThanAFewTicks()
    {
        QFETCH(double, from);
        QFETCH(double, to);
        TimeSeriesChart chart(QStringLiteral("errors"), { AxisScale::Quantity::Plain, QStringLiteral("count") },
            std::nullopt, { { QStringLiteral("errors") } });
        auto* axis = qobject_cast<QValueAxis*>(chart.axis(TimeSeriesChart::AxisSide::Left));
        QVERIFY(axis);
        chart.setPoints(0, { { 0.0, from } });
        chart.refresh(1.0);

        double mostTicks = 0;
        const auto watch = [&] {
            if (axis->tickInterval() > 0)
                mostTicks = std::max(mostTicks, (axis->max() - axis->min()) / axis->tickInterval());
        };
        connect(axis, &QValueAxis::rangeChanged, this, watch);
        connect(axis, &QValueAxis::tickIntervalChanged, this, watch);
        // Only the new value is left, as when old samples scroll out of the window.
        chart.setPoints(0, { { 1.0, to } });
        chart.refresh(2.0);

        QVERIFY(axis->max() >= to && axis->max() < 2 * std::max(to, 1.0));
        QVERIFY2(mostTicks > 0, "the axis did not change");
        QVERIFY2(mostTicks <= 50, qPrintable(QStringLiteral("the axis held %1 ticks at once").arg(mostTicks)));
    }

    // A hidden series (the members' lines of a fan-out, during a pair run) leaves the legend and
    // no longer stretches the axis; shown again, it is back in both.
    void hiddenSeriesLeavesLegendAndAxis()
    {
        TimeSeriesChart chart(QStringLiteral("latency"), { AxisScale::Quantity::Plain, QStringLiteral("count") },
            std::nullopt, { { QStringLiteral("p50") }, { QStringLiteral("slowest p99"), {}, 8 } });
        auto* axis = qobject_cast<QValueAxis*>(chart.axis(TimeSeriesChart::AxisSide::Left));
        QVERIFY(axis);
        chart.setPoints(0, { { 0.0, 10.0 } });
        chart.setPoints(1, { { 0.0, 5000.0 } });
        chart.refresh(1.0);
        QVERIFY(axis->max() >= 5000);
        QCOMPARE(chart.series(1)->pen().color(), ChartTheme::seriesColor(8));

        chart.setSeriesVisible(1, false);
        chart.refresh(1.0);
        QVERIFY(!chart.isSeriesVisible(1));
        QVERIFY(!chart.series(1)->isVisible());
        QVERIFY2(axis->max() < 100, qPrintable(QString::number(axis->max())));
        const auto markerVisible = [&chart](int series) {
            const QList<QLegendMarker*> markers = chart.chart()->legend()->markers(chart.series(series));
            return !markers.isEmpty() && markers.front()->isVisible();
        };
        QVERIFY(markerVisible(0));
        QVERIFY(!markerVisible(1));

        chart.setSeriesVisible(1, true);
        chart.refresh(1.0);
        QVERIFY(markerVisible(1));
        QVERIFY(axis->max() >= 5000);
    }

    // The time axis of a live run ends on 1, 2, 5 x 10^k seconds: through a 100-second run it
    // takes seven values, and always holds the data.
    void timeAxisGrowsInFewSteps()
    {
        QList<double> ends;
        for (double t = 0.1; t <= 100.0; t += 0.1) {
            const AxisScale scale = AxisScale::forElapsedSeconds(t);
            QVERIFY2(scale.niceMax >= t, qPrintable(QString::number(t)));
            QVERIFY(scale.niceMax / scale.tickStep <= 10);
            if (ends.isEmpty() || ends.back() != scale.niceMax)
                ends.append(scale.niceMax);
        }
        QCOMPARE(ends, (QList<double> { 1, 2, 5, 10, 20, 50, 100 }));
    }
};

QTEST_MAIN(TestTimeSeriesChart)
#include "tst_timeserieschart.moc"
