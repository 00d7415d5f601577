#include <QTest>
#include <cmath>

#include "charts/liveseries.h"

using ipcpg::LiveSeries;

class TestLiveSeries : public QObject {
    Q_OBJECT

private slots:
    void keepsEveryPointWhileSmall()
    {
        LiveSeries series(100);
        for (int i = 0; i < 50; ++i)
            series.append(i, i * 2.0);
        const auto points = series.points();
        QCOMPARE(points.size(), 50);
        QCOMPARE(points.front(), QPointF(0, 0));
        QCOMPARE(points.back(), QPointF(49, 98));
    }

    void memoryStaysBoundedAndPeaksSurvive()
    {
        LiveSeries series(500);
        // An hour of samples at 10 Hz with one spike and one dip.
        const int samples = 36000;
        for (int i = 0; i < samples; ++i) {
            double y = 100.0 + std::sin(i / 50.0);
            if (i == 4242)
                y = 1e6;
            if (i == 30001)
                y = -5;
            series.append(i / 10.0, y);
        }
        QVERIFY(series.bucketCount() < 1000);
        const auto points = series.points();
        QVERIFY(points.size() <= 2000);
        bool spike = false, dip = false;
        for (int i = 0; i < points.size(); ++i) {
            spike |= points[i].y() == 1e6 && qFuzzyCompare(points[i].x(), 424.2);
            dip |= points[i].y() == -5;
            if (i > 0)
                QVERIFY(points[i].x() >= points[i - 1].x());
        }
        QVERIFY(spike);
        QVERIFY(dip);
        QCOMPARE(series.maxY(), 1e6);
        QCOMPARE(series.minY(), -5.0);
    }

    void clearStartsOver()
    {
        LiveSeries series(10);
        for (int i = 0; i < 100; ++i)
            series.append(i, i);
        series.clear();
        QVERIFY(series.isEmpty());
        QCOMPARE(series.pointsPerBucket(), 1);
        series.append(1, 1);
        QCOMPARE(series.points().size(), 1);
    }
};

QTEST_APPLESS_MAIN(TestLiveSeries)
#include "tst_liveseries.moc"
