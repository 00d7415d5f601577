#include <QAbstractItemModelTester>
#include <QChart>
#include <QComboBox>
#include <QHash>
#include <QLineSeries>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardItemModel>
#include <QStandardPaths>
#include <QTableView>
#include <QTest>
#include <csignal>

#include "charts/timeserieschart.h"
#include "controllers/runcontroller.h"
#include "ipcpg/mechanismregistry.h"
#include "models/membersmodel.h"
#include "models/resultsmodel.h"
#include "models/savedrunsmodel.h"
#include "testenvironment.h"
#include "views/livechartsview.h"
#include "views/mainwindow.h"
#include "views/runsetuppanel.h"

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
        spec.durationS = 3.0;
        window.setupPanel()->setSpec(spec);
        QCOMPARE(window.setupPanel()->spec().messageSize, std::uint64_t { 4096 });

        QSignalSpy finished(&window, &MainWindow::runFinished);
        QSignalSpy samples(window.controller(), &RunController::sampleReceived);
        // Record what the throughput chart showed at each redraw while the run was live: the
        // chart must move during the run, not only at its end (however slow this machine is).
        QList<int> pointsWhileRunning;
        connect(window.charts(), &LiveChartsView::refreshed, this, [&] {
            if (window.controller()->isRunning())
                pointsWhileRunning << static_cast<int>(window.charts()->messagesSeries()->count());
        });
        QVERIFY(window.startRun());
        QVERIFY(window.controller()->isRunning());
        QCOMPARE(window.setupPanel()->startButton()->text(), QStringLiteral("&Stop"));
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 60000); // a 3 s run: a bound for a hang
        // A pair run looks as it did before fan-out existed: no member lines, no members table.
        QVERIFY(!window.charts()->membersView()->isVisible());
        QCOMPARE(window.charts()->membersModel()->rowCount(), 0);
        QVERIFY(!window.charts()->slowestP99Series()->isVisible());
        QVERIFY(!window.charts()->fastestP99Series()->isVisible());
        std::sort(pointsWhileRunning.begin(), pointsWhileRunning.end());
        pointsWhileRunning.erase(
            std::unique(pointsWhileRunning.begin(), pointsWhileRunning.end()), pointsWhileRunning.end());
        QVERIFY2(pointsWhileRunning.size() >= 2 && pointsWhileRunning.back() >= 2,
            "the live chart did not grow while the run was going");
        QVERIFY(samples.count() >= 5);

        const RunResult result = finished.at(0).at(0).value<RunResult>();
        QVERIFY(result.messages > 0);
        QCOMPARE(result.integrityErrors, std::uint64_t { 0 });
        QVERIFY(window.results()->rowCount() > 5);
        QCOMPARE(window.results()->result()->messages, result.messages);
        QVERIFY(!window.controller()->isRunning());
        QCOMPARE(window.setupPanel()->startButton()->text(), QStringLiteral("&Start"));
        // Every plotted throughput point is a real sample's rate (in the axis unit), at its time.
        QHash<qint64, double> rateAt;
        for (const QList<QVariant>& arguments : samples) {
            const auto sample = arguments.at(0).value<SampleMessage>();
            const double measured = std::min(sample.intervalS, sample.elapsedS);
            if (measured >= 0.01)
                rateAt.insert(qRound64(sample.elapsedS * 1000), static_cast<double>(sample.messages) / measured);
        }
        const QString unit = window.charts()->throughputChart()->unit(TimeSeriesChart::AxisSide::Left);
        const double divisor = unit == QStringLiteral("M/s") ? 1e6 : unit == QStringLiteral("k/s") ? 1e3 : 1.0;
        const QList<QPointF> points = window.charts()->messagesSeries()->points();
        QVERIFY(points.size() >= 5);
        for (const QPointF& point : points) {
            const auto key = qRound64(point.x() * 1000);
            QVERIFY2(rateAt.contains(key), qPrintable(QStringLiteral("no sample at t=%1").arg(point.x())));
            QVERIFY(qAbs(point.y() * divisor - rateAt.value(key)) <= 1e-6 * rateAt.value(key) + 1e-9);
        }
    }

    // A real fan-out through the window's controller: the members table fills while the run goes
    // and ends with the run's own members, the slowest highlighted; the latency chart draws the
    // slowest and the fastest member.
    void fanOutRunFillsTheMembersTable()
    {
        constexpr unsigned kSubscribers = 4;
        MainWindow window;
        MembersModel* members = window.charts()->membersModel();
        new QAbstractItemModelTester(members, QAbstractItemModelTester::FailureReportingMode::QtTest, &window);
        window.show();
        RunSpec spec;
        spec.mechanism = "pipe";
        spec.mode = Mode::Stream;
        spec.topology = Topology::FanOut;
        spec.subscribers = kSubscribers;
        spec.durationS = 1.0;
        window.setupPanel()->setSpec(spec);
        QVERIFY2(window.setupPanel()->problem().isEmpty(), qPrintable(window.setupPanel()->problem()));

        QSignalSpy finished(&window, &MainWindow::runFinished);
        // What the table showed at the redraws while the run was live.
        bool liveRowsWithMessages = false;
        connect(window.charts(), &LiveChartsView::refreshed, this, [&] {
            if (!window.controller()->isRunning() || members->rowCount() != static_cast<int>(kSubscribers))
                return;
            bool all = true;
            for (int row = 0; row < members->rowCount(); ++row)
                all = all
                    && members->index(row, MembersModel::MessagesColumn).data(MembersModel::kSortRole).toULongLong()
                        > 0;
            liveRowsWithMessages = liveRowsWithMessages || all;
        });
        QVERIFY(window.startRun());
        QVERIFY(window.charts()->membersView()->isVisible());
        QVERIFY(window.charts()->slowestP99Series()->isVisible());
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 60000); // a 1 s run: a bound for a hang
        QVERIFY2(liveRowsWithMessages, "the members table did not fill while the run was going");

        const RunResult result = finished.at(0).at(0).value<RunResult>();
        QVERIFY2(!result.partial, result.error.c_str());
        QCOMPARE(result.members.size(), std::size_t { kSubscribers });
        QCOMPARE(members->rowCount(), static_cast<int>(kSubscribers));
        for (int row = 0; row < members->rowCount(); ++row) {
            const auto messages
                = members->index(row, MembersModel::MessagesColumn).data(MembersModel::kSortRole).toULongLong();
            QVERIFY(messages > 0);
            QCOMPARE(messages, result.members[static_cast<std::size_t>(row)].messages);
            QCOMPARE(members->index(row, MembersModel::MemberColumn).data().toInt(), row);
        }
        const int slowest = static_cast<int>(result.slowestMember() - result.members.data());
        QCOMPARE(members->slowestRow(), slowest);
        QVERIFY(members->index(slowest, MembersModel::P99Column).data(MembersModel::kSlowestRole).toBool());
        QVERIFY(window.charts()->slowestP99Series()->count() > 0);
        QVERIFY(window.charts()->fastestP99Series()->count() > 0);
        // The results panel names the slowest member too.
        bool namesSlowest = false;
        for (int row = 0; row < window.results()->rowCount(); ++row)
            namesSlowest = namesSlowest
                || (window.results()->index(row, 0).data().toString() == QStringLiteral("Slowest member")
                    && window.results()->index(row, 1).data().toString().startsWith(
                        QStringLiteral("subscriber %1:").arg(slowest)));
        QVERIFY(namesSlowest);
        QCOMPARE(m_runtime.leftoverRunDirectories(), QStringList {});
    }

    void stopEndsTheRunQuickly()
    {
        MainWindow window;
        RunSpec spec;
        spec.mechanism = "pipe";
        spec.durationS = test::kLongRunS;
        window.setupPanel()->setSpec(spec);
        QSignalSpy finished(&window, &MainWindow::runFinished);
        QSignalSpy samples(window.controller(), &RunController::sampleReceived);
        QList<int> workerPids;
        connect(window.controller(), &RunController::started, this, [&](const HelloMessage& hello) {
            workerPids << hello.pid;
            for (int pid : hello.workerPids)
                workerPids << pid;
        });
        QVERIFY(window.startRun());
        QTRY_VERIFY_WITH_TIMEOUT(samples.count() >= 3, 60000);
        QElapsedTimer timer;
        timer.start();
        window.stopRun();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, test::kEndedEarlyMs);
        qInfo("the run ended %lld ms after Stop", timer.elapsed());
        const RunResult result = finished.at(0).at(0).value<RunResult>();
        QVERIFY(result.partial);
        QVERIFY(result.messages > 0);
        QCOMPARE(m_runtime.leftoverRunDirectories(), QStringList {});
        // No worker process survives a stop: the lead and both sides are gone.
        QVERIFY(!workerPids.isEmpty());
        // The lead has ended and reaped its sides: they go at once; 5 s is a bound for a hang.
        for (int pid : workerPids)
            QTRY_VERIFY_WITH_TIMEOUT(::kill(pid, 0) != 0 && errno == ESRCH, 5000);
    }

    void keptRunIsOverlaidAndSettingsPersist()
    {
        QStandardPaths::setTestModeEnabled(true);
        {
            MainWindow window;
            RunSpec spec;
            spec.mechanism = "pipe";
            spec.messageSize = 1024;
            spec.messages = 3000;
            window.setupPanel()->setSpec(spec);
            QSignalSpy finished(&window, &MainWindow::runFinished);
            QVERIFY(window.startRun());
            QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 60000); // 3000 messages: a bound for a hang
            QVERIFY(window.keepLastRun(QStringLiteral("baseline")));
            QCOMPARE(window.savedRuns()->rowCount(), 1);
            const int series = static_cast<int>(window.charts()->throughputChart()->chart()->series().size());
            QCOMPARE(series, 2 + 2); // the live series and the overlay's
            window.close(); // saves the set-up
        }
        MainWindow restored;
        restored.restoreSettings();
        QCOMPARE(restored.setupPanel()->spec().messageSize, std::uint64_t { 1024 });
        QCOMPARE(restored.setupPanel()->spec().messages, std::uint64_t { 3000 });
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

        // A mechanism with a size ceiling greys out the presets above it, saying why.
        if (MechanismRegistry::instance().find("posix-mq")) {
            RunSpec spec;
            spec.mechanism = "posix-mq";
            spec.messageSize = 64;
            panel->setSpec(spec);
            auto* model = qobject_cast<QStandardItemModel*>(panel->sizeBox()->model());
            QVERIFY(model);
            for (int i = 0; i < panel->sizeBox()->count(); ++i) {
                const auto size = panel->sizeBox()->itemData(i).toULongLong();
                const bool allowed = size >= 1 && size <= 8160;
                QCOMPARE(model->item(i)->isEnabled(), allowed);
                if (!allowed)
                    QVERIFY(model->item(i)->toolTip().contains(QStringLiteral("posix-mq")));
            }
            // Switching to a mechanism that cannot take the size moves to one it can take.
            panel->sizeBox()->setCurrentIndex(panel->sizeBox()->findData(QVariant::fromValue<qulonglong>(4096)));
            spec.mechanism = "pipe";
            spec.messageSize = 1 << 20;
            panel->setSpec(spec);
            QCOMPARE(panel->spec().messageSize, std::uint64_t { 1 << 20 });
            panel->mechanismBox()->setCurrentIndex(panel->mechanismBox()->findData(QStringLiteral("posix-mq")));
            QVERIFY(panel->spec().messageSize <= 8160);
            QVERIFY(panel->problem().isEmpty());
        }
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
