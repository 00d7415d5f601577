// Beyond one pair, through real worker processes: a fan-out delivers every message to every
// subscriber, a fan-in keeps each publisher's order, combinations a mechanism cannot do are
// refused with the reason, and an open-loop run sends on its schedule and charges a stall to
// every message it delayed.
#include <QElapsedTimer>
#include <QTest>
#include <QThread>
#include <csignal>
#include <cstdlib>

#include "ipcpg/error.h"
#include "ipcpg/mechanismregistry.h"
#include "testenvironment.h"

using namespace ipcpg;

Q_DECLARE_METATYPE(ipcpg::Mode)
Q_DECLARE_METATYPE(ipcpg::Topology)

namespace {

constexpr std::uint64_t kMessagesPerMember = 200;
constexpr std::uint64_t kMs = 1'000'000;

// Messages whose latency was at least `ns`, from the result's histogram (bucket lower bounds, so
// a few just below `ns` in the same bucket may count: buckets are a few percent wide).
std::uint64_t messagesAtLeast(const RunResult& result, std::uint64_t ns)
{
    std::uint64_t count = 0;
    for (const auto& [bucket, messages] : result.histogram.nonEmptyBuckets()) {
        if (HistogramLayout::lowerBound(static_cast<int>(bucket)) >= ns)
            count += messages;
    }
    return count;
}

} // namespace

class TestTopology : public QObject {
    Q_OBJECT

    test::PrivateRuntimeDir m_runtime;

    static RunSpec hubSpec(const std::string& mechanism, Topology topology, Mode mode, unsigned members)
    {
        RunSpec spec;
        spec.mechanism = mechanism;
        spec.topology = topology;
        spec.mode = mode;
        (topology == Topology::FanOut ? spec.subscribers : spec.publishers) = members;
        spec.messageSize = test::sizeFor(*MechanismRegistry::instance().find(mechanism));
        spec.messages = kMessagesPerMember; // per member: the hub (or each publisher) sends this many
        spec.warmupS = 0;
        spec.durationS = 60;
        return spec;
    }

private slots:
    // Every mechanism, in every mode it has, in both hub topologies with 1, 2 and 8 members.
    void everyMemberGetsEveryMessage_data()
    {
        QTest::addColumn<QString>("mechanism");
        QTest::addColumn<Topology>("topology");
        QTest::addColumn<Mode>("mode");
        QTest::addColumn<unsigned>("members");
        for (const Mechanism* mechanism : MechanismRegistry::instance().all()) {
            const MechanismInfo& info = mechanism->info();
            for (Topology topology : { Topology::FanOut, Topology::FanIn }) {
                if (!info.support(topology)->supported)
                    continue; // refusesWhatTheMechanismCannotDo covers these
                for (Mode mode : info.modes) {
                    for (unsigned members : { 1U, 2U, 8U }) {
                        QTest::newRow(qPrintable(
                            QStringLiteral("%1 %2 %3 x%4")
                                .arg(QString::fromStdString(info.id), QString::fromLatin1(toString(topology).data()),
                                    QString::fromLatin1(toString(mode).data()))
                                .arg(members)))
                            << QString::fromStdString(info.id) << topology << mode << members;
                    }
                }
            }
        }
    }

