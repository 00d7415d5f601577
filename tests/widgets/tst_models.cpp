// Every model of the app under QAbstractItemModelTester, fed with real values.
#include <QAbstractItemModelTester>
#include <QLocale>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTest>

#include "models/membersmodel.h"
#include "models/resultsmodel.h"
#include "models/runrecording.h"
#include "models/savedrunsmodel.h"
#include "models/sweepresultsmodel.h"
#include "support/qtconversions.h"

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

// A member's running totals as the worker reports them: `messages` latencies around `ns`.
MemberSample member(int index, std::uint64_t messages, std::uint64_t ns, std::uint64_t lost = 0)
{
    LatencyHistogram histogram;
    for (std::uint64_t i = 0; i < messages; ++i)
        histogram.record(ns + i % 7 * ns / 10); // a spread, so p50 and p99 differ
    MemberSample sample;
    sample.index = index;
    sample.messages = messages;
    sample.lost = lost;
    sample.latencyNs = LatencySummary::of(histogram);
    return sample;
}

// A live sample of a fan-out after warm-up, at `t` seconds, with these members.
SampleMessage fanOutSample(double t, std::vector<MemberSample> members)
{
    SampleMessage sample;
    sample.elapsedS = t;
    sample.intervalS = 0.1;
    for (const MemberSample& m : members) {
        sample.messages += m.messages;
        sample.totalMessages += m.messages;
    }
    sample.latencyNs = members.front().latencyNs;
    sample.members = std::move(members);
    return sample;
}

