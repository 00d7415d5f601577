// The grpc mechanism beyond "every message arrives" (tst_mechanisms): both transports and modes,
// 1 B to the limit of each max-message setting, the limit refused by name with the way to raise
// it, a server-side refusal reaching A as an Error with gRPC's status (not a hang), the socket
// file owner-only, and nothing left behind when a side is killed.
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QTest>
#include <csignal>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ipcpg/error.h"
#include "ipcpg/frame.h"
#include "ipcpg/mechanismregistry.h"
#include "ipcpg/runresources.h"
#include "testenvironment.h"
#include "transports/grpctransport.h"

using namespace ipcpg;

Q_DECLARE_METATYPE(ipcpg::Mode)

namespace {

std::uint64_t grpcLimit(const std::string& maxMessage)
{
    return MechanismRegistry::instance().find("grpc")->sizeLimit({ { "max-message", maxMessage } }).max;
}

RunSpec grpcRun(
    const QString& transport, const QString& maxMessage, Mode mode, std::uint64_t size, std::uint64_t messages)
{
    RunSpec spec = test::countedRun("grpc", mode, size, messages);
    spec.options = { { "transport", transport.toStdString() }, { "max-message", maxMessage.toStdString() } };
    return spec;
}

} // namespace

class TestGrpc : public QObject {
    Q_OBJECT

    test::PrivateRuntimeDir m_runtime;

private slots:
    // Both transports and modes, 1 B to the default 4 MiB limit, and to 16 MiB with
    // max-message=16M: every message verified and counted, and nothing left behind.
    void deliversEveryMessage_data()
    {
        QTest::addColumn<QString>("transport");
        QTest::addColumn<QString>("maxMessage");
        QTest::addColumn<Mode>("mode");
        QTest::addColumn<quint64>("size");
        for (const char* transport : { "unix", "tcp" }) {
            for (Mode mode : { Mode::PingPong, Mode::Stream }) {
                for (quint64 size : { quint64 { 1 }, quint64 { 64 }, quint64 { 4096 }, quint64 { 65536 },
                         quint64 { 1 } << 20, quint64 { grpcLimit("4M") } })
                    QTest::addRow(
                        "%s %s %lluB", transport, toString(mode).data(), static_cast<unsigned long long>(size))
                        << QString::fromLatin1(transport) << QStringLiteral("4M") << mode << size;
                QTest::addRow("%s %s max-message=16M %lluB", transport, toString(mode).data(),
                    static_cast<unsigned long long>(grpcLimit("16M")))
                    << QString::fromLatin1(transport) << QStringLiteral("16M") << mode << quint64 { grpcLimit("16M") };
            }
        }
    }

    void deliversEveryMessage()
    {
        QFETCH(QString, transport);
        QFETCH(QString, maxMessage);
        QFETCH(Mode, mode);
        QFETCH(quint64, size);
        const std::uint64_t messages = size > (1U << 20) ? 6 : size == (1U << 20) ? 40 : 400;
        const RunSpec spec = grpcRun(transport, maxMessage, mode, size, messages);
        const RunOutcome outcome = test::runWorker(spec);
        QVERIFY2(outcome.exitCode == 0, outcome.error.c_str());
        const RunResult& result = *outcome.result;
        QVERIFY2(!result.partial, result.error.c_str());
        QVERIFY2(result.integrityErrors == 0 && result.lost == 0, qPrintable(test::describeCounts(result)));
        QCOMPARE(result.messages, messages);
        QCOMPARE(result.histogram.count(), result.messages);
        QCOMPARE(test::leftoverObjects(result), QStringList {});
        QCOMPARE(m_runtime.leftoverRunDirectories(), QStringList {});
    }

    // The default limit is gRPC's 4 MiB, less protobuf's framing and ipcpg's header: exactly, so
    // the limit row above sends the largest message gRPC takes. 16M carries ipcpg's largest.
    void theLimitsAreGrpcsOwn()
    {
        QCOMPARE(grpcLimit("4M"), std::uint64_t { (4U << 20) - 5 - kFrameHeaderSize });
        QCOMPARE(grpcLimit("16M"), RunSpec::kMaxMessageSize);
    }