    void everyMemberGetsEveryMessage()
    {
        QFETCH(QString, mechanism);
        QFETCH(Topology, topology);
        QFETCH(Mode, mode);
        QFETCH(unsigned, members);
        const RunSpec spec = hubSpec(mechanism.toStdString(), topology, mode, members);
        RunSpec resolved = spec;
        MechanismRegistry::instance().validate(resolved);
        const bool lossy
            = MechanismRegistry::instance().find(spec.mechanism)->accounting(resolved) == ErrorAccounting::LossAllowed;

        const RunOutcome outcome = test::runWorker(spec);
        QVERIFY2(outcome.exitCode == 0, outcome.error.c_str());
        QVERIFY(outcome.result);
        const RunResult& result = *outcome.result;
        QVERIFY2(!result.partial, result.error.c_str());
        QCOMPARE(result.sides.size(), std::size_t { members } + 1);
        QCOMPARE(result.members.size(), std::size_t { members });

        std::uint64_t delivered = 0;
        for (std::size_t i = 0; i < result.members.size(); ++i) {
            const MemberReport& member = result.members[i];
            QCOMPARE(member.index, static_cast<int>(i));
            QCOMPARE(QString::fromStdString(member.role),
                topology == Topology::FanOut ? QStringLiteral("subscriber") : QStringLiteral("publisher"));
            // Order within each publisher is checked by its own sequence: a reordering or a
            // message of another publisher taken for this one's would be an integrity error.
            QVERIFY2(member.integrityErrors == 0, qPrintable(test::describeCounts(result)));
            if (lossy)
                QVERIFY2(member.messages + member.lost == kMessagesPerMember, qPrintable(test::describeCounts(result)));
            else
                QVERIFY2(member.messages == kMessagesPerMember && member.lost == 0,
                    qPrintable(test::describeCounts(result)));
            if (result.latencyKind != "none")
                QCOMPARE(member.latencyNs.count, member.messages);
            delivered += member.messages;
        }
        QCOMPARE(result.messages, delivered);
        QCOMPARE(result.integrityErrors, std::uint64_t { 0 });
        QVERIFY(result.slowestMember() != nullptr);
        QVERIFY(result.slowestMember()->latencyNs.p99 >= result.fastestMember()->latencyNs.p99);
        QCOMPARE(test::leftoverObjects(result), QStringList {});
        QCOMPARE(m_runtime.leftoverRunDirectories(), QStringList {});
    }

    // Each combination a mechanism declares it cannot do is refused before anything starts, with
    // the mechanism's own reason.
    void refusesWhatTheMechanismCannotDo_data()
    {
        QTest::addColumn<QString>("mechanism");
        QTest::addColumn<Topology>("topology");
        int refused = 0;
        for (const Mechanism* mechanism : MechanismRegistry::instance().all()) {
            for (Topology topology : { Topology::FanOut, Topology::FanIn }) {
                if (mechanism->info().support(topology)->supported)
                    continue;
                ++refused;
                QTest::newRow(qPrintable(QString::fromStdString(mechanism->info().id) + " "
                    + QString::fromLatin1(toString(topology).data())))
                    << QString::fromStdString(mechanism->info().id) << topology;
            }
        }
        QVERIFY(refused > 0);
    }

    void refusesWhatTheMechanismCannotDo()
    {
        QFETCH(QString, mechanism);
        QFETCH(Topology, topology);
        const RunSpec spec = hubSpec(mechanism.toStdString(), topology, Mode::Stream, 2);
        const RunOutcome outcome = test::runWorker(spec);
        QCOMPARE(outcome.exitCode, 2);
        QVERIFY(!outcome.result);
        const std::string& how = MechanismRegistry::instance().find(spec.mechanism)->info().support(topology)->how;
        const QString error = QString::fromStdString(outcome.error);
        QVERIFY2(error.contains(QStringLiteral("does not support the %1 topology").arg(toString(topology).data()))
                && error.contains(QString::fromStdString(how)),
            qPrintable(error));
    }

