// The socket and FIFO mechanisms beyond "every message arrives" (tst_mechanisms): where their
// files live and with which modes, which addresses their network sockets use, how udp accounts
// for what it loses, and how a datagram of the wrong size is received. And, for every mechanism
// of the registry, security by default: owner-only modes of everything a run creates, loopback
// only, names no two runs share.
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTest>
#include <algorithm>
#include <chrono>
#include <csignal>
#include <fcntl.h>
#include <functional>
#include <map>
#include <set>
#include <sys/ipc.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

#include "ipcpg/frame.h"
#include "ipcpg/mechanismregistry.h"
#include "ipcpg/runresources.h"
#include "ipcpg/transport.h"
#include "testenvironment.h"

using namespace ipcpg;

Q_DECLARE_METATYPE(ipcpg::Mode)

namespace {

using test::InetSocket;
using test::inetSockets;
using test::socketInodesOf;

// What one entry of the run's private directory looked like while the run was live.
struct FileSeen {
    mode_t type = 0; // S_IFIFO, S_IFSOCK, ...
    mode_t permissions = 0;
    uid_t owner = 0;
};

struct DirectorySeen {
    QString path;
    mode_t permissions = 0;
    uid_t owner = 0;
    std::map<QString, FileSeen> files;
};

// The private directory of the run led by `leadPid`: $XDG_RUNTIME_DIR/ipcpg/run-<pid>-<random>.
DirectorySeen inspectRunDirectory(const QString& runtime, int leadPid)
{
    DirectorySeen seen;
    const QDir root(runtime + QStringLiteral("/ipcpg"));
    const QStringList matches
        = root.entryList({ QStringLiteral("run-%1-*").arg(leadPid) }, QDir::Dirs | QDir::NoDotAndDotDot);
    if (matches.size() != 1)
        return seen;
    seen.path = root.filePath(matches.front());
    struct stat info { };
    if (lstat(QFile::encodeName(seen.path).constData(), &info) != 0)
        return seen;
    seen.permissions = info.st_mode & 07777;
    seen.owner = info.st_uid;
    for (const QString& name : QDir(seen.path).entryList(QDir::AllEntries | QDir::System | QDir::NoDotAndDotDot)) {
        struct stat file { };
        if (lstat(QFile::encodeName(seen.path + QLatin1Char('/') + name).constData(), &file) == 0)
            seen.files[name] = { file.st_mode & S_IFMT, file.st_mode & 07777, file.st_uid };
    }
    return seen;
}

RunSpec specFor(const QString& mechanism, Mode mode, const QString& type, double durationS)
{
    RunSpec spec;
    spec.mechanism = mechanism.toStdString();
    spec.mode = mode;
    spec.durationS = durationS;
    if (!type.isEmpty())
        spec.options["type"] = type.toStdString();
    return spec;
}

// The resolved options of a datagram mechanism with socket type `type` (none for udp).
MechanismOptions optionsFor(const Mechanism& mechanism, const QString& type)
{
    MechanismOptions options;
    if (!type.isEmpty())
        options["type"] = type.toStdString();
    return MechanismRegistry::instance().resolveOptions(mechanism, options);
}

std::set<int> openDescriptors()
{
    std::set<int> fds;
    for (const QString& name : QDir(QStringLiteral("/proc/self/fd")).entryList(QDir::System | QDir::NoDotAndDotDot))
        fds.insert(name.toInt());
    return fds;
}

} // namespace

class TestSockets : public QObject {
    Q_OBJECT