    // One byte over the default limit is refused up front, naming grpc, the size, the limit and
    // the option that raises it.
    void refusesSizesAboveTheLimit()
    {
        const QString over = QString::number(grpcLimit("4M") + 1);
        const test::ProcessOutput output
            = test::runCli({ "run", "--mechanism", "grpc", "--size", over, "--mode", "pingpong", "--duration", "0.2" });
        QCOMPARE(output.exitCode, 2);
        const QString error = QString::fromUtf8(output.err).trimmed();
        QVERIFY2(error.contains(QLatin1String("grpc")) && error.contains(over)
                && error.contains(QString::number(grpcLimit("4M"))) && error.contains(QLatin1String("max-message=16M")),
            qPrintable(output.describe()));
        QVERIFY2(!error.contains(QLatin1Char('\n')), qPrintable(error));
    }

    // B's server refuses a message above its limit: A gets an Error carrying gRPC's status, in
    // both modes, instead of waiting for a reply that never comes. The
    // transport is driven by hand across a real fork, with a frame the mechanism would refuse.
    void aServerRefusalReachesTheClientWithItsStatus_data()
    {
        QTest::addColumn<Mode>("mode");
        QTest::newRow("pingpong") << Mode::PingPong;
        QTest::newRow("stream") << Mode::Stream;
    }

    void aServerRefusalReachesTheClientWithItsStatus()
    {
        QFETCH(Mode, mode);
        RunResources resources;
        TransportConfig config;
        config.mode = mode;
        config.frameBytes = (5U << 20); // above max-message=4M
        config.payloadSize = config.frameBytes - kFrameHeaderSize;
        config.options = { { "transport", "unix" }, { "max-message", "4M" } };
        GrpcTransport transport(config, resources);
        // Both sides are forked, as the lead does: gRPC must never run in a process that forks
        // again, and this test process forks for every row. A reports what it caught on a pipe.
        int report[2];
        QCOMPARE(pipe2(report, O_CLOEXEC), 0);
        const pid_t server = fork();
        QVERIFY(server >= 0);
        if (server == 0) {
            resources.forgetInChild();
            ::close(report[0]);
            ::close(report[1]); // the report's end of file is A's exit alone
            try {
                transport.attach(Side::B);
                while (transport.receive().status != Received::Status::Closed) { }
            } catch (...) {
            }
            _exit(0);
        }
        const pid_t client = fork();
        QVERIFY(client >= 0);
        if (client == 0) {
            resources.forgetInChild();
            std::string caught = "no error";
            try {
                transport.attach(Side::A);
                // Ping-pong: the call's status. Stream: a Write fails once the server cancelled
                // the call; a bounded number of them, so a refusal that never comes fails.
                for (int attempt = 0; attempt < 1000; ++attempt) {
                    transport.beginSend();
                    transport.commitSend();
                    if (mode == Mode::PingPong)
                        while (transport.receive().status == Received::Status::TimedOut) { }
                }
            } catch (const Error& refused) {
                caught = refused.what();
            }
            const ssize_t written = write(report[1], caught.data(), caught.size());
            _exit(written == static_cast<ssize_t>(caught.size()) ? 0 : 1);
        }
        ::close(report[1]);
        QByteArray error;
        char buffer[4096];
        for (ssize_t n; (n = read(report[0], buffer, sizeof buffer)) > 0;)
            error.append(buffer, static_cast<int>(n));
        ::close(report[0]);
        int status = 0;
        QCOMPARE(waitpid(client, &status, 0), client);
        ::kill(server, SIGKILL);
        QCOMPARE(waitpid(server, &status, 0), server);
        // Ping-pong: the refused call's own status. Stream: the refusal ends B's side of the
        // stream (its Read fails, as a B's side loop then stops), so A's Write fails and A gets
        // the stream's final status: RESOURCE_EXHAUSTED, or UNAVAILABLE once B has gone.
        if (mode == Mode::PingPong)
            QVERIFY2(error.startsWith("grpc: Echo failed with status RESOURCE_EXHAUSTED (8): "), error.constData());
        else
            QVERIFY2(error.startsWith("grpc: the stream to B's server ended with status "), error.constData());
    }

