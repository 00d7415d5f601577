#include <QTest>
#include <nlohmann/json.hpp>

#include "ipcpg/error.h"
#include "ipcpg/runresult.h"
#include "ipcpg/runspec.h"

using namespace ipcpg;

class TestRunSpec : public QObject {
    Q_OBJECT

private slots:
    void specRoundTrips()
    {
        RunSpec spec;
        spec.mechanism = "pipe";
        spec.mode = Mode::Stream;
        spec.messageSize = 65536;
        spec.durationS = 2.5;
        spec.messages = 1000;
        spec.warmupS = 0.25;
        spec.placement = Placement::CrossCore;
        spec.workers = 3;
        spec.options["sync"] = "spin";
        const RunSpec copy = nlohmann::json(spec).get<RunSpec>();
        QCOMPARE(copy.mechanism, spec.mechanism);
        QVERIFY(copy.mode == spec.mode);
        QCOMPARE(copy.messageSize, spec.messageSize);
        QCOMPARE(copy.durationS, spec.durationS);
        QCOMPARE(copy.messages, spec.messages);
        QCOMPARE(copy.warmupS, spec.warmupS);
        QVERIFY(copy.placement == spec.placement);
        QCOMPARE(copy.workers, spec.workers);
        QVERIFY(copy.options == spec.options);
    }

    void badSpecsNameTheField_data()
    {
        QTest::addColumn<QString>("json");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("not an object") << "[1,2]"
                                       << "JSON object";
        QTest::newRow("size as string") << R"({"mechanism":"pipe","message_size":"big"})"
                                        << "message_size";
        QTest::newRow("negative size") << R"({"mechanism":"pipe","message_size":-5})"
                                       << "message_size";
        QTest::newRow("size too large") << R"({"mechanism":"pipe","message_size":17000000})"
                                        << "16 MiB";
        QTest::newRow("bad mode") << R"({"mechanism":"pipe","mode":"sideways"})"
                                  << "sideways";
        QTest::newRow("negative duration") << R"({"mechanism":"pipe","duration_s":-1})"
                                           << "duration";
        QTest::newRow("zero duration") << R"({"mechanism":"pipe","duration_s":0})"
                                       << "duration";
        QTest::newRow("absurd workers") << R"({"mechanism":"pipe","workers":100000})"
                                        << "1 to 16";
        QTest::newRow("wrapping workers") << R"({"mechanism":"pipe","workers":4294967297})"
                                          << "1 to 16";
        QTest::newRow("bad placement") << R"({"mechanism":"pipe","placement":"moon"})"
                                       << "moon";
        QTest::newRow("option not a string") << R"({"mechanism":"pipe","options":{"sync":3}})"
                                             << "options.sync";
    }

    void badSpecsNameTheField()
    {
        QFETCH(QString, json);
        QFETCH(QString, mentions);
        try {
            (void)nlohmann::json::parse(json.toStdString()).get<RunSpec>();
            QFAIL("accepted an invalid spec");
        } catch (const UsageError& error) {
            QVERIFY2(QString::fromUtf8(error.what()).contains(mentions), error.what());
        }
    }

    void resultCarriesDesignFields()
    {
        RunResult result;
        result.spec.mechanism = "pipe";
        result.spec.messageSize = 4096;
        result.messages = 10;
        result.bytes = 40960;
        result.histogram.record(5000);
        result.latencyNs = LatencySummary::of(result.histogram);
        const nlohmann::json json = result;
        for (const char* field : { "mechanism", "mode", "message_size", "sync", "duration_s", "messages", "bytes",
                 "msgs_per_s", "bytes_per_s", "latency_ns", "integrity_errors", "lost", "sync_errors", "cpu",
                 "context_switches", "placement" })
            QVERIFY2(json.contains(field), field);
        QVERIFY(json["sync"].is_null());
        for (const char* field : { "min", "mean", "p50", "p90", "p99", "p999", "max" })
            QVERIFY2(json["latency_ns"].contains(field), field);
        const RunResult copy = json.get<RunResult>();
        QCOMPARE(copy.messages, result.messages);
        QCOMPARE(copy.histogram.count(), std::uint64_t { 1 });
        QCOMPARE(copy.latencyNs.p50, result.latencyNs.p50);
    }

    void csvQuotesAndMatchesHeader()
    {
        RunResult result;
        result.spec.mechanism = "pipe";
        result.spec.options["note"] = "a,b";
        const std::string header = csvHeader();
        const std::string row = csvRow(result);
        QVERIFY(row.find("\"note=a,b\"") != std::string::npos);
        // Same number of columns once the quoted field is counted as one.
        const auto columns = [](const std::string& line) {
            int count = 1;
            bool quoted = false;
            for (char c : line) {
                if (c == '"')
                    quoted = !quoted;
                else if (c == ',' && !quoted)
                    ++count;
            }
            return count;
        };
        QCOMPARE(columns(row), columns(header));
    }
};

QTEST_APPLESS_MAIN(TestRunSpec)
#include "tst_runspec.moc"