    test::PrivateRuntimeDir m_runtime;

private slots:
    void filesLiveInThePrivateDirectoryOwnerOnly_data()
    {
        QTest::addColumn<QString>("mechanism");
        QTest::addColumn<Mode>("mode");
        QTest::addColumn<QString>("type");
        QTest::addColumn<QStringList>("files");
        QTest::addColumn<int>("kind");
        QTest::newRow("fifo pingpong") << "fifo" << Mode::PingPong << ""
                                       << QStringList { "fifo-0-forward", "fifo-0-reply" } << int(S_IFIFO);
        QTest::newRow("fifo stream") << "fifo" << Mode::Stream << "" << QStringList { "fifo-0-forward" }
                                     << int(S_IFIFO);
        QTest::newRow("unix-stream") << "unix-stream" << Mode::PingPong << "" << QStringList { "unix-stream-0" }
                                     << int(S_IFSOCK);
        QTest::newRow("unix-dgram seqpacket")
            << "unix-dgram" << Mode::PingPong << "seqpacket" << QStringList { "unix-dgram-0" } << int(S_IFSOCK);
        QTest::newRow("unix-dgram dgram") << "unix-dgram" << Mode::Stream << "dgram"
                                          << QStringList { "unix-dgram-0-a", "unix-dgram-0-b" } << int(S_IFSOCK);
    }

    void filesLiveInThePrivateDirectoryOwnerOnly()
    {
        QFETCH(QString, mechanism);
        QFETCH(Mode, mode);
        QFETCH(QString, type);
        QFETCH(QStringList, files);
        QFETCH(int, kind);

        const RunSpec spec = specFor(mechanism, mode, type, 0.6);
        DirectorySeen seen;
        int leadPid = 0;
        const RunOutcome outcome = test::runWorkerAndAct(spec, 2, [&](const HelloMessage& hello) {
            leadPid = hello.pid;
            seen = inspectRunDirectory(m_runtime.path(), hello.pid);
        });
        QVERIFY2(outcome.exitCode == 0, outcome.error.c_str());
        QVERIFY(leadPid > 0);

        QVERIFY2(!seen.path.isEmpty(), "no private run directory while the run was live");
        QCOMPARE(seen.permissions, mode_t { 0700 });
        QCOMPARE(seen.owner, geteuid());
        QStringList names;
        for (const auto& [name, file] : seen.files) {
            if (name == QLatin1String("objects"))
                continue; // the manifest of named kernel objects, not an endpoint
            names << name;
            QCOMPARE(int(file.type), kind);
            QCOMPARE(file.permissions, mode_t { 0600 });
            QCOMPARE(file.owner, geteuid());
        }
        QCOMPARE(names, files);

        // The run reports those files, and none of them, nor the directory, outlives it.
        const RunResult& result = *outcome.result;
        for (const QString& name : files)
            QVERIFY(std::find(result.objects.begin(), result.objects.end(),
                        "file:" + (seen.path + QLatin1Char('/') + name).toStdString())
                != result.objects.end());
        QCOMPARE(test::leftoverObjects(result), QStringList {});
        QVERIFY(!QFileInfo::exists(seen.path));
        QCOMPARE(m_runtime.leftoverRunDirectories(), QStringList {});
    }

    void networkSocketsUseOnlyLoopback_data()
    {
        QTest::addColumn<QString>("mechanism");
        QTest::addColumn<QString>("table");
        QTest::newRow("tcp") << "tcp"
                             << "tcp";
        QTest::newRow("udp") << "udp"
                             << "udp";
    }