    // gRPC's socket file is owner-only while the run uses it, like every socket of a run.
    void theSocketFileIsOwnerOnly()
    {
        RunSpec spec = grpcRun(QStringLiteral("unix"), QStringLiteral("4M"), Mode::PingPong, 64, 0);
        spec.durationS = test::kLongRunS;
        QFile::Permissions permissions;
        QString socketPath;
        const RunOutcome outcome = test::runWorkerAndAct(spec, 2, [&](const HelloMessage& hello) {
            for (const QString& file : test::objectsOfLiveRun(m_runtime.path(), hello.pid).files) {
                if (QFileInfo(file).fileName() == QLatin1String("grpc-0")) {
                    socketPath = file;
                    permissions = QFileInfo(file).permissions();
                }
            }
            ::kill(hello.pid, SIGTERM); // a stop request: the lead ends the run and cleans up
        });
        QVERIFY2(!socketPath.isEmpty(), "the run has no grpc-0 socket file");
        QCOMPARE(permissions & (QFile::ReadGroup | QFile::WriteGroup | QFile::ReadOther | QFile::WriteOther),
            QFile::Permissions {});
        QVERIFY2(outcome.result.has_value(), outcome.error.c_str());
        QVERIFY2(!QFileInfo::exists(socketPath), qPrintable(socketPath));
        QCOMPARE(m_runtime.leftoverRunDirectories(), QStringList {});
    }

    // A side SIGKILLed mid-run: the run fails naming it, promptly, and its socket file goes.
    void aFailedRunLeavesNothing_data()
    {
        QTest::addColumn<QString>("transport");
        QTest::addColumn<Mode>("mode");
        QTest::addColumn<int>("victim");
        QTest::newRow("unix pingpong, server") << QStringLiteral("unix") << Mode::PingPong << 1;
        QTest::newRow("unix stream, client") << QStringLiteral("unix") << Mode::Stream << 0;
        QTest::newRow("tcp pingpong, client") << QStringLiteral("tcp") << Mode::PingPong << 0;
        QTest::newRow("tcp stream, server") << QStringLiteral("tcp") << Mode::Stream << 1;
    }

    void aFailedRunLeavesNothing()
    {
        QFETCH(QString, transport);
        QFETCH(Mode, mode);
        QFETCH(int, victim);
        RunSpec spec = grpcRun(transport, QStringLiteral("4M"), mode, 64, 0);
        spec.durationS = test::kLongRunS;
        int killedPid = 0;
        test::RunObjects seen;
        QElapsedTimer timer;
        timer.start();
        const RunOutcome outcome = test::runWorkerAndAct(spec, 2, [&](const HelloMessage& hello) {
            seen = test::objectsOfLiveRun(m_runtime.path(), hello.pid);
            killedPid = hello.workerPids.at(static_cast<std::size_t>(victim));
            ::kill(killedPid, SIGKILL);
        });
        QCOMPARE(outcome.exitCode, 1);
        QVERIFY2(timer.elapsed() < test::kEndedEarlyMs, qPrintable(QString::number(timer.elapsed())));
        QVERIFY2(QString::fromStdString(outcome.error).contains(QStringLiteral("pid %1").arg(killedPid)),
            outcome.error.c_str());
        QCOMPARE(test::leftoverObjects(*outcome.result), QStringList {});
        QCOMPARE(test::stillExisting(seen), QStringList {});
        QCOMPARE(m_runtime.leftoverRunDirectories(), QStringList {});
    }
};

QTEST_GUILESS_MAIN(TestGrpc)
#include "tst_grpc.moc"