    void refusesMembersThatDoNotFit_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("expected");
        const QStringList base { "run", "--mechanism", "pipe", "--mode", "stream", "--duration", "0.2" };
        QTest::newRow("65 subscribers") << base + QStringList { "--topology", "fanout", "--subscribers", "65" }
                                        << QStringLiteral("\"65\" is not allowed; give a whole number from 1 to 64");
        QTest::newRow("subscribers of a pair")
            << base + QStringList { "--subscribers", "4" } << QStringLiteral("needs the fanout topology");
        QTest::newRow("publishers of a fan-out") << base + QStringList { "--topology", "fanout", "--publishers", "2" }
                                                 << QStringLiteral("needs the fanin topology");
        QTest::newRow("workers of a fan-out") << base + QStringList { "--topology", "fanout", "--workers", "2" }
                                              << QStringLiteral("applies to the pair topology only");
        QTest::newRow("too much in flight")
            << base + QStringList { "--topology", "fanout", "--subscribers", "64", "--size", "2M" }
            << QStringLiteral("above the limit of 64 MiB");
        QTest::newRow("unknown topology")
            << base + QStringList { "--topology", "star" } << QStringLiteral("use pair, fanout or fanin");
        QTest::newRow("negative rate") << base + QStringList { "--rate", "-5" }
                                       << QStringLiteral("\"-5\" is not allowed; give messages per second");
    }

    void refusesMembersThatDoNotFit()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QString, expected);
        const test::ProcessOutput output = test::runCli(arguments);
        QCOMPARE(output.exitCode, 2);
        QVERIFY2(QString::fromUtf8(output.err).contains(expected), qPrintable(output.describe()));
    }

    // Well below what the mechanism can do, the senders keep to the schedule.
    void keepsAnOfferedRateBelowCapacity_data()
    {
        QTest::addColumn<Topology>("topology");
        QTest::addColumn<Mode>("mode");
        QTest::newRow("pair stream") << Topology::Pair << Mode::Stream;
        QTest::newRow("pair pingpong") << Topology::Pair << Mode::PingPong;
        QTest::newRow("fanout stream") << Topology::FanOut << Mode::Stream;
        QTest::newRow("fanin stream") << Topology::FanIn << Mode::Stream;
    }

    void keepsAnOfferedRateBelowCapacity()
    {
        QFETCH(Topology, topology);
        QFETCH(Mode, mode);
        RunSpec spec = hubSpec("pipe", topology, mode, topology == Topology::Pair ? 1 : 2);
        spec.messages = 0;
        spec.durationS = 1;
        spec.warmupS = 0.1;
        spec.rate = 2000; // a pipe takes hundreds of thousands a second, even in a sanitizer build
        const RunOutcome outcome = test::runWorker(spec);
        QVERIFY2(outcome.exitCode == 0, outcome.error.c_str());
        const RunResult& result = *outcome.result;
        QVERIFY(result.rate);
        QCOMPARE(result.rate->offered, 2000.0);
        QVERIFY2(std::abs(result.rate->achieved - 2000.0) <= 2000.0 * 0.02,
            qPrintable(QStringLiteral("achieved %1/s of 2000/s offered").arg(result.rate->achieved)));
        QCOMPARE(result.integrityErrors, std::uint64_t { 0 });
    }

    // A receiver stopped for 200 ms in a run at a known rate: every message due while it was
    // stopped waited for it, so about rate x (stall - 100 ms) of them carry 100 ms or more. A
    // closed-loop measurement would show one slow message (the one in flight) instead.
    void chargesAStallToEveryMessageItDelayed()
    {
        RunSpec spec;
        spec.mechanism = "pipe";
        spec.mode = Mode::Stream;
        spec.messageSize = 64;
        spec.rate = 5000;
        spec.durationS = 2;
        spec.warmupS = 0.1;
        qint64 stallNs = 0;
        const RunOutcome outcome = test::runWorkerAndAct(spec, 5, [&](const HelloMessage& hello) {
            QCOMPARE(hello.workerPids.size(), std::size_t { 2 });
            const int receiver = hello.workerPids[1];
            QElapsedTimer stall;
            stall.start();
            ::kill(receiver, SIGSTOP);
            QThread::msleep(200); // the stall itself, not a wait for an event
            ::kill(receiver, SIGCONT);
            stallNs = stall.nsecsElapsed();
        });
        QVERIFY2(outcome.exitCode == 0, outcome.error.c_str());
        const RunResult& result = *outcome.result;
        QVERIFY2(!result.partial, result.error.c_str());
        QCOMPARE(result.integrityErrors, std::uint64_t { 0 });
        const double stallS = static_cast<double>(stallNs) / 1e9;
        const auto slow = static_cast<double>(messagesAtLeast(result, 100 * kMs));
        const double expected = spec.rate * (stallS - 0.1);
        QVERIFY2(slow >= 0.6 * expected && slow <= spec.rate * (stallS + 0.3),
            qPrintable(QStringLiteral("%1 messages took 100 ms or more; a %2 s stall at %3/s should delay about %4")
                           .arg(slow)
                           .arg(stallS)
                           .arg(spec.rate)
                           .arg(expected)));
        // And nearly every message due during the stall was late by more than 10 ms.
        const auto late = static_cast<double>(messagesAtLeast(result, 10 * kMs));
        QVERIFY2(late >= 0.6 * spec.rate * (stallS - 0.01),
            qPrintable(QStringLiteral("%1 messages took 10 ms or more").arg(late)));
        QVERIFY(result.rate->maxBehindNs > 0);
    }

    // One subscriber made slow on purpose is the one reported as slowest, and the publisher is
    // held back to its pace: every subscriber still gets every message.
    void theSlowestSubscriberHoldsThePublisherBack_data()
    {
        QTest::addColumn<QString>("mechanism");
        QTest::newRow("shm") << QStringLiteral("shm");
        QTest::newRow("pipe") << QStringLiteral("pipe");
    }

    void theSlowestSubscriberHoldsThePublisherBack()
    {
        QFETCH(QString, mechanism);
        const test::ScopedEnvironment delay("IPCPG_TEST_HANDLING_DELAY", "2:500"); // subscriber 2: 500 us a message
        RunSpec spec = hubSpec(mechanism.toStdString(), Topology::FanOut, Mode::Stream, 4);
        spec.messages = 0;
        spec.durationS = 1;
        spec.warmupS = 0;
        const RunOutcome outcome = test::runWorker(spec);
        QVERIFY2(outcome.exitCode == 0, outcome.error.c_str());
        const RunResult& result = *outcome.result;
        QVERIFY2(!result.partial, result.error.c_str());
        QVERIFY(result.slowestMember());
        QCOMPARE(result.slowestMember()->index, 2);
        QVERIFY(result.fastestMember()->index != 2);
        // Subscriber 2 can take at most 2000 messages a second, and the publisher cannot get
        // further ahead of it than the buffer between them holds (a 64 KiB pipe holds 682 of these
        // frames, the ring 64), which it drains after the publisher's last message. Unthrottled,
        // four subscribers of either mechanism take tens of thousands a second.
        constexpr std::uint64_t kBufferedAtMost = 1000;
        const std::uint64_t slowCount = result.members[2].messages;
        QVERIFY2(slowCount <= 2000 * spec.durationS * 1.05 + kBufferedAtMost, qPrintable(test::describeCounts(result)));
        for (const MemberReport& member : result.members) {
            QCOMPARE(member.integrityErrors, std::uint64_t { 0 });
            QVERIFY2(member.messages == slowCount, qPrintable(test::describeCounts(result)));
        }
        QCOMPARE(test::leftoverObjects(result), QStringList {});
    }

    void refusesABadHandlingDelay()
    {
        const test::ScopedEnvironment delay("IPCPG_TEST_HANDLING_DELAY", "two:fast");
        const RunOutcome outcome = test::runWorker(hubSpec("pipe", Topology::FanOut, Mode::Stream, 2));
        QCOMPARE(outcome.exitCode, 2);
        QVERIFY2(
            QString::fromStdString(outcome.error).contains(QStringLiteral("\"two:fast\" is not member:microseconds")),
            outcome.error.c_str());
    }
};

QTEST_GUILESS_MAIN(TestTopology)
#include "tst_topology.moc"
