// The zeromq mechanism beyond "every message arrives" (tst_mechanisms, tst_topology): both of its
// transports in every topology, its high-water mark option and how it is refused, where its
// endpoints live and that nothing outlives a run, killed or not, that tcp stays on loopback, that
// PUB/SUB counts what a slow subscriber misses instead of hiding it, and that a refusal of libzmq
// reaches the user as one line naming zeromq.
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QTest>
#include <algorithm>
#include <csignal>
#include <functional>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ipcpg/error.h"
#include "ipcpg/runresources.h"
#include "testenvironment.h"
#include "transports/zmqendpoint.h"
#include "transports/zmqinbox.h"
#include "transports/zmqsettings.h"
#include "transports/zmqsocket.h"

using namespace ipcpg;

Q_DECLARE_METATYPE(ipcpg::Mode)
Q_DECLARE_METATYPE(ipcpg::Topology)

namespace {

const QString kLoopback = QStringLiteral("0100007F:"); // 127.0.0.1 as /proc/net prints it
const QString kListening = QStringLiteral("0A"); // TCP_LISTEN in /proc/net/tcp

RunSpec zeromqSpec(const QString& transport, Topology topology, Mode mode, unsigned members)
{
    RunSpec spec;
    spec.mechanism = "zeromq";
    spec.options["transport"] = transport.toStdString();
    spec.topology = topology;
    spec.mode = mode;
    if (topology == Topology::FanOut)
        spec.subscribers = members;
    else if (topology == Topology::FanIn)
        spec.publishers = members;
    spec.warmupS = 0;
    spec.durationS = 60;
    return spec;
}

// Waits (at most `timeoutMs`, a bound for a hang) until `inbox` holds a message for `link`, sleeping
// on the socket's descriptor between looks as a receiver does.
bool waitForMessage(ZmqInbox& inbox, const ZmqSocket& socket, unsigned link, int timeoutMs)
{
    QElapsedTimer timer;
    timer.start();
    while (!inbox.peek(link)) {
        const qint64 left = timeoutMs - timer.elapsed();
        if (left <= 0)
            return false;
        pollfd pfd { socket.descriptor(), POLLIN, 0 };
        poll(&pfd, 1, static_cast<int>(left));
    }
    return true;
}

} // namespace

class TestZeromq : public QObject {
    Q_OBJECT

    test::PrivateRuntimeDir m_runtime;

private slots:
    // Both transports, every topology, both modes, small and large messages: every message is
    // verified, none is lost (the queues are far from their high-water mark, so even PUB/SUB drops
    // nothing, and no subscriber joins late), and nothing is left behind.
    void deliversEveryMessageOverBothTransports_data()
    {
        QTest::addColumn<QString>("transport");
        QTest::addColumn<Topology>("topology");
        QTest::addColumn<Mode>("mode");
        QTest::addColumn<quint64>("size");
        for (const char* transport : { "ipc", "tcp" }) {
            for (Topology topology : { Topology::Pair, Topology::FanOut, Topology::FanIn }) {
                for (Mode mode : { Mode::PingPong, Mode::Stream }) {
                    const std::vector<quint64> sizes = topology == Topology::Pair
                        ? std::vector<quint64> { 1, 4096, 1 << 20 }
                        : std::vector<quint64> { 1, 65536 };
                    for (quint64 size : sizes) {
                        QTest::addRow("%s %s %s %lluB", transport, toString(topology).data(), toString(mode).data(),
                            static_cast<unsigned long long>(size))
                            << QString::fromLatin1(transport) << topology << mode << size;
                    }
                }
            }
        }
    }

    void deliversEveryMessageOverBothTransports()
    {
        QFETCH(QString, transport);
        QFETCH(Topology, topology);
        QFETCH(Mode, mode);
        QFETCH(quint64, size);
        const unsigned members = topology == Topology::Pair ? 1 : 3;
        RunSpec spec = zeromqSpec(transport, topology, mode, members);
        spec.messageSize = size;
        spec.messages = size >= (1U << 20) ? 40 : 300;
        const RunOutcome outcome = test::runWorker(spec);
        QVERIFY2(outcome.exitCode == 0, outcome.error.c_str());
        const RunResult& result = *outcome.result;
        QVERIFY2(!result.partial, result.error.c_str());
        QVERIFY2(result.integrityErrors == 0 && result.lost == 0, qPrintable(test::describeCounts(result)));
        QCOMPARE(result.syncErrors, std::uint64_t { 0 });
        QCOMPARE(result.messages, spec.messages * members);
        for (const MemberReport& member : result.members)
            QVERIFY2(member.messages == spec.messages && member.lost == 0, qPrintable(test::describeCounts(result)));
        QCOMPARE(result.histogram.count(), result.messages);
        QCOMPARE(test::leftoverObjects(result), QStringList {});
        QCOMPARE(m_runtime.leftoverRunDirectories(), QStringList {});
    }

