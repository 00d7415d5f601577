// The race scenarios' registry and their JSON: validation with the reason and the range, defaults,
// and strict reading of results.
#include <QTest>
#include <nlohmann/json.hpp>

#include "ipcpg/controlprotocol.h"
#include "ipcpg/error.h"
#include "ipcpg/raceregistry.h"
#include "ipcpg/runsupervisor.h"

using namespace ipcpg;

Q_DECLARE_METATYPE(ipcpg::RaceSpec)

namespace {

RaceSpec spec(std::string scenario, std::string sync)
{
    RaceSpec s;
    s.scenario = std::move(scenario);
    s.sync = std::move(sync);
    return s;
}

QString refusal(RaceSpec s)
{
    try {
        RaceRegistry::instance().validate(s);
    } catch (const UsageError& error) {
        return QString::fromUtf8(error.what());
    }
    return {};
}

} // namespace

class TestRaceRegistry : public QObject {
    Q_OBJECT

private slots:
    void scenariosAreListedWithSaneLimits()
    {
        const RaceRegistry& registry = RaceRegistry::instance();
        QCOMPARE(registry.all().size(), std::size_t { 5 });
        for (const RaceScenarioInfo* info : registry.all()) {
            QCOMPARE(registry.find(info->id), info);
            QVERIFY(!info->title.empty() && !info->summary.empty() && !info->counted.empty());
            QVERIFY(info->modes.front().broken);
            for (const RaceRange* range : { &info->workers, &info->iterations, &info->windowNs }) {
                QVERIFY(range->min <= range->defaultValue && range->defaultValue <= range->max);
            }
            QVERIFY(info->workers.min >= 2);
            QVERIFY(info->iterations.contains(info->demoIterations));
        }
        QVERIFY(registry.find("torn")->recordSize.has_value());
        QVERIFY(!registry.find("counter")->recordSize.has_value());
        QVERIFY(registry.find("pigeon") == nullptr);
    }

    void validationFillsTheDefaults()
    {
        RaceSpec s = spec("torn", "seqlock");
        RaceRegistry::instance().validate(s);
        const RaceScenarioInfo& info = *RaceRegistry::instance().find("torn");
        QCOMPARE(*s.workers, static_cast<unsigned>(info.workers.defaultValue));
        QCOMPARE(*s.iterations, info.iterations.defaultValue);
        QCOMPARE(*s.windowNs, info.windowNs.defaultValue);
        QCOMPARE(*s.recordSize, info.recordSize->defaultValue);
        s.windowNs = 0; // zero is a valid window, not "use the default"
        RaceRegistry::instance().validate(s);
        QCOMPARE(*s.windowNs, std::uint64_t { 0 });
    }

    void badValuesAreRefusedWithTheRange_data()
    {
        QTest::addColumn<RaceSpec>("bad");
        QTest::addColumn<QString>("mentions");
        RaceSpec s = spec("pigeon", "none");
        QTest::newRow("scenario") << s << "pigeon";
        s = spec("counter", "spin");
        QTest::newRow("sync") << s << "none (broken), atomic, mutex, semaphore";
        s = spec("counter", "");
        QTest::newRow("no sync") << s << "no sync mode";
        s = spec("counter", "none");
        s.workers = 100000;
        QTest::newRow("workers") << s << "give 2 to 16";
        s = spec("ring", "none");
        s.workers = 3;
        QTest::newRow("fixed workers") << s << "always 2";
        s = spec("counter", "none");
        s.iterations = 0;
        QTest::newRow("iterations") << s << "1 to 100000000";
        s = spec("counter", "none");
        s.windowNs = 1'000'001;
        QTest::newRow("window") << s << "0 to 1000000 ns";
        s = spec("torn", "none");
        s.recordSize = 12;
        QTest::newRow("record small") << s << "from 16 to";
        s = spec("torn", "none");
        s.recordSize = 100;
        QTest::newRow("record unaligned") << s << "multiple of 8";
        s = spec("signals", "standard");
        s.recordSize = 64;
        QTest::newRow("record elsewhere") << s << "torn scenario only";
    }

