// The compare view runs a real sweep: progress reaches 100% and the table has a row per pair.
#include <QAbstractItemModelTester>
#include <QChartView>
#include <QProgressBar>
#include <QSignalSpy>
#include <QTest>

#include "controllers/runcontroller.h"
#include "controllers/sweepcontroller.h"
#include "ipcpg/mechanismregistry.h"
#include "models/sweepresultsmodel.h"
#include "testenvironment.h"
#include "views/compareview.h"

using namespace ipcpg;

class TestCompare : public QObject {
    Q_OBJECT

    test::PrivateRuntimeDir m_runtime;

private slots:
    void initTestCase() { qputenv("IPCPG_WORKER", test::workerPath().toLocal8Bit()); }

    void sweepFillsTableAndChart()
    {
        CompareView view;
        view.resize(1200, 800);
        view.show();
        QAbstractItemModelTester tester(view.resultsModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        // Two mechanisms when the build has them, so the bars are grouped.
        QStringList mechanisms { QStringLiteral("pipe") };
        if (MechanismRegistry::instance().find("unix-stream"))
            mechanisms << QStringLiteral("unix-stream");
        view.setMechanisms(mechanisms);
        view.setSizes(QStringLiteral("64, 4K, lots"));
        view.setDuration(0.2);
        QStringList skipped;
        const QList<RunSpec> plan = view.plan(&skipped);
        QCOMPARE(plan.size(), mechanisms.size() * 2);
        QCOMPARE(skipped.size(), 1);
        QVERIFY(skipped.front().contains(QStringLiteral("lots")));

        QSignalSpy finished(&view, &CompareView::sweepFinished);
        QSignalSpy results(view.sweep(), &SweepController::resultReady);
        view.startSweep();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 60000);
        QCOMPARE(finished.at(0).at(0).toBool(), false);
        QCOMPARE(results.count(), plan.size());
        QCOMPARE(view.resultsModel()->rowCount(), static_cast<int>(plan.size()));
        QCOMPARE(view.progressBar()->value(), view.progressBar()->maximum());
        QCOMPARE(view.progressBar()->maximum(), static_cast<int>(plan.size()));
        for (const RunResult& result : view.resultsModel()->results()) {
            QVERIFY(result.messages > 0);
            QCOMPARE(result.integrityErrors, std::uint64_t { 0 });
        }
        auto* chart = qobject_cast<QChartView*>(view.chartWidget());
        QVERIFY(chart);
        QCOMPARE(chart->chart()->series().size(), 1); // one grouped bar series
    }

    // Absurd lists are cut with the reason, not planned: 64 sizes at most, like ipcpg sweep.
    void sizeListIsBounded()
    {
        CompareView view;
        view.setMechanisms({ QString::fromStdString(MechanismRegistry::instance().all().front()->info().id) });
        QStringList many;
        for (int i = 1; i <= 1000; ++i)
            many << QString::number(i);
        view.setSizes(many.join(QLatin1Char(',')) + QStringLiteral(",1T,-1"));
        QStringList skipped;
        const QList<RunSpec> plan = view.plan(&skipped);
        QVERIFY(plan.size() <= 64);
        QVERIFY(!skipped.isEmpty());
        QVERIFY2(
            skipped.back().contains(QStringLiteral("\"65\"")) && skipped.back().contains(QStringLiteral("at most 64")),
            qPrintable(skipped.join(QStringLiteral("; "))));
    }

    void cancelStopsTheSweep()
    {
        CompareView view;
        view.setMechanisms({ QStringLiteral("pipe") });
        view.setSizes(QStringLiteral("64, 128, 256, 512, 1K, 2K"));
        // Each size would run for a minute: a sweep that ends within a third of one was cancelled
        // mid-run, on any machine.
        view.setDuration(test::kLongRunS);
        QSignalSpy finished(&view, &CompareView::sweepFinished);
        QSignalSpy progress(view.sweep(), &SweepController::progress);
        QSignalSpy samples(view.sweep()->runController(), &RunController::sampleReceived);
        view.startSweep();
        QTRY_VERIFY_WITH_TIMEOUT(samples.count() >= 1, 60000); // the first size is being measured
        QElapsedTimer timer;
        timer.start();
        view.cancelSweep();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, test::kEndedEarlyMs);
        qInfo("the sweep ended %lld ms after Cancel", timer.elapsed());
        QCOMPARE(finished.at(0).at(0).toBool(), true);
        QVERIFY(view.resultsModel()->rowCount() <= 1);
        QCOMPARE(m_runtime.leftoverRunDirectories(), QStringList {});
    }
};

QTEST_MAIN(TestCompare)
#include "tst_compare.moc"
