#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QLineSeries>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardItemModel>
#include <QTest>

#include "livechartsview.h"
#include "mainwindow.h"
#include "resultsmodel.h"
#include "runcontroller.h"
#include "runsetuppanel.h"
#include "testenvironment.h"

using namespace ipcpg;

class TestMainWindow : public QObject {
    Q_OBJECT

    test::PrivateRuntimeDir m_runtime;

private slots:
    void initTestCase() { qputenv("IPCPG_WORKER", test::workerPath().toLocal8Bit()); }

    void runFeedsTheChartsAndTheResults()
    {
        MainWindow window;
        new QAbstractItemModelTester(window.results(), QAbstractItemModelTester::FailureReportingMode::QtTest, &window);
        window.show();
        RunSpec spec;
        spec.mechanism = "pipe";
        spec.messageSize = 4096;
        spec.durationS = 1.0;
        window.setupPanel()->setSpec(spec);
        QCOMPARE(window.setupPanel()->spec().messageSize, std::uint64_t { 4096 });

        QSignalSpy finished(&window, &MainWindow::runFinished);
        QSignalSpy samples(window.controller(), &RunController::sampleReceived);
        QVERIFY(window.startRun());
        QVERIFY(window.controller()->isRunning());
        QCOMPARE(window.setupPanel()->startButton()->text(), QStringLiteral("&Stop"));
        // The chart moves while the run is live, not only at the end.
        QTRY_VERIFY_WITH_TIMEOUT(window.charts()->messagesSeries()->count() >= 3, 5000);
        QVERIFY(window.controller()->isRunning());
        // The first sample after warm-up may hold no completed round trip: latency lags a sample.
        QTRY_VERIFY_WITH_TIMEOUT(window.charts()->p50Series()->count() >= 3, 5000);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 10000);
        QVERIFY(samples.count() >= 5);

        const RunResult result = finished.at(0).at(0).value<RunResult>();
        QVERIFY(result.messages > 0);
        QCOMPARE(result.integrityErrors, std::uint64_t { 0 });
        QVERIFY(window.results()->rowCount() > 5);
        QCOMPARE(window.results()->result()->messages, result.messages);
        QVERIFY(!window.controller()->isRunning());
        QCOMPARE(window.setupPanel()->startButton()->text(), QStringLiteral("&Start"));
        // Every plotted throughput point is a real sample's rate.
        for (const QPointF& point : window.charts()->messagesSeries()->points())
            QVERIFY(point.y() > 0);
    }

    void stopEndsTheRunQuickly()
    {
        MainWindow window;
        RunSpec spec;
        spec.mechanism = "pipe";
        spec.durationS = 60;
        window.setupPanel()->setSpec(spec);
        QSignalSpy finished(&window, &MainWindow::runFinished);
        QSignalSpy samples(window.controller(), &RunController::sampleReceived);
        QVERIFY(window.startRun());
        QTRY_VERIFY_WITH_TIMEOUT(samples.count() >= 3, 5000);
        QElapsedTimer timer;
        timer.start();
        window.stopRun();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 3000);
        QVERIFY(timer.elapsed() < 1500);
        const RunResult result = finished.at(0).at(0).value<RunResult>();
        QVERIFY(result.partial);
        QVERIFY(result.messages > 0);
        QCOMPARE(m_runtime.leftoverRunDirectories(), QStringList {});
    }

    void refusedSizeDisablesStartWithTheReason()
    {
        MainWindow window;
        RunSetupPanel* panel = window.setupPanel();
        panel->sizeBox()->setEditText(QStringLiteral("lots"));
        QVERIFY(!panel->problem().isEmpty());
        QVERIFY(panel->problem().contains(QStringLiteral("lots")));
        QVERIFY(!panel->startButton()->isEnabled());
        QSignalSpy failed(window.controller(), &RunController::failed);
        QVERIFY(!window.startRun());
        panel->sizeBox()->setEditText(QStringLiteral("64K"));
        QVERIFY(panel->problem().isEmpty());
        QVERIFY(panel->startButton()->isEnabled());
        QCOMPARE(panel->spec().messageSize, std::uint64_t { 65536 });
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