    void badValuesAreRefusedWithTheRange()
    {
        QFETCH(RaceSpec, bad);
        QFETCH(QString, mentions);
        const QString reason = refusal(bad);
        QVERIFY2(reason.contains(mentions), qPrintable(reason));
        QVERIFY(!reason.contains(QLatin1Char('\n')));
    }

    void specTravelsAsJson()
    {
        RaceSpec s = spec("torn", "mutex");
        s.workers = 4;
        s.iterations = 123;
        s.windowNs = 0;
        s.recordSize = 512;
        const nlohmann::json json = s;
        QCOMPARE(json.at("race_window_ns").get<int>(), 0);
        const RaceSpec back = json.get<RaceSpec>();
        QCOMPARE(back.scenario, s.scenario);
        QCOMPARE(back.sync, s.sync);
        QCOMPARE(back.workers, s.workers);
        QCOMPARE(back.iterations, s.iterations);
        QCOMPARE(back.windowNs, s.windowNs);
        QCOMPARE(back.recordSize, s.recordSize);
        QVERIFY_THROWS_EXCEPTION(
            UsageError, (void)nlohmann::json::parse(R"({"scenario":"counter","workers":-2})").get<RaceSpec>());
        QVERIFY_THROWS_EXCEPTION(UsageError, (void)nlohmann::json::parse(R"({"scenario":7})").get<RaceSpec>());
    }

    void resultTravelsThroughTheControlChannel()
    {
        RaceResult result;
        result.spec = spec("counter", "none");
        result.spec.workers = 2;
        result.spec.iterations = 10;
        result.spec.windowNs = 100;
        result.broken = true;
        result.counted = "lost updates";
        result.expected = 20;
        result.observed = 13;
        result.syncErrors = 7;
        result.details["lost_updates"] = 7;
        result.processes.push_back({ "incrementer 0", 42, 10, 0.5, 0.1, 3, 4, "exited with status 0" });
        result.objects = { "shm:/ipcpg-1-2-race" };
        const std::string line = encodeControlMessage(RaceResultMessage { nlohmann::json(result).dump() });
        const auto message = parseControlLine(line);
        const auto* raceMessage = std::get_if<RaceResultMessage>(&message);
        QVERIFY(raceMessage);
        const RaceResult back = parseRaceResult(raceMessage->json);
        QCOMPARE(back.expected, result.expected);
        QCOMPARE(back.observed, result.observed);
        QCOMPARE(back.syncErrors, result.syncErrors);
        QCOMPARE(back.details, result.details);
        QCOMPARE(back.processes.size(), std::size_t { 1 });
        QCOMPARE(back.processes[0].pid, 42);
        QCOMPARE(*back.spec.workers, 2U);
        // The names of packaging/man/ipcpg.1.in.
        const nlohmann::json json = nlohmann::json::parse(raceMessage->json);
        for (const char* field : { "scenario", "sync", "workers", "expected", "observed", "sync_errors" })
            QVERIFY2(json.contains(field), field);
    }

    void malformedResultIsAProtocolError_data()
    {
        QTest::addColumn<QString>("json");
        QTest::newRow("not json") << "{";
        QTest::newRow("missing sync_errors")
            << R"({"scenario":"counter","sync":"none","workers":2,"expected":1,"observed":1})";
        QTest::newRow("negative count")
            << R"({"scenario":"counter","sync":"none","workers":2,"expected":-1,"observed":1,"sync_errors":0})";
    }

    void malformedResultIsAProtocolError()
    {
        QFETCH(QString, json);
        QVERIFY_THROWS_EXCEPTION(ProtocolError, parseRaceResult(json.toStdString()));
    }
};

QTEST_GUILESS_MAIN(TestRaceRegistry)
#include "tst_raceregistry.moc"
