// The supervision rules every front end shares, driven by hand: bytes, time and exit statuses
// in, kill decisions and sentences out. No process is started; the integration suites run the
// same rules against real and misbehaving workers through the CLI and the GUI.
#include <QTest>
#include <csignal>
#include <sys/wait.h>

#include "ipcpg/workersession.h"
#include "testenvironment.h"

using namespace ipcpg;
using namespace std::chrono_literals;

namespace {

std::string lineOf(const ControlMessage& message) { return encodeControlMessage(message) + "\n"; }

HelloMessage hello()
{
    HelloMessage message;
    message.pid = 42;
    message.workerPids = { 43, 44 };
    return message;
}

// A session with handlers that count what they were given.
struct Recorder {
    int hellos = 0;
    std::vector<SampleMessage> samples;
    std::optional<RunResult> result;
    WorkerSession session { handlers(), { 10000ms, 3000ms } };

    WorkerSession::Handlers handlers()
    {
        WorkerSession::Handlers h;
        h.onHello = [this](const HelloMessage&) { ++hellos; };
        h.onSample = [this](const SampleMessage& sample) { samples.push_back(sample); };
        h.onFinal = [this](const ControlMessage& message) {
            if (const auto* final = std::get_if<ResultMessage>(&message))
                result = final->result;
        };
        h.haveResult = [this] { return result.has_value(); };
        return h;
    }
};

constexpr int exitedWith(int code) { return (code & 0xff) << 8; }

} // namespace

class TestWorkerSession : public QObject {
    Q_OBJECT

    test::PrivateRuntimeDir m_runtime; // exited() sweeps stale objects: only this test's

private slots:
    void aWholeRunIsDeliveredEvenInPieces()
    {
        Recorder r;
        r.session.started(4711, 0);
        SampleMessage sample;
        sample.messages = 7;
        ResultMessage result;
        result.result.messages = 7;
        const std::string all = lineOf(hello()) + lineOf(sample) + lineOf(result);
        // One byte at a time: lines are reassembled whatever the pipe's chunks.
        for (std::size_t i = 0; i < all.size(); ++i)
            r.session.output(std::string_view(all).substr(i, 1), 10);
        r.session.endOfOutput();
        r.session.exited(exitedWith(0));
        QCOMPARE(r.hellos, 1);
        QCOMPARE(r.samples.size(), std::size_t { 1 });
        QCOMPARE(r.samples.front().messages, std::uint64_t { 7 });
        QVERIFY(r.result && r.result->messages == 7);
        QVERIFY(!r.session.mustKill());
        QCOMPARE(r.session.exitCode(), 0);
        QCOMPARE(r.session.failure(), std::string());
        QVERIFY(!r.session.abnormal());
    }

    // Until the first sample the lead is setting up (a daemon to start, sides to attach): the
    // longer set-up limit applies, and the sentence says the worker was setting up.
    void silenceWhileSettingUpKillsAfterTheSetUpLimit()
    {
        Recorder r;
        r.session.started(4711, 1000);
        r.session.output(lineOf(hello()), 2000);
        r.session.tick(8000); // 6 s after the hello: beyond the running limit, within set-up's
        QVERIFY(!r.session.mustKill());
        r.session.tick(12000); // 10.0 s: at the limit, not beyond
        QVERIFY(!r.session.mustKill());
        r.session.tick(12001);
        QVERIFY(r.session.mustKill());
        QCOMPARE(r.session.failure(),
            std::string("ipcpg-worker (pid 4711) sent nothing for 10.0 s while setting up: it was stopped or hangs; "
                        "killed it"));
    }

    void silenceBeyondTheLimitKillsNamingThePid()
    {
        Recorder r;
        r.session.started(4711, 1000);
        r.session.output(lineOf(hello()) + lineOf(SampleMessage {}), 2000);
        QCOMPARE(r.samples.size(), std::size_t { 1 });
        r.session.tick(5000); // 3.0 s after the first sample: at the running limit, not beyond
        QVERIFY(!r.session.mustKill());
        r.session.tick(5001);
        QVERIFY(r.session.mustKill());
        QCOMPARE(r.session.failure(),
            std::string("ipcpg-worker (pid 4711) sent nothing for 3.0 s: it was stopped or hangs; killed it"));
        r.session.exited(SIGKILL);
        QCOMPARE(r.session.exitCode(), 1);
        QVERIFY(r.session.abnormal());
        QVERIFY2(r.session.failure().find("sent nothing") != std::string::npos, r.session.failure().c_str());
    }