    // Read from the kernel's own socket tables (/proc/net/tcp, /proc/net/udp) while the run is
    // live: each side holds exactly one socket, bound to 127.0.0.1 and connected to the other
    // side's 127.0.0.1 address; the lead holds none (no listener left over) and nothing is IPv6.
    void networkSocketsUseOnlyLoopback()
    {
        QFETCH(QString, mechanism);
        QFETCH(QString, table);
        const RunSpec spec = specFor(mechanism, Mode::PingPong, {}, 0.6);
        std::vector<std::vector<InetSocket>> perSide;
        std::set<unsigned long> leadInodes;
        std::vector<InetSocket> ipv6;
        const RunOutcome outcome = test::runWorkerAndAct(spec, 2, [&](const HelloMessage& hello) {
            const std::vector<InetSocket> rows = inetSockets(table);
            for (int pid : hello.workerPids) {
                const std::set<unsigned long> inodes = socketInodesOf(pid);
                std::vector<InetSocket> mine;
                for (const InetSocket& row : rows) {
                    if (inodes.count(row.inode))
                        mine.push_back(row);
                }
                perSide.push_back(mine);
                for (const InetSocket& row : inetSockets(table + QLatin1Char('6'))) {
                    if (inodes.count(row.inode))
                        ipv6.push_back(row);
                }
            }
            for (unsigned long inode : socketInodesOf(hello.pid)) {
                for (const InetSocket& row : rows) {
                    if (row.inode == inode)
                        leadInodes.insert(inode);
                }
            }
        });
        QVERIFY2(outcome.exitCode == 0, outcome.error.c_str());
        QCOMPARE(perSide.size(), std::size_t { 2 });
        const QString loopback = QStringLiteral("0100007F:"); // 127.0.0.1 as /proc/net prints it
        for (const auto& side : perSide) {
            QCOMPARE(side.size(), std::size_t { 1 });
            QVERIFY2(side.front().local.startsWith(loopback), qPrintable(side.front().local));
            QVERIFY2(side.front().remote.startsWith(loopback), qPrintable(side.front().remote));
            QVERIFY(side.front().remote != loopback + QStringLiteral("0000")); // connected to a port
        }
        QCOMPARE(perSide[0].front().local, perSide[1].front().remote);
        QCOMPARE(perSide[1].front().local, perSide[0].front().remote);
        QVERIFY(leadInodes.empty());
        QVERIFY(ipv6.empty());
    }

    void everythingARunCreatesIsOwnerOnly_data()
    {
        QTest::addColumn<QString>("mechanism");
        QTest::addColumn<Mode>("mode");
        for (const Mechanism* mechanism : MechanismRegistry::instance().all()) {
            for (Mode mode : mechanism->info().modes)
                QTest::addRow("%s %s", mechanism->info().id.c_str(), toString(mode).data())
                    << QString::fromStdString(mechanism->info().id) << mode;
        }
    }