    // hwm takes the declared values only, and none that would let one queue hold more than 1 GiB.
    void refusesABadHighWaterMark_data()
    {
        QTest::addColumn<QStringList>("extra");
        QTest::addColumn<QStringList>("mentions"); // the bad value, and what is allowed
        const QStringList allowed { "allowed: auto, 1, 10, 100, 1000, 10000" };
        QTest::newRow("zero") << QStringList { "--option", "hwm=0" } << QStringList { "hwm=\"0\"" } + allowed;
        QTest::newRow("negative") << QStringList { "--option", "hwm=-5" } << QStringList { "hwm=\"-5\"" } + allowed;
        QTest::newRow("not a listed value")
            << QStringList { "--option", "hwm=50" } << QStringList { "hwm=\"50\"" } + allowed;
        QTest::newRow("words") << QStringList { "--option", "hwm=lots" } << QStringList { "hwm=\"lots\"" } + allowed;
        QTest::newRow("empty") << QStringList { "--option", "hwm=" } << QStringList { "\"hwm=\"", "name=value" };
        QTest::newRow("10 GiB a queue") << QStringList { "--option", "hwm=10000", "--size", "1M" }
                                        << QStringList { "hwm=10000", "1 GiB", "use hwm=auto, 1, 10, 100, 1000" };
        QTest::newRow("unknown transport")
            << QStringList { "--option", "transport=udp" } << QStringList { "transport=\"udp\"", "allowed: ipc, tcp" };
    }

    void refusesABadHighWaterMark()
    {
        QFETCH(QStringList, extra);
        QFETCH(QStringList, mentions);
        const test::ProcessOutput output
            = test::runCli(QStringList { "run", "--mechanism", "zeromq", "--duration", "0.2" } + extra);
        QCOMPARE(output.exitCode, 2);
        const QString error = QString::fromUtf8(output.err).trimmed();
        for (const QString& mention : mentions)
            QVERIFY2(error.contains(mention), qPrintable(output.describe()));
        QVERIFY2(!error.contains(QLatin1Char('\n')), qPrintable(error)); // one line
    }

    // An explicit hwm is what every queue gets, and the smallest one still delivers everything
    // where the pattern blocks instead of dropping. Ping-pong runs many short round trips: a REP
    // (or ROUTER) replying through a queue of one lost a reply now and then and hung the run.
    void aHighWaterMarkOfOneStillDeliversEverything_data()
    {
        QTest::addColumn<Topology>("topology");
        QTest::addColumn<Mode>("mode");
        QTest::newRow("pair stream") << Topology::Pair << Mode::Stream;
        QTest::newRow("fanin stream") << Topology::FanIn << Mode::Stream;
        QTest::newRow("pair pingpong") << Topology::Pair << Mode::PingPong;
        QTest::newRow("fanin pingpong") << Topology::FanIn << Mode::PingPong;
    }

    void aHighWaterMarkOfOneStillDeliversEverything()
    {
        QFETCH(Topology, topology);
        QFETCH(Mode, mode);
        RunSpec spec = zeromqSpec(QStringLiteral("ipc"), topology, mode, topology == Topology::Pair ? 1 : 3);
        spec.options["hwm"] = "1";
        const bool pingPong = mode == Mode::PingPong;
        spec.messageSize = pingPong ? 64 : 4096;
        spec.messages = pingPong ? 10000 : 2000;
        const RunOutcome outcome = test::runWorker(spec);
        QVERIFY2(outcome.exitCode == 0, outcome.error.c_str());
        const RunResult& result = *outcome.result;
        QVERIFY2(result.integrityErrors == 0 && result.lost == 0, qPrintable(test::describeCounts(result)));
        QCOMPARE(result.messages, spec.messages * spec.members());
        QCOMPARE(result.spec.options.at("hwm"), std::string("1"));
    }

