#include <QTest>
#include <random>

#include "ipcpg/controlprotocol.h"

using namespace ipcpg;

class TestControlProtocol : public QObject {
    Q_OBJECT

private slots:
    void everyMessageRoundTrips()
    {
        SampleMessage sample;
        sample.elapsedS = 1.5;
        sample.intervalS = 0.1;
        sample.messages = 1234;
        sample.bytes = 1234 * 64;
        sample.totalMessages = 99999;
        sample.lost = 3;
        LatencyHistogram h;
        h.record(4500);
        h.record(4600);
        sample.latencyNs = LatencySummary::of(h);
        sample.histogramDelta = h.nonEmptyBuckets();
        const auto parsed = parseControlLine(encodeControlMessage(sample));
        const auto* back = std::get_if<SampleMessage>(&parsed);
        QVERIFY(back);
        QCOMPARE(back->messages, sample.messages);
        QCOMPARE(back->totalMessages, sample.totalMessages);
        QCOMPARE(back->lost, sample.lost);
        QCOMPARE(back->latencyNs.p50, sample.latencyNs.p50);
        QVERIFY(back->histogramDelta == sample.histogramDelta);

        HelloMessage hello;
        hello.pid = 42;
        hello.workerPids = { 43, 44 };
        const auto helloBack = parseControlLine(encodeControlMessage(hello));
        QVERIFY(std::get<HelloMessage>(helloBack).workerPids == hello.workerPids);

        const auto error = parseControlLine(encodeControlMessage(ErrorMessage { "kaputt \xff" }));
        QVERIFY(std::get<ErrorMessage>(error).message.find("kaputt") == 0);
    }

    void malformedLinesAreRejected_data()
    {
        QTest::addColumn<QByteArray>("line");
        QTest::newRow("empty") << QByteArray("");
        QTest::newRow("garbage") << QByteArray("\x01\x02garbage");
        QTest::newRow("truncated") << QByteArray(R"({"type":"sample","t":1.0,"interval_s")");
        QTest::newRow("array") << QByteArray("[1,2,3]");
        QTest::newRow("no type") << QByteArray(R"({"pid":1})");
        QTest::newRow("unknown type") << QByteArray(R"({"type":"launch_missiles"})");
        QTest::newRow("wrong field type") << QByteArray(R"({"type":"error","message":5})");
        QTest::newRow("sample missing fields") << QByteArray(R"({"type":"sample","t":1})");
        QTest::newRow("bucket out of range")
            << QByteArray(R"({"type":"sample","t":0,"interval_s":0.1,"messages":1,"bytes":1,"total_messages":1,)"
                          R"("integrity_errors":0,"lost":0,"sync_errors":0,"cpu":{"user_s":0,"sys_s":0},)"
                          R"("context_switches":{"voluntary":0,"involuntary":0},"latency_ns":{},)"
                          R"("histogram":[[999999,1]]})");
        QTest::newRow("negative count") << QByteArray(
            R"({"type":"sample","t":0,"interval_s":0.1,"messages":-1,"bytes":1,"total_messages":1,)"
            R"("integrity_errors":0,"lost":0,"sync_errors":0,"cpu":{"user_s":0,"sys_s":0},)"
            R"("context_switches":{"voluntary":0,"involuntary":0},"latency_ns":{},"histogram":[]})");
        QTest::newRow("result with wrong types") << QByteArray(R"({"type":"result","result":{"messages":"many"}})");
        QTest::newRow("wrong protocol") << QByteArray(
            R"({"type":"hello","protocol":99,"pid":1,"worker_pids":[],"clock_read_ns":1})");
        QTest::newRow("too long") << QByteArray(static_cast<int>(kMaxControlLineBytes) + 10, 'x');
    }

    void malformedLinesAreRejected()
    {
        QFETCH(QByteArray, line);
        QVERIFY_THROWS_EXCEPTION(
            ProtocolError, parseControlLine(std::string_view(line.constData(), static_cast<std::size_t>(line.size()))));
    }

    void randomBytesNeverCrash()
    {
        std::mt19937 random(7);
        const std::string valid = encodeControlMessage(SampleMessage {});
        for (int i = 0; i < 5000; ++i) {
            std::string line = valid;
            const int edits = 1 + static_cast<int>(random() % 4);
            for (int e = 0; e < edits; ++e)
                line[random() % line.size()] = static_cast<char>(random() % 256);
            line.resize(random() % (line.size() + 1));
            try {
                (void)parseControlLine(line);
            } catch (const ProtocolError&) {
            }
        }
    }

    void lineBufferSplitsAndBoundsLines()
    {
        ControlLineBuffer buffer;
        buffer.append("abc\nde");
        QCOMPARE(buffer.nextLine().value(), std::string("abc"));
        QVERIFY(!buffer.nextLine());
        buffer.append("f\n\n");
        QCOMPARE(buffer.nextLine().value(), std::string("def"));
        QCOMPARE(buffer.nextLine().value(), std::string(""));

        buffer.append(std::string(kMaxControlLineBytes + 5, 'x'));
        QVERIFY(!buffer.nextLine());
        QVERIFY(buffer.overflowed());
        buffer.append("tail of the huge line\nnext\n");
        QCOMPARE(buffer.nextLine().value(), std::string("next"));
    }
};

QTEST_APPLESS_MAIN(TestControlProtocol)
#include "tst_controlprotocol.moc"