    // Security by default, for every mechanism the registry has, looked at while the run is live:
    // the private directory under XDG_RUNTIME_DIR is 0700 and what is in it 0600; every shared-
    // memory object, message queue and System V object is the user's with mode 0600, and named
    // with the lead's pid and the run's random part; every network socket of every worker process
    // is on 127.0.0.1, none on IPv6.
    void everythingARunCreatesIsOwnerOnly()
    {
        QFETCH(QString, mechanism);
        QFETCH(Mode, mode);
        const bool queuesListed = test::mqueueListed();
        RunSpec spec = specFor(mechanism, mode, {}, 0.3);
        spec.messageSize = test::sizeFor(*MechanismRegistry::instance().find(spec.mechanism));
        DirectorySeen seen;
        QStringList problems;
        const uid_t me = geteuid();
        const RunOutcome outcome = test::runWorkerAndAct(spec, 2, [&](const HelloMessage& hello) {
            seen = inspectRunDirectory(m_runtime.path(), hello.pid);
            const QString runDirectory = QFileInfo(seen.path).fileName(); // run-<pid>-<random>
            const QString tag = QStringLiteral("ipcpg-") + runDirectory.mid(4) + QLatin1Char('-');
            const test::RunObjects objects = test::objectsOfLiveRun(m_runtime.path(), hello.pid);
            for (const QString& path : objects.posix) {
                if (path.startsWith(QStringLiteral("/dev/mqueue/")) && !queuesListed)
                    continue;
                struct stat info { };
                if (stat(QFile::encodeName(path).constData(), &info) != 0 || (info.st_mode & 07777) != 0600
                    || info.st_uid != me)
                    problems << QStringLiteral("%1 is not 0600 and ours").arg(path);
                if (!QFileInfo(path).fileName().startsWith(tag))
                    problems << QStringLiteral("%1 is not named %2*").arg(path, tag);
            }
            const auto isPrivate = [me](const std::optional<ipc_perm>& perm) {
                return perm && (perm->mode & 0777) == 0600 && perm->uid == me && perm->__key == IPC_PRIVATE;
            };
            for (int id : objects.sysvMessageQueues) {
                if (!isPrivate(test::sysvMessageQueuePermissions(id)))
                    problems << QStringLiteral("sysv-msg %1 is not private, 0600 and ours").arg(id);
            }
            for (int id : objects.sysvSemaphores) {
                if (!isPrivate(test::sysvSemaphorePermissions(id)))
                    problems << QStringLiteral("sysv-sem %1 is not private, 0600 and ours").arg(id);
            }
            QList<int> pids { hello.pid };
            for (int pid : hello.workerPids)
                pids << pid;
            for (const QString& table : { QStringLiteral("tcp"), QStringLiteral("udp") }) {
                const std::vector<InetSocket> v4 = inetSockets(table);
                const std::vector<InetSocket> v6 = inetSockets(table + QLatin1Char('6'));
                for (int pid : pids) {
                    const std::set<unsigned long> inodes = socketInodesOf(pid);
                    for (const InetSocket& row : v4) {
                        const bool remoteOk = row.remote.startsWith(QStringLiteral("0100007F:"))
                            || row.remote == QStringLiteral("00000000:0000");
                        if (inodes.count(row.inode)
                            && (!row.local.startsWith(QStringLiteral("0100007F:")) || !remoteOk))
                            problems << QStringLiteral("pid %1 has %2 socket %3 -> %4")
                                            .arg(pid)
                                            .arg(table, row.local, row.remote);
                    }
                    for (const InetSocket& row : v6) {
                        if (inodes.count(row.inode))
                            problems
                                << QStringLiteral("pid %1 has an IPv6 %2 socket %3").arg(pid).arg(table, row.local);
                    }
                }
            }
        });
        QVERIFY2(outcome.exitCode == 0, outcome.error.c_str());
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join(QStringLiteral("; "))));

        QVERIFY2(!seen.path.isEmpty(), "no private run directory while the run was live");
        QVERIFY(seen.path.startsWith(m_runtime.path() + QStringLiteral("/ipcpg/run-")));
        QCOMPARE(seen.permissions, mode_t { 0700 });
        QCOMPARE(seen.owner, geteuid());
        struct stat root { };
        QCOMPARE(lstat(QFile::encodeName(m_runtime.path() + QStringLiteral("/ipcpg")).constData(), &root), 0);
        QCOMPARE(root.st_mode & 07777, mode_t { 0700 });
        for (const auto& [name, file] : seen.files) {
            QVERIFY2(file.permissions == 0600, qPrintable(name));
            QCOMPARE(file.owner, geteuid());
        }
        QCOMPARE(test::leftoverObjects(*outcome.result), QStringList {});
    }

    void concurrentRunsNeverShareNames_data()
    {
        QTest::addColumn<QString>("mechanism");
        for (const Mechanism* mechanism : MechanismRegistry::instance().all())
            QTest::newRow(mechanism->info().id.c_str()) << QString::fromStdString(mechanism->info().id);
    }

    // Two runs at once, from two processes: their objects never share a name, and each name holds
    // its lead's pid and a random part of its own.
    void concurrentRunsNeverShareNames()
    {
        QFETCH(QString, mechanism);
        const QString size
            = QString::number(test::sizeFor(*MechanismRegistry::instance().find(mechanism.toStdString())));
        const QStringList arguments { "run", "-m", mechanism, "-s", size, "--messages", "300", "--warmup", "0", "-f",
            "json" };
        QProcess first, second;
        first.start(test::cliPath(), arguments);
        second.start(test::cliPath(), arguments);
        QVERIFY(first.waitForFinished(30000) && second.waitForFinished(30000));
        QStringList names[2];
        QString tags[2];
        int index = 0;
        for (QProcess* run : { &first, &second }) {
            QVERIFY2(run->exitCode() == 0, run->readAllStandardError().constData());
            const QJsonObject result = QJsonDocument::fromJson(run->readAllStandardOutput()).object();
            for (const QJsonValue& object : result[QStringLiteral("objects")].toArray())
                names[index] << object.toString();
            // "dir:<root>/run-<pid>-<random>": the tag every other name of the run carries.
            const QString directory = names[index].filter(QStringLiteral("dir:")).value(0);
            const QStringList parts = QFileInfo(directory).fileName().split(QLatin1Char('-'));
            QCOMPARE(parts.size(), 3);
            QCOMPARE(parts[2].size(), 8); // 32 random bits, in hex
            tags[index] = parts[1] + QLatin1Char('-') + parts[2];
            for (const QString& object : names[index]) {
                const QString kind = object.section(QLatin1Char(':'), 0, 0);
                if (kind == QStringLiteral("shm") || kind == QStringLiteral("mqueue"))
                    QVERIFY2(object.contains(QStringLiteral(":/ipcpg-") + tags[index] + QLatin1Char('-')),
                        qPrintable(object));
                else if (kind == QStringLiteral("file") || kind == QStringLiteral("dir"))
                    QVERIFY2(object.contains(QStringLiteral("/run-") + tags[index]), qPrintable(object));
            }
            ++index;
        }
        QVERIFY(tags[0] != tags[1]);
        QVERIFY(tags[0].section(QLatin1Char('-'), 1) != tags[1].section(QLatin1Char('-'), 1));
        for (const QString& name : names[0])
            QVERIFY2(!names[1].contains(name), qPrintable(name));
    }

    // Within one process (the pid alone cannot tell them apart), the random part does.
    void namesOfTheSameProcessDiffer()
    {
        RunResources a;
        RunResources b;
        QVERIFY(a.objectName("ring") != b.objectName("ring"));
        QVERIFY(a.directory() != b.directory());
        QVERIFY(a.filePath("fifo") != b.filePath("fifo"));
        QVERIFY(QString::fromStdString(a.objectName("ring")).startsWith(QStringLiteral("/ipcpg-%1-").arg(getpid())));
    }

    // A receiver swamped by 64 KiB datagrams loses some; whatever it loses is reported, and what
    // was sent is exactly what arrived plus what was lost.
    void udpStreamAccountsForEveryDatagram()
    {
        RunSpec spec;
        spec.mechanism = "udp";
        spec.mode = Mode::Stream;
        spec.messageSize = 65475;
        spec.durationS = 0.5;
        spec.warmupS = 0;
        const RunOutcome outcome = test::runWorker(spec);
        QVERIFY2(outcome.exitCode == 0, outcome.error.c_str());
        const RunResult& result = *outcome.result;
        QCOMPARE(result.integrityErrors, std::uint64_t { 0 });
        const std::uint64_t sent = result.sides.at(0).messagesSent;
        const std::uint64_t received = result.sides.at(1).messagesReceived;
        QVERIFY(sent > 0);
        QVERIFY(received <= sent);
        QCOMPARE(result.lost, sent - received);
        QCOMPARE(result.messages + result.lost, sent);
        qInfo("udp stream 64 KiB: sent %llu, received %llu, lost %llu", static_cast<unsigned long long>(sent),
            static_cast<unsigned long long>(received), static_cast<unsigned long long>(result.lost));
    }

    // The responder is stopped for 700 ms: the initiator gives up on each request after 100 ms,
    // counts it lost and moves on, and discards the late replies. Each given-up round trip counts
    // once (not again as the gap the responder sees), and the count asked for is what was settled.
    void udpPingPongCountsAGivenUpRoundTripOnce()
    {
        RunSpec spec;
        spec.mechanism = "udp";
        spec.messages = 40000;
        spec.warmupS = 0;
        spec.durationS = 60;
        bool stopped = false;
        const RunOutcome outcome = test::runWorkerAndAct(spec, 2, [&](const HelloMessage& hello) {
            const int responder = hello.workerPids.at(1);
            stopped = ::kill(responder, SIGSTOP) == 0;
            // Long enough for several given-up tries even when the initiator is scheduled late (a
            // loaded machine), well inside the lead's 2 s limit for a stopped side.
            std::this_thread::sleep_for(std::chrono::milliseconds(700));
            ::kill(responder, SIGCONT);
        });
        QVERIFY2(outcome.exitCode == 0, outcome.error.c_str());
        QVERIFY(stopped);
        const RunResult& result = *outcome.result;
        QVERIFY2(!result.partial, result.error.c_str());
        QVERIFY2(result.lost >= 2, qPrintable(QString::number(result.lost))); // 700 ms stopped, 100 ms per try
        QCOMPARE(result.messages + result.lost, spec.messages);
        QCOMPARE(result.integrityErrors, std::uint64_t { 0 });
    }

    void killedPeerFailsTheRunAndLeavesNothing_data()
    {
        QTest::addColumn<QString>("mechanism");
        QTest::addColumn<Mode>("mode");
        QTest::addColumn<QString>("type");
        for (const char* id : { "fifo", "unix-stream", "tcp", "udp" }) {
            QTest::addRow("%s pingpong", id) << id << Mode::PingPong << "";
            QTest::addRow("%s stream", id) << id << Mode::Stream << "";
        }
        for (const char* type : { "seqpacket", "dgram" }) {
            QTest::addRow("unix-dgram %s pingpong", type) << "unix-dgram" << Mode::PingPong << type;
            QTest::addRow("unix-dgram %s stream", type) << "unix-dgram" << Mode::Stream << type;
        }
    }

    // Killing one side mid-run (here B: the responder or receiver, whose peer then writes into a
    // socket nobody reads) ends the run promptly with the cause named, and leaves no file behind.
    void killedPeerFailsTheRunAndLeavesNothing()
    {
        QFETCH(QString, mechanism);
        QFETCH(Mode, mode);
        QFETCH(QString, type);
        const RunSpec spec = specFor(mechanism, mode, type, test::kLongRunS);
        QElapsedTimer timer;
        timer.start();
        int killedPid = 0;
        const RunOutcome outcome = test::runWorkerAndAct(spec, 2, [&](const HelloMessage& hello) {
            killedPid = hello.workerPids.at(1);
            ::kill(killedPid, SIGKILL);
        });
        QVERIFY(timer.elapsed() < test::kEndedEarlyMs);
        QCOMPARE(outcome.exitCode, 1);
        const QString error = QString::fromStdString(outcome.error);
        QVERIFY2(error.contains(QStringLiteral("pid %1").arg(killedPid)) && error.contains(QStringLiteral("signal 9")),
            qPrintable(error));
        QVERIFY(outcome.result && outcome.result->partial);
        QCOMPARE(test::leftoverObjects(*outcome.result), QStringList {});
        QCOMPARE(m_runtime.leftoverRunDirectories(), QStringList {});
    }

    void datagramsAboveTheLimitAreRefused_data()
    {
        QTest::addColumn<QString>("mechanism");
        QTest::addColumn<QString>("type");
        QTest::addColumn<QString>("reasonMentions");
        QTest::newRow("unix-dgram seqpacket") << "unix-dgram"
                                              << "seqpacket"
                                              << "datagram";
        QTest::newRow("unix-dgram dgram") << "unix-dgram"
                                          << "dgram"
                                          << "datagram";
        QTest::newRow("udp") << "udp"
                             << ""
                             << "65507";
    }

    void datagramsAboveTheLimitAreRefused()
    {
        QFETCH(QString, mechanism);
        QFETCH(QString, type);
        QFETCH(QString, reasonMentions);
        const Mechanism* m = MechanismRegistry::instance().find(mechanism.toStdString());
        QVERIFY(m);
        const MechanismOptions options = optionsFor(*m, type);
        const SizeLimit limit = m->sizeLimit(options);
        QVERIFY(limit.max > 0 && limit.max < RunSpec::kMaxMessageSize);
        if (mechanism == QLatin1String("udp"))
            QCOMPARE(limit.max, std::uint64_t { 65475 });

        RunSpec spec;
        spec.mechanism = mechanism.toStdString();
        spec.options = options;
        spec.messageSize = limit.max + 1;
        const RunOutcome outcome = test::runWorker(spec);
        QCOMPARE(outcome.exitCode, 2);
        const QString error = QString::fromStdString(outcome.error);
        QVERIFY2(error.contains(QString::number(limit.max)), qPrintable(error));
        QVERIFY2(error.contains(reasonMentions), qPrintable(error));
    }

    void wrongSizedDatagramIsABadSizeFrame_data()
    {
        QTest::addColumn<QString>("mechanism");
        QTest::addColumn<QString>("type");
        QTest::addColumn<bool>("emptyIsAFrame"); // false: an empty SEQPACKET read means the peer closed
        QTest::newRow("unix-dgram seqpacket") << "unix-dgram"
                                              << "seqpacket" << false;
        QTest::newRow("unix-dgram dgram") << "unix-dgram"
                                          << "dgram" << true;
        QTest::newRow("udp") << "udp"
                             << "" << true;
    }

    // The transport of a real mechanism in this process: side A's socket is kept (duplicated) and
    // used to send datagrams a correct peer never would, and side B receives them.
    void wrongSizedDatagramIsABadSizeFrame()
    {
        QFETCH(QString, mechanism);
        QFETCH(QString, type);
        QFETCH(bool, emptyIsAFrame);
        const Mechanism* m = MechanismRegistry::instance().find(mechanism.toStdString());
        QVERIFY(m);
        TransportConfig config;
        config.mode = Mode::Stream;
        config.payloadSize = 64;
        config.frameBytes = frameBytesFor(64);
        config.options = optionsFor(*m, type);

        RunResources resources;
        const std::set<int> before = openDescriptors();
        std::unique_ptr<Transport> transport = m->createTransport(config, resources);
        std::map<int, int> copies; // descriptor the transport made -> a duplicate of it
        for (int fd : openDescriptors()) {
            if (!before.count(fd))
                copies[fd] = fcntl(fd, F_DUPFD_CLOEXEC, 0);
        }
        transport->attach(Side::B); // closes side A's descriptor: that is how to tell which it was
        int sideA = -1;
        for (const auto& [original, copy] : copies) {
            if (fcntl(original, F_GETFD) < 0)
                sideA = copy;
            else
                close(copy);
        }
        QVERIFY(sideA >= 0);

        std::vector<std::byte> big(config.frameBytes + 100, std::byte { 0x5A });
        QCOMPARE(send(sideA, big.data(), 10, 0), ssize_t { 10 });
        QCOMPARE(send(sideA, big.data(), big.size(), 0), static_cast<ssize_t>(big.size()));
        if (emptyIsAFrame)
            QCOMPARE(send(sideA, big.data(), 0, 0), ssize_t { 0 });

        FrameTransport* frames = transport->frames();
        QVERIFY(frames);
        FrameVerifier verifier(config.payloadSize);
        FrameHeader header;
        const Received small = frames->receive();
        QCOMPARE(small.status, Received::Status::Frame);
        QCOMPARE(small.frame.size(), std::size_t { 10 });
        QCOMPARE(verifier.check(small.frame, header), FrameVerifier::Verdict::BadSize);
        frames->releaseReceive();
        const Received oversized = frames->receive();
        QCOMPARE(oversized.status, Received::Status::Frame);
        QVERIFY(oversized.frame.size() > config.frameBytes);
        QCOMPARE(verifier.check(oversized.frame, header), FrameVerifier::Verdict::BadSize);
        frames->releaseReceive();
        if (emptyIsAFrame) {
            const Received empty = frames->receive();
            QCOMPARE(empty.status, Received::Status::Frame);
            QCOMPARE(verifier.check(empty.frame, header), FrameVerifier::Verdict::BadSize);
        }
        QCOMPARE(verifier.counts().badSize, std::uint64_t { emptyIsAFrame ? 3U : 2U });
        close(sideA);
    }
};

QTEST_GUILESS_MAIN(TestSockets)
#include "tst_sockets.moc"