    // The ipc endpoints are socket files in the run's private 0700 directory, 0600 and the user's,
    // listed in the result, and gone with the directory when the run is over.
    void endpointsLiveInThePrivateDirectory_data()
    {
        QTest::addColumn<Topology>("topology");
        QTest::addColumn<Mode>("mode");
        QTest::addColumn<QStringList>("files");
        QTest::newRow("pair pingpong") << Topology::Pair << Mode::PingPong << QStringList { "zeromq-0" };
        QTest::newRow("pair stream") << Topology::Pair << Mode::Stream << QStringList { "zeromq-0" };
        QTest::newRow("fanout pingpong") << Topology::FanOut << Mode::PingPong
                                         << QStringList { "zeromq-fanout", "zeromq-fanout-replies" };
        QTest::newRow("fanout stream") << Topology::FanOut << Mode::Stream << QStringList { "zeromq-fanout" };
        QTest::newRow("fanin pingpong") << Topology::FanIn << Mode::PingPong << QStringList { "zeromq-fanin" };
        QTest::newRow("fanin stream") << Topology::FanIn << Mode::Stream << QStringList { "zeromq-fanin" };
    }

    void endpointsLiveInThePrivateDirectory()
    {
        QFETCH(Topology, topology);
        QFETCH(Mode, mode);
        QFETCH(QStringList, files);
        RunSpec spec = zeromqSpec(QStringLiteral("ipc"), topology, mode, 2);
        spec.messages = 0;
        spec.durationS = 0.6;
        test::RunObjects seen;
        struct stat directory { };
        QStringList problems;
        const RunOutcome outcome = test::runWorkerAndAct(spec, 2, [&](const HelloMessage& hello) {
            seen = test::objectsOfLiveRun(m_runtime.path(), hello.pid);
            if (lstat(QFile::encodeName(seen.directory).constData(), &directory) != 0)
                problems << QStringLiteral("no private run directory while the run was live");
            for (const QString& path : seen.files) {
                if (QFileInfo(path).fileName() == QLatin1String("objects"))
                    continue; // the manifest of named kernel objects, not an endpoint
                struct stat file { };
                if (lstat(QFile::encodeName(path).constData(), &file) != 0 || !S_ISSOCK(file.st_mode)
                    || (file.st_mode & 07777) != 0600 || file.st_uid != geteuid())
                    problems << QStringLiteral("%1 is not a socket file of mode 0600 that is ours").arg(path);
            }
        });
        QVERIFY2(outcome.exitCode == 0, outcome.error.c_str());
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join(QStringLiteral("; "))));
        QCOMPARE(directory.st_mode & 07777, mode_t { 0700 });
        QCOMPARE(directory.st_uid, geteuid());
        QStringList names;
        for (const QString& path : seen.files) {
            if (QFileInfo(path).fileName() != QLatin1String("objects"))
                names << QFileInfo(path).fileName();
        }
        names.sort();
        QCOMPARE(names, files);
        const RunResult& result = *outcome.result;
        for (const QString& name : files) {
            const std::string object = "file:" + (seen.directory + QLatin1Char('/') + name).toStdString();
            QVERIFY2(std::find(result.objects.begin(), result.objects.end(), object) != result.objects.end(),
                object.c_str());
        }
        QCOMPARE(test::stillExisting(seen), QStringList {});
        QCOMPARE(test::leftoverObjects(result), QStringList {});
        QCOMPARE(m_runtime.leftoverRunDirectories(), QStringList {});
    }

    // Read from the kernel's socket tables while the run is live: with transport=tcp every socket
    // of every worker is on 127.0.0.1 (listening ones included, none on a wildcard address or
    // IPv6), the side that binds listens exactly once, and the lead keeps no socket.
    void tcpStaysOnLoopback_data()
    {
        QTest::addColumn<Topology>("topology");
        QTest::addColumn<Mode>("mode");
        QTest::addColumn<int>("binder"); // which of the worker pids binds (hello.workerPids)
        QTest::addColumn<int>("listeners");
        QTest::newRow("pair pingpong") << Topology::Pair << Mode::PingPong << 1 << 1;
        QTest::newRow("fanout pingpong") << Topology::FanOut << Mode::PingPong << 0 << 2;
        QTest::newRow("fanin stream") << Topology::FanIn << Mode::Stream << 0 << 1;
    }

    void tcpStaysOnLoopback()
    {
        QFETCH(Topology, topology);
        QFETCH(Mode, mode);
        QFETCH(int, binder);
        QFETCH(int, listeners);
        RunSpec spec = zeromqSpec(QStringLiteral("tcp"), topology, mode, 2);
        spec.messages = 0;
        spec.durationS = 0.6;
        QStringList problems;
        int listening = -1;
        bool leadHasSockets = true;
        const RunOutcome outcome = test::runWorkerAndAct(spec, 2, [&](const HelloMessage& hello) {
            const std::vector<test::InetSocket> v4 = test::inetSockets(QStringLiteral("tcp"));
            const std::vector<test::InetSocket> v6 = test::inetSockets(QStringLiteral("tcp6"));
            for (std::size_t index = 0; index < hello.workerPids.size(); ++index) {
                const std::set<unsigned long> inodes = test::socketInodesOf(hello.workerPids[index]);
                int mine = 0;
                for (const test::InetSocket& row : v4) {
                    if (!inodes.count(row.inode))
                        continue;
                    const bool listener = row.state == kListening;
                    if (!row.local.startsWith(kLoopback)
                        || !(listener ? row.remote == QStringLiteral("00000000:0000")
                                      : row.remote.startsWith(kLoopback)))
                        problems << QStringLiteral("pid %1 has a tcp socket %2 -> %3")
                                        .arg(hello.workerPids[index])
                                        .arg(row.local, row.remote);
                    if (listener && static_cast<int>(index) == binder)
                        ++mine;
                }
                if (static_cast<int>(index) == binder)
                    listening = mine;
                for (const test::InetSocket& row : v6) {
                    if (inodes.count(row.inode))
                        problems << QStringLiteral("pid %1 has an IPv6 socket %2")
                                        .arg(hello.workerPids[index])
                                        .arg(row.local);
                }
            }
            const std::set<unsigned long> lead = test::socketInodesOf(hello.pid);
            leadHasSockets = std::any_of(
                v4.begin(), v4.end(), [&](const test::InetSocket& row) { return lead.count(row.inode) > 0; });
        });
        QVERIFY2(outcome.exitCode == 0, outcome.error.c_str());
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join(QStringLiteral("; "))));
        QCOMPARE(listening, listeners);
        QVERIFY(!leadHasSockets);
        QCOMPARE(outcome.result->integrityErrors, std::uint64_t { 0 });
    }

    // PUB/SUB never waits for a subscriber: with one slowed down and a queue of one message, it
    // misses most of them. Every one it missed is counted as lost, per subscriber: what was sent
    // is exactly what arrived plus what was lost, for each of them, and nothing is damaged.
    void pubSubCountsWhatASlowSubscriberMisses()
    {
        const test::ScopedEnvironment delay("IPCPG_TEST_HANDLING_DELAY", "1:200"); // subscriber 1: 200 us a message
        RunSpec spec = zeromqSpec(QStringLiteral("ipc"), Topology::FanOut, Mode::Stream, 3);
        spec.options["hwm"] = "1";
        spec.messageSize = 4096;
        spec.messages = 0;
        spec.durationS = 1;
        const RunOutcome outcome = test::runWorker(spec);
        QVERIFY2(outcome.exitCode == 0, outcome.error.c_str());
        const RunResult& result = *outcome.result;
        QVERIFY2(!result.partial, result.error.c_str());
        QCOMPARE(result.integrityErrors, std::uint64_t { 0 });
        QCOMPARE(result.members.size(), std::size_t { 3 });
        // The publisher's side report adds up what it sent on every link: each message once per subscriber.
        const std::uint64_t sentPerSubscriber = result.sides.at(0).messagesSent / 3;
        std::uint64_t lost = 0;
        for (const MemberReport& member : result.members) {
            QVERIFY2(member.integrityErrors == 0, qPrintable(test::describeCounts(result)));
            QVERIFY2(member.messages + member.lost == sentPerSubscriber,
                qPrintable(QStringLiteral("sent %1 to each; ").arg(sentPerSubscriber) + test::describeCounts(result)));
            lost += member.lost;
        }
        QCOMPARE(result.lost, lost);
        const MemberReport& slow = result.members[1];
        QVERIFY2(slow.lost > 0, qPrintable(test::describeCounts(result)));
        // 200 us a message is at most 5,000 in the second; the publisher was not held back to that.
        // Add what was still queued when the publisher stopped (the kernel's socket buffer, libzmq's
        // batches), which it drains afterwards.
        constexpr std::uint64_t kBufferedAtMost = 1000;
        QVERIFY2(slow.messages <= 5000 * 1.05 + kBufferedAtMost, qPrintable(test::describeCounts(result)));
        QVERIFY2(sentPerSubscriber > 2 * slow.messages, qPrintable(test::describeCounts(result)));
        QCOMPARE(test::leftoverObjects(result), QStringList {});
    }

    // A subscriber that connected late would miss the first messages (libzmq's "slow joiner");
    // the publisher waits for every subscription before the run starts, so with no warm-up and
    // eight subscribers every one of them gets message 0 and all the others.
    void noSubscriberJoinsLate()
    {
        RunSpec spec = zeromqSpec(QStringLiteral("ipc"), Topology::FanOut, Mode::Stream, 8);
        spec.messageSize = 64;
        spec.messages = 500; // well below the high-water mark: nothing can be dropped for a full queue
        const RunOutcome outcome = test::runWorker(spec);
        QVERIFY2(outcome.exitCode == 0, outcome.error.c_str());
        const RunResult& result = *outcome.result;
        for (const MemberReport& member : result.members)
            QVERIFY2(member.messages == 500 && member.lost == 0 && member.integrityErrors == 0,
                qPrintable(test::describeCounts(result)));
    }

    void killedWorkerLeavesNothing_data()
    {
        QTest::addColumn<QString>("transport");
        QTest::addColumn<Topology>("topology");
        QTest::addColumn<Mode>("mode");
        QTest::addColumn<int>("victim"); // index into hello.workerPids
        for (const char* transport : { "ipc", "tcp" }) {
            QTest::addRow("%s pair stream, receiver", transport)
                << QString::fromLatin1(transport) << Topology::Pair << Mode::Stream << 1;
            QTest::addRow("%s pair pingpong, initiator", transport)
                << QString::fromLatin1(transport) << Topology::Pair << Mode::PingPong << 0;
            QTest::addRow("%s fanout stream, subscriber", transport)
                << QString::fromLatin1(transport) << Topology::FanOut << Mode::Stream << 2;
            QTest::addRow("%s fanin pingpong, receiver", transport)
                << QString::fromLatin1(transport) << Topology::FanIn << Mode::PingPong << 0;
        }
    }

    // A worker SIGKILLed mid-run: the run fails naming it, and no endpoint file, run directory or
    // other object is left, although libzmq never told the survivors (the lead did).
    void killedWorkerLeavesNothing()
    {
        QFETCH(QString, transport);
        QFETCH(Topology, topology);
        QFETCH(Mode, mode);
        QFETCH(int, victim);
        RunSpec spec = zeromqSpec(transport, topology, mode, 2);
        spec.messages = 0;
        spec.durationS = test::kLongRunS;
        QElapsedTimer timer;
        timer.start();
        int killedPid = 0;
        test::RunObjects seen;
        const RunOutcome outcome = test::runWorkerAndAct(spec, 2, [&](const HelloMessage& hello) {
            seen = test::objectsOfLiveRun(m_runtime.path(), hello.pid);
            killedPid = hello.workerPids.at(static_cast<std::size_t>(victim));
            ::kill(killedPid, SIGKILL);
        });
        QVERIFY(timer.elapsed() < test::kEndedEarlyMs);
        QCOMPARE(outcome.exitCode, 1);
        const QString error = QString::fromStdString(outcome.error);
        QVERIFY2(error.contains(QStringLiteral("pid %1").arg(killedPid)) && error.contains(QStringLiteral("signal 9")),
            qPrintable(error));
        QVERIFY(outcome.result && outcome.result->partial);
        QVERIFY(!seen.directory.isEmpty());
        QCOMPARE(test::stillExisting(seen), QStringList {});
        QCOMPARE(test::leftoverObjects(*outcome.result), QStringList {});
        QCOMPARE(m_runtime.leftoverRunDirectories(), QStringList {});
    }

    // What libzmq refuses is one line that names zeromq, the socket and libzmq's reason.
    void libzmqRefusalsAreOneLineNamingZeromq()
    {
        ZmqContext context;
        ZmqSocket socket(context, ZMQ_PUSH, "the test's PUSH socket");
        const auto refusal = [](const std::function<void()>& action) -> QString {
            try {
                action();
            } catch (const Error& error) {
                return QString::fromUtf8(error.what());
            }
            return {};
        };
        const QString badAddress = refusal([&] { socket.connect("carrier-pigeon://coop"); });
        QVERIFY2(badAddress.startsWith(QStringLiteral("zeromq refused to connect the test's PUSH socket to "
                                                      "carrier-pigeon://coop: ")),
            qPrintable(badAddress));
        QVERIFY2(badAddress.contains(QString::fromUtf8(zmq_strerror(EPROTONOSUPPORT))), qPrintable(badAddress));
        const QString badOption = refusal([&] { socket.setOption(ZMQ_SNDHWM, -1, "ZMQ_SNDHWM"); });
        QVERIFY2(
            badOption.startsWith(QStringLiteral("zeromq refused to set ZMQ_SNDHWM=-1 on the test's PUSH socket: ")),
            qPrintable(badOption));
        for (const QString& message : { badAddress, badOption })
            QVERIFY2(!message.contains(QLatin1Char('\n')), qPrintable(message));
    }

    // One PULL shared by several links hands each link its own member's messages, in order, keeps
    // the others for their turn, and gives a message of the wrong shape to link 0's verifier
    // rather than dropping it. Its descriptor only wakes: readiness comes from peek().
    void inboxKeepsEachLinksMessagesApart()
    {
        RunResources resources;
        TransportConfig config;
        config.frameBytes = 64;
        config.options = { { "transport", "ipc" }, { "hwm", "auto" } };
        const ZmqSettings settings = ZmqSettings::from(config);
        ZmqEndpoint endpoint(settings.transport, "inbox", resources);
        ZmqContext context;
        ZmqSocket pull(context, ZMQ_PULL, "the test's PULL socket");
        settings.applyTo(pull, ZmqSettings::Linger::KeepPeersMessages);
        pull.bind(endpoint.takeListener(), endpoint.address());
        ZmqInbox inbox(pull, 2, ZmqInbox::Envelope::Tagged, 5000);
        ZmqSocket push(context, ZMQ_PUSH, "the test's PUSH socket");
        settings.applyTo(push, ZmqSettings::Linger::Deliver);
        push.connect(endpoint.address());

        const auto sendTagged = [&](unsigned member, const std::string& body) {
            const std::string tag = zmqMemberTag(member);
            push.send(std::as_bytes(std::span(tag)), ZMQ_SNDMORE);
            push.send(std::as_bytes(std::span(body)), 0);
        };
        const auto text = [](const ZmqMessage& message) {
            return QByteArray(reinterpret_cast<const char*>(message.bytes().data()), static_cast<int>(message.size()));
        };
        sendTagged(1, "first for 1");
        sendTagged(1, "second for 1");
        sendTagged(0, "first for 0");
        const std::string stray = "no tag at all";
        push.send(std::as_bytes(std::span(stray)), 0);

        ZmqMessage message;
        QVERIFY(waitForMessage(inbox, pull, 1, 5000));
        QVERIFY(inbox.next(1, message));
        QCOMPARE(text(message), QByteArray("first for 1"));
        QVERIFY(waitForMessage(inbox, pull, 0, 5000));
        QVERIFY(inbox.holds(1)); // read on the way to link 0's, and kept for its turn
        QVERIFY(inbox.next(0, message));
        QCOMPARE(text(message), QByteArray("first for 0"));
        QVERIFY(inbox.next(1, message));
        QCOMPARE(text(message), QByteArray("second for 1"));
        QVERIFY(waitForMessage(inbox, pull, 0, 5000));
        QVERIFY(inbox.next(0, message));
        QCOMPARE(text(message), QByteArray("no tag at all"));
        QVERIFY(!inbox.holds(0) && !inbox.holds(1));
    }
};

QTEST_GUILESS_MAIN(TestZeromq)
#include "tst_zeromq.moc"