qulonglong sortValue(const QAbstractItemModel& model, int row, int column)
{
    return model.index(row, column).data(MembersModel::kSortRole).toULongLong();
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

    // A fan-out's row: its topology, the slowest member's percentiles, whether it kept up with its
    // offered rate, and the publisher's CPU per message published (its CPU over its sends / N).
    void sweepResultsShowFanOutsAndRates()
    {
        RunResult fanOut = result("pipe", 64, 4000, 100000);
        fanOut.spec.topology = Topology::FanOut;
        fanOut.spec.subscribers = 4;
        fanOut.spec.rate = 1000;
        fanOut.rate = RateReport { 1000, 900, 0, 0 }; // 10% short: not kept up
        fanOut.members.resize(4);
        for (int i = 0; i < 4; ++i) {
            fanOut.members[static_cast<std::size_t>(i)].index = i;
            fanOut.members[static_cast<std::size_t>(i)].latencyNs.count = 10;
            fanOut.members[static_cast<std::size_t>(i)].latencyNs.p50 = 1000.0 * (i + 1);
            fanOut.members[static_cast<std::size_t>(i)].latencyNs.p99 = 2000.0 * (i + 1);
        }
        SideReport publisher;
        publisher.name = "publisher";
        publisher.userS = 0.002;
        publisher.sysS = 0.002;
        publisher.messagesSent = 4000; // 1000 messages, each written to 4 pipes
        fanOut.sides = { publisher };
        SweepResultsModel model;
        model.append(fanOut);
        model.append(result("tcp", 64, 13000, 70000));
        const auto cell = [&model](int row, int column) { return model.index(row, column).data().toString(); };
        QCOMPARE(cell(0, SweepResultsModel::TopologyColumn), QStringLiteral("fanout 4"));
        QCOMPARE(cell(1, SweepResultsModel::TopologyColumn), QStringLiteral("pair"));
        QCOMPARE(model.index(0, SweepResultsModel::P50Column).data(SweepResultsModel::kSortRole).toDouble(), 4000.0);
        QCOMPARE(model.index(0, SweepResultsModel::P99Column).data(SweepResultsModel::kSortRole).toDouble(), 8000.0);
        QCOMPARE(cell(0, SweepResultsModel::KeptUpColumn), QStringLiteral("no"));
        QCOMPARE(cell(1, SweepResultsModel::KeptUpColumn), QStringLiteral("–"));
        QCOMPARE(model.index(0, SweepResultsModel::HubCpuColumn).data(SweepResultsModel::kSortRole).toDouble(), 4000.0);
        QCOMPARE(cell(1, SweepResultsModel::HubCpuColumn), QStringLiteral("–"));
        QCOMPARE(cell(1, SweepResultsModel::OfferedRateColumn), QStringLiteral("as fast as possible"));
    }

    // Live samples: one row per member in index order, the slowest (highest p99) highlighted,
    // values changing in place as the totals grow.
    void membersModelFollowsLiveSamples()
    {
        MembersModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(model.rowCount(), 0);
        QCOMPARE(model.slowestRow(), -1);

        SampleMessage first = fanOutSample(0.2, { member(0, 100, 10'000), member(1, 100, 50'000), member(2, 0, 0) });
        model.setSamples(Topology::FanOut, first.members);
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.columnCount(), static_cast<int>(MembersModel::ColumnCount));
        QCOMPARE(model.headerData(MembersModel::MemberColumn, Qt::Horizontal).toString(), QStringLiteral("Subscriber"));
        for (int row = 0; row < 3; ++row)
            QCOMPARE(model.index(row, MembersModel::MemberColumn).data().toInt(), row);
        QCOMPARE(model.slowestRow(), 1);
        QCOMPARE(model.fastestRow(), 0); // member 2 has measured nothing: it is not ranked
        QVERIFY(model.index(1, MembersModel::P99Column).data(MembersModel::kSlowestRole).toBool());
        QVERIFY(!model.index(0, MembersModel::P99Column).data(MembersModel::kSlowestRole).toBool());
        QVERIFY(model.index(1, MembersModel::MessagesColumn).data(Qt::BackgroundRole).isValid());
        QVERIFY(!model.index(0, MembersModel::MessagesColumn).data(Qt::BackgroundRole).isValid());
        QVERIFY(model.index(1, MembersModel::MemberColumn)
                    .data(Qt::ToolTipRole)
                    .toString()
                    .contains(QStringLiteral("slowest subscriber")));
        QCOMPARE(model.index(1, MembersModel::P99Column).data().toString(),
            formatNanosecondsQ(first.members[1].latencyNs.p99));
        QCOMPARE(model.index(0, MembersModel::P50Column).data().toString(),
            formatNanosecondsQ(first.members[0].latencyNs.p50));
        QCOMPARE(model.index(2, MembersModel::P50Column).data().toString(), QStringLiteral("–"));
        QCOMPARE(model.index(0, MembersModel::MessagesColumn).data().toString(), QLocale().toString(100));

        // The next sample: member 0 fell behind and member 2 caught up. Same members, so the rows
        // change in place (a live table keeps its scroll position and selection).
        QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
        QSignalSpy changes(&model, &QAbstractItemModel::dataChanged);
        SampleMessage second
            = fanOutSample(0.3, { member(0, 2500, 400'000, 3), member(1, 2000, 50'000), member(2, 1900, 20'000) });
        model.setSamples(Topology::FanOut, second.members);
        QCOMPARE(resets.count(), 0);
        QCOMPARE(changes.count(), 1);
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.slowestRow(), 0);
        QCOMPARE(model.fastestRow(), 2);
        QVERIFY(model.index(0, MembersModel::LostColumn).data(MembersModel::kSlowestRole).toBool());
        QVERIFY(!model.index(1, MembersModel::LostColumn).data(MembersModel::kSlowestRole).toBool());
        QCOMPARE(sortValue(model, 0, MembersModel::MessagesColumn), 2500ULL);
        QCOMPARE(sortValue(model, 0, MembersModel::LostColumn), 3ULL);
        QCOMPARE(model.index(0, MembersModel::P99Column).data().toString(),
            formatNanosecondsQ(second.members[0].latencyNs.p99));

        // Sorted by p99 (by value, not by its text), the slowest comes first.
        QSortFilterProxyModel sorted;
        sorted.setSourceModel(&model);
        sorted.setSortRole(MembersModel::kSortRole);
        sorted.sort(MembersModel::P99Column, Qt::DescendingOrder);
        QCOMPARE(sorted.index(0, MembersModel::MemberColumn).data().toInt(), 0);
        QVERIFY(sorted.index(0, MembersModel::MemberColumn).data(MembersModel::kSlowestRole).toBool());
        QCOMPARE(sorted.index(2, MembersModel::MemberColumn).data().toInt(), 2);

        // Other members (a new run) reset the model.
        model.setSamples(Topology::FanIn, { member(0, 10, 1000), member(1, 10, 2000) });
        QCOMPARE(resets.count(), 1);
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.headerData(MembersModel::MemberColumn, Qt::Horizontal).toString(), QStringLiteral("Publisher"));
        model.clear();
        QCOMPARE(model.rowCount(), 0);
        QCOMPARE(model.slowestRow(), -1);
    }

    // At the end the run's own members, and its own verdict on which is slowest.
    void membersModelShowsTheResult()
    {
        MembersModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        RunResult r = result("pipe", 64, 5000, 200000);
        r.spec.topology = Topology::FanOut;
        r.spec.subscribers = 4;
        for (int i = 0; i < 4; ++i) {
            MemberReport m;
            m.role = "subscriber";
            m.index = i;
            m.messages = 1000 + static_cast<std::uint64_t>(i);
            for (int k = 0; k < 100; ++k)
                m.histogram.record(static_cast<std::uint64_t>(i == 2 ? 90'000 : 10'000 + 1000 * i + k));
            m.latencyNs = LatencySummary::of(m.histogram);
            r.members.push_back(m);
        }
        model.setResult(r);
        QCOMPARE(model.rowCount(), 4);
        QCOMPARE(model.slowestRow(), static_cast<int>(r.slowestMember() - r.members.data()));
        QCOMPARE(model.slowestRow(), 2);
        QCOMPARE(model.fastestRow(), 0);
        for (int row = 0; row < 4; ++row)
            QCOMPARE(sortValue(model, row, MembersModel::MessagesColumn), 1000ULL + static_cast<qulonglong>(row));
    }

    // The recording keeps the slowest and the fastest member's percentiles over time.
    void recordingTracksSlowestAndFastestMember()
    {
        RunSpec spec;
        spec.mechanism = "pipe";
        spec.topology = Topology::FanOut;
        spec.subscribers = 3;
        RunRecording recording(spec);
        const SampleMessage first
            = fanOutSample(0.1, { member(0, 100, 10'000), member(1, 100, 50'000), member(2, 100, 30'000) });
        const SampleMessage second
            = fanOutSample(0.2, { member(0, 200, 80'000), member(1, 200, 50'000), member(2, 200, 5'000) });
        recording.addSample(first);
        recording.addSample(second);
        const QList<QPointF> slowestP99 = recording.points(RunRecording::SlowestMemberP99);
        const QList<QPointF> fastestP50 = recording.points(RunRecording::FastestMemberP50);
        QCOMPARE(slowestP99.size(), 2);
        QCOMPARE(slowestP99[0], QPointF(0.1, first.members[1].latencyNs.p99));
        QCOMPARE(slowestP99[1], QPointF(0.2, second.members[0].latencyNs.p99));
        QCOMPARE(fastestP50[0], QPointF(0.1, first.members[0].latencyNs.p50));
        QCOMPARE(fastestP50[1], QPointF(0.2, second.members[2].latencyNs.p50));
        QCOMPARE(recording.points(RunRecording::SlowestMemberP50)[1].y(), second.members[0].latencyNs.p50);
        QCOMPARE(recording.points(RunRecording::FastestMemberP99)[1].y(), second.members[2].latencyNs.p99);
        QCOMPARE(recording.lastMembers().size(), std::size_t { 3 });
        QCOMPARE(recording.lastMembers()[0].messages, std::uint64_t { 200 });

        // A pair run has no members and no member series.
        RunRecording pair(RunSpec {});
        SampleMessage sample = fanOutSample(0.1, { member(0, 100, 10'000) });
        sample.members.clear();
        pair.addSample(sample);
        QVERIFY(pair.points(RunRecording::SlowestMemberP99).isEmpty());
        QVERIFY(!pair.points(RunRecording::LatencyP99).isEmpty());
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