    void aStopThatIsNotHonouredKillsAfterTheGrace()
    {
        Recorder r;
        r.session.started(4711, 0);
        r.session.output(lineOf(hello()), 0);
        r.session.stopRequested(100);
        QVERIFY(r.session.stopping());
        SampleMessage sample;
        for (std::uint64_t t = 200; t <= 2100; t += 100) { // it goes on talking, but does not end
            r.session.output(lineOf(sample), t);
            r.session.tick(t);
        }
        QVERIFY(!r.session.mustKill());
        r.session.tick(2101);
        QVERIFY(r.session.mustKill());
        QVERIFY2(
            r.session.failure().find("did not stop within 2.0 s") != std::string::npos, r.session.failure().c_str());
    }

    void unreadableOrOutOfOrderOutputKills_data()
    {
        QTest::addColumn<QByteArray>("output");
        QTest::addColumn<QString>("words");
        QTest::newRow("garbage") << QByteArray("hello world\n") << QStringLiteral("unreadable");
        QTest::newRow("sample before hello")
            << QByteArray(lineOf(SampleMessage {}).c_str()) << QStringLiteral("unreadable");
        QTest::newRow("second hello") << QByteArray((lineOf(hello()) + lineOf(hello())).c_str())
                                      << QStringLiteral("unreadable");
        QTest::newRow("huge line") << QByteArray(static_cast<qsizetype>(kMaxControlLineBytes) + 10, 'x')
                                   << QStringLiteral("longer than the protocol's limit");
    }

    void unreadableOrOutOfOrderOutputKills()
    {
        QFETCH(QByteArray, output);
        QFETCH(QString, words);
        Recorder r;
        r.session.started(4711, 0);
        r.session.output(std::string_view(output.constData(), static_cast<std::size_t>(output.size())), 1);
        QVERIFY(r.session.mustKill());
        QVERIFY2(QString::fromStdString(r.session.failure()).contains(words), r.session.failure().c_str());
        QVERIFY2(
            r.session.failure().rfind("ipcpg-worker sent something unreadable", 0) == 0, r.session.failure().c_str());
        // What a worker being killed still says is not taken.
        const int hellosBefore = r.hellos;
        r.session.output(lineOf(SampleMessage {}), 2);
        QCOMPARE(r.hellos, hellosBefore);
        QVERIFY(r.samples.empty());
    }

    void outputEndingInTheMiddleOfALineKills()
    {
        Recorder r;
        r.session.started(4711, 0);
        r.session.output(lineOf(hello()) + "{\"type\":\"sam", 1);
        QVERIFY(!r.session.mustKill());
        r.session.endOfOutput();
        QVERIFY(r.session.mustKill());
        QVERIFY2(r.session.failure().find("middle of a line") != std::string::npos, r.session.failure().c_str());
    }

    void exitStatusesReadAsSentences_data()
    {
        QTest::addColumn<int>("status");
        QTest::addColumn<bool>("withResult");
        QTest::addColumn<bool>("withError");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("failure");
        QTest::addColumn<bool>("abnormal");
        QTest::newRow("done") << exitedWith(0) << true << false << 0 << QString() << false;
        QTest::newRow("no result") << exitedWith(0) << false << false << 1
                                   << QStringLiteral("ipcpg-worker ended without reporting a result") << false;
        QTest::newRow("failed, saying why")
            << exitedWith(1) << true << true << 1
            << QStringLiteral("the responder of pair 0 (pid 44) was killed by signal 9 (Killed)") << false;
        QTest::newRow("failed silently") << exitedWith(1) << false << false << 1
                                         << QStringLiteral("ipcpg-worker exited with status 1") << false;
        QTest::newRow("refused the request")
            << exitedWith(2) << false << true << 2
            << QStringLiteral("the responder of pair 0 (pid 44) was killed by signal 9 (Killed)") << false;
        QTest::newRow("crashed") << int { SIGSEGV } << false << false << 1
                                 << QStringLiteral(
                                        "ipcpg-worker (pid 4711) was killed by signal 11 (Segmentation fault)")
                                 << true;
    }

    void exitStatusesReadAsSentences()
    {
        QFETCH(int, status);
        QFETCH(bool, withResult);
        QFETCH(bool, withError);
        QFETCH(int, exitCode);
        QFETCH(QString, failure);
        QFETCH(bool, abnormal);
        Recorder r;
        r.session.started(4711, 0);
        std::string output = lineOf(hello());
        if (withError)
            output += lineOf(ErrorMessage { "the responder of pair 0 (pid 44) was killed by signal 9 (Killed)" });
        if (withResult)
            output += lineOf(ResultMessage {});
        r.session.output(output, 1);
        r.session.endOfOutput();
        r.session.exited(status);
        QCOMPARE(r.session.exitCode(), exitCode);
        QCOMPARE(QString::fromStdString(r.session.failure()), failure);
        QCOMPARE(r.session.abnormal(), abnormal);
    }
};

QTEST_GUILESS_MAIN(TestWorkerSession)
#include "tst_workersession.moc"
