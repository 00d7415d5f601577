// Every model of the app under QAbstractItemModelTester, fed with real values.
#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTest>

#include "models/resultsmodel.h"
#include "models/savedrunsmodel.h"
#include "models/sweepresultsmodel.h"

using namespace ipcpg;

namespace {

RunResult result(const std::string& mechanism, std::uint64_t size, double p50, double rate)
{
    RunResult r;
    r.spec.mechanism = mechanism;
    r.spec.messageSize = size;
    r.messages = 1000;
    r.durationS = 1.0;
    r.msgsPerS = rate;
    r.bytesPerS = rate * static_cast<double>(size);
    for (int i = 0; i < 100; ++i)
        r.histogram.record(static_cast<std::uint64_t>(p50));
    r.latencyNs = LatencySummary::of(r.histogram);
    r.cpuUserS = 0.1;
    r.cpuSysS = 0.2;
    return r;
}

} // namespace

class TestModels : public QObject {
    Q_OBJECT

private slots:
    void resultsModel()
    {
        ResultsModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(model.rowCount(), 0);
        RunResult r = result("pipe", 4096, 5000, 200000);
        r.syncErrors = 3;
        model.setResult(r);
        QVERIFY(model.rowCount() >= 10);
        QCOMPARE(model.columnCount(), 2);
        bool sawP50 = false, sawSync = false;
        for (int row = 0; row < model.rowCount(); ++row) {
            const QString name = model.index(row, 0).data().toString();
            const QString value = model.index(row, 1).data().toString();
            if (name == QStringLiteral("Latency p50")) {
                QCOMPARE(value, QString::fromUtf8("5.00 µs"));
                sawP50 = true;
            }
            if (name == QStringLiteral("Sync errors")) {
                QCOMPARE(value, QStringLiteral("3"));
                QVERIFY(model.index(row, 1).data(Qt::ForegroundRole).isValid()); // flagged
                sawSync = true;
            }
            QVERIFY(!model.index(row, 0).data(Qt::ToolTipRole).toString().isEmpty());
        }
        QVERIFY(sawP50 && sawSync);
        model.clear();
        QCOMPARE(model.rowCount(), 0);
    }

    void sweepResultsSortByValue()
    {
        SweepResultsModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.append(result("pipe", 64, 5000, 200000));
        model.append(result("shm", 64, 300, 3000000));
        model.append(result("tcp", 64, 13000, 70000));
        QCOMPARE(model.rowCount(), 3);
        QSortFilterProxyModel sorted;
        QAbstractItemModelTester proxyTester(&sorted, QAbstractItemModelTester::FailureReportingMode::QtTest);
        sorted.setSourceModel(&model);
        sorted.setSortRole(SweepResultsModel::kSortRole);
        sorted.sort(SweepResultsModel::P50Column, Qt::AscendingOrder);
        QCOMPARE(sorted.index(0, SweepResultsModel::MechanismColumn).data().toString(), QStringLiteral("shm"));
        QCOMPARE(sorted.index(2, SweepResultsModel::MechanismColumn).data().toString(), QStringLiteral("tcp"));
        // "13.0 µs" sorts after "5.00 µs" by value, not by text.
        sorted.sort(SweepResultsModel::MessagesPerSecondColumn, Qt::DescendingOrder);
        QCOMPARE(sorted.index(0, SweepResultsModel::MechanismColumn).data().toString(), QStringLiteral("shm"));
        QCOMPARE(sorted.index(1, SweepResultsModel::MechanismColumn).data().toString(), QStringLiteral("pipe"));
        model.clear();
        QCOMPARE(sorted.rowCount(), 0);
    }

    void savedRunsAddRenameOverlayRemove()
    {
        SavedRunsModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy overlays(&model, &SavedRunsModel::overlaysChanged);
        RunSpec spec;
        spec.mechanism = "pipe";
        RunRecording recording(spec);
        recording.setResult(result("pipe", 64, 5000, 200000));
        model.add(recording, QStringLiteral("first"));
        model.add(recording, QStringLiteral("second"));
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.overlaid().size(), 2);
        QVERIFY(model.setData(model.index(0), Qt::Unchecked, Qt::CheckStateRole));
        QCOMPARE(model.overlaid().size(), 1);
        QVERIFY(model.setData(model.index(1), QStringLiteral("renamed"), Qt::EditRole));
        QCOMPARE(model.index(1).data().toString(), QStringLiteral("renamed"));
        QVERIFY(!model.setData(model.index(1), QStringLiteral("  "), Qt::EditRole));
        model.remove(0);
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(model.name(0), QStringLiteral("renamed"));
        QVERIFY(overlays.count() >= 4);
    }
};

QTEST_MAIN(TestModels)
#include "tst_models.moc"
