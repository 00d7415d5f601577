// The race lab with real worker processes on real shared memory: every broken mode shows sync
// errors at its default settings, every correct mode shows none, and nothing is left behind.
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTest>
#include <csignal>

#include "ipcpg/raceregistry.h"
#include "testenvironment.h"

using namespace ipcpg;

Q_DECLARE_METATYPE(ipcpg::RaceSpec)

namespace {

// Enough work to matter: a correct mode must hold over at least this many checked operations.
std::uint64_t minimumChecked(const std::string& scenario)
{
    if (scenario == "counter")
        return 1'000'000; // increments, as the issue asks
    if (scenario == "torn")
        return 10'000; // verified reads
    return 20'000; // items, critical-section entries, signals
}

RaceOutcome race(const RaceSpec& spec, SupervisorOptions options = {})
{
    options.workerPath = test::workerPath().toStdString();
    return superviseRace(spec, options);
}

QString describe(const RaceOutcome& outcome)
{
    if (!outcome.result)
        return QString::fromStdString("no result: " + outcome.error);
    const RaceResult& r = *outcome.result;
    return QStringLiteral("%1 %2: expected %3 observed %4 sync_errors %5 (%6)")
        .arg(QString::fromStdString(r.spec.scenario), QString::fromStdString(r.spec.sync))
        .arg(r.expected)
        .arg(r.observed)
        .arg(r.syncErrors)
        .arg(QString::fromStdString(outcome.error));
}

} // namespace

class TestRace : public QObject {
    Q_OBJECT

    test::PrivateRuntimeDir m_runtime;

    using Output = ipcpg::test::ProcessOutput;

    static Output ipcpg(const QStringList& arguments, int timeoutMs = 60000)
    {
        return ipcpg::test::runCli(arguments, timeoutMs);
    }

    static void addModes(bool broken)
    {
        QTest::addColumn<RaceSpec>("spec");
        for (const RaceScenarioInfo* info : RaceRegistry::instance().all()) {
            for (const RaceSyncMode& mode : info->modes) {
                if (mode.broken != broken)
                    continue;
                RaceSpec spec;
                spec.scenario = info->id;
                spec.sync = mode.id;
                QTest::newRow((info->id + " " + mode.id).c_str()) << spec;
            }
        }
    }

    void checkCleanEnd(const RaceOutcome& outcome)
    {
        QVERIFY2(outcome.exitCode == 0, qPrintable(describe(outcome)));
        QVERIFY(outcome.result.has_value());
        QVERIFY2(!outcome.result->partial, outcome.result->error.c_str());
        QVERIFY(!outcome.result->objects.empty());
        QCOMPARE(test::leftoverObjects(outcome.result->objects), QStringList {});
        QCOMPARE(m_runtime.leftoverRunDirectories(), QStringList {});
        for (const RaceProcessReport& process : outcome.result->processes)
            QCOMPARE(process.exit, std::string("exited with status 0"));
    }

private slots:
    void everyScenarioHasABrokenAndACorrectMode()
    {
        QCOMPARE(RaceRegistry::instance().ids(),
            (std::vector<std::string> { "counter", "torn", "ring", "reorder", "signals" }));
        for (const RaceScenarioInfo* info : RaceRegistry::instance().all()) {
            QCOMPARE(std::count_if(info->modes.begin(), info->modes.end(), [](const auto& m) { return m.broken; }), 1);
            QVERIFY(info->modes.size() >= 2);
        }
    }

    void correctModeGivesNoSyncErrors_data() { addModes(false); }
    void correctModeGivesNoSyncErrors()
    {
        QFETCH(RaceSpec, spec);
        std::uint64_t worstSample = 0;
        SupervisorOptions options;
        options.onSample = [&](const SampleMessage& sample) { worstSample = std::max(worstSample, sample.syncErrors); };
        const RaceOutcome outcome = race(spec, options);
        checkCleanEnd(outcome);
        const RaceResult& r = *outcome.result;
        QVERIFY2(!r.broken, qPrintable(describe(outcome)));
        QVERIFY2(r.syncErrors == 0, qPrintable(describe(outcome)));
        QVERIFY2(r.observed == r.expected, qPrintable(describe(outcome)));
        QVERIFY2(r.expected >= minimumChecked(spec.scenario), qPrintable(describe(outcome)));
        QCOMPARE(worstSample, std::uint64_t { 0 }); // not even for a moment while it ran
    }

    void brokenModeGivesSyncErrorsAtItsDefaults_data() { addModes(true); }
    void brokenModeGivesSyncErrorsAtItsDefaults()
    {
        QFETCH(RaceSpec, spec);
        const RaceOutcome outcome = race(spec);
        checkCleanEnd(outcome);
        const RaceResult& r = *outcome.result;
        QVERIFY(r.broken);
        QVERIFY2(r.syncErrors > 0, qPrintable(describe(outcome)));
        // The defaults were used and reported.
        const RaceScenarioInfo& info = *RaceRegistry::instance().find(spec.scenario);
        QCOMPARE(*r.spec.workers, info.workers.defaultValue);
        QCOMPARE(*r.spec.iterations, info.iterations.defaultValue);
        QCOMPARE(*r.spec.windowNs, info.windowNs.defaultValue);
    }

    void lostUpdatesAreExpectedMinusObserved()
    {
        RaceSpec spec;
        spec.scenario = "counter";
        spec.sync = "none";
        spec.workers = 3;
        spec.iterations = 2'000'000; // long enough for a few samples: 200 ms or more
        std::vector<SampleMessage> samples;
        SupervisorOptions options;
        options.onSample = [&](const SampleMessage& sample) { samples.push_back(sample); };
        const RaceOutcome outcome = race(spec, options);
        checkCleanEnd(outcome);
        const RaceResult& r = *outcome.result;
        QCOMPARE(r.expected, std::uint64_t { 6'000'000 });
        QVERIFY(r.observed < r.expected);
        QCOMPARE(r.syncErrors, r.expected - r.observed);
        QCOMPARE(r.details.at("lost_updates"), r.syncErrors);
        QCOMPARE(r.processes.size(), std::size_t { 3 });
        // Live samples count the increments done so far; a late stale store can still pull the
        // counter down, so only the final tally is exact.
        QVERIFY(!samples.empty());
        for (const SampleMessage& sample : samples) {
            QVERIFY(sample.expected <= r.expected);
            QCOMPARE(sample.syncErrors, sample.expected - std::min(sample.expected, sample.observed));
        }
    }

    void stopGivesAPartialResultQuickly()
    {
        RaceSpec spec;
        spec.scenario = "ring";
        spec.sync = "semaphore";
        spec.iterations = RaceRegistry::instance().find("ring")->iterations.max;
        std::atomic<bool> cancel { false };
        int samples = 0;
        SupervisorOptions options;
        options.cancel = &cancel;
        options.onSample = [&](const SampleMessage&) {
            if (++samples == 3)
                cancel = true;
        };
        QElapsedTimer timer;
        timer.start();
        const RaceOutcome outcome = race(spec, options);
        // That it stopped early, the partial result says; the time is a bound for a hang only.
        QVERIFY(timer.elapsed() < test::kEndedEarlyMs);
        QCOMPARE(outcome.exitCode, 0);
        QVERIFY(outcome.result && outcome.result->partial);
        // A correct ring drains what was produced before it stops: still nothing lost.
        QCOMPARE(outcome.result->syncErrors, std::uint64_t { 0 });
        QVERIFY(outcome.result->expected > 0);
        QCOMPARE(outcome.result->observed, outcome.result->expected);
        QCOMPARE(test::leftoverObjects(outcome.result->objects), QStringList {});
        QCOMPARE(m_runtime.leftoverRunDirectories(), QStringList {});
    }

    void killedWorkerFailsTheRaceAndLeavesNothing()
    {
        RaceSpec spec;
        spec.scenario = "counter";
        spec.sync = "mutex";
        spec.iterations = RaceRegistry::instance().find("counter")->iterations.max;
        HelloMessage hello;
        int samples = 0;
        int killed = 0;
        SupervisorOptions options;
        options.onHello = [&](const HelloMessage& h) { hello = h; };
        options.onSample = [&](const SampleMessage&) {
            if (++samples == 3) {
                killed = hello.workerPids.at(1);
                ::kill(killed, SIGKILL);
            }
        };
        QElapsedTimer timer;
        timer.start();
        const RaceOutcome outcome = race(spec, options);
        QVERIFY(timer.elapsed() < test::kEndedEarlyMs); // a bound for a hang; partial says it ended early
        QCOMPARE(outcome.exitCode, 1);
        const QString error = QString::fromStdString(outcome.error);
        QVERIFY2(error.contains(QStringLiteral("pid %1").arg(killed)) && error.contains(QStringLiteral("signal 9")),
            qPrintable(error));
        QVERIFY(outcome.result && outcome.result->partial);
        QCOMPARE(test::objectsOfPid(hello.pid), QStringList {});
        QCOMPARE(m_runtime.leftoverRunDirectories(), QStringList {});
    }

    void invalidSpecIsRefusedBeforeAnythingStarts()
    {
        RaceSpec spec;
        spec.scenario = "reorder";
        spec.sync = "none";
        spec.workers = 3;
        const RaceOutcome outcome = race(spec);
        QCOMPARE(outcome.exitCode, 2);
        QVERIFY2(QString::fromStdString(outcome.error).contains(QStringLiteral("workers 3")), outcome.error.c_str());
        QVERIFY(!outcome.result);
    }

    void cliPrintsTheDocumentedJsonAndTable()
    {
        const Output json = ipcpg(
            { "race", "--scenario", "counter", "--sync", "atomic", "--iterations", "500000", "--format", "json" });
        QVERIFY2(json.exitCode == 0, json.err.constData());
        const QJsonObject r = QJsonDocument::fromJson(json.out).object();
        for (const char* field : { "scenario", "sync", "workers", "expected", "observed", "sync_errors" })
            QVERIFY2(r.contains(QLatin1String(field)), field);
        QCOMPARE(r["scenario"].toString(), QStringLiteral("counter"));
        QCOMPARE(r["sync"].toString(), QStringLiteral("atomic"));
        QCOMPARE(r["workers"].toInteger(), 2);
        QCOMPARE(r["expected"].toInteger(), 1'000'000);
        QCOMPARE(r["observed"].toInteger(), 1'000'000);
        QCOMPARE(r["sync_errors"].toInteger(), 0);

        const Output table = ipcpg({ "race", "--scenario", "torn", "--sync", "none", "--size", "1K" });
        QVERIFY2(table.exitCode == 0, table.err.constData());
        for (const char* word : { "expected", "observed", "sync_errors", "torn reads", "record 1 KiB" })
            QVERIFY2(table.out.contains(word), word);

        const Output list = ipcpg({ "race", "--list" });
        QCOMPARE(list.exitCode, 0);
        for (const std::string& id : RaceRegistry::instance().ids())
            QVERIFY(list.out.contains(id.c_str()));
    }

    void cliBadValuesExitTwoNamingTheValue_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("mentions");
        const QStringList counter { "race", "--scenario", "counter", "--sync", "none" };
        QTest::newRow("workers absurd") << (counter + QStringList { "--workers", "100000" }) << "100000";
        QTest::newRow("workers range") << (counter + QStringList { "--workers", "1" }) << "2 to 16";
        QTest::newRow("iterations negative") << (counter + QStringList { "--iterations", "-1" }) << "-1";
        QTest::newRow("iterations zero") << (counter + QStringList { "--iterations", "0" }) << "1 to 100000000";
        QTest::newRow("iterations words") << (counter + QStringList { "--iterations", "lots" }) << "lots";
        QTest::newRow("window") << (counter + QStringList { "--window", "2000000" }) << "0 to 1000000";
        QTest::newRow("unknown scenario")
            << QStringList { "race", "--scenario", "pigeon", "--sync", "none" } << "pigeon";
        QTest::newRow("unknown sync") << QStringList { "race", "--scenario", "counter", "--sync", "spin" } << "spin";
        QTest::newRow("sync of another scenario")
            << QStringList { "race", "--scenario", "ring", "--sync", "fence" } << "semaphore";
        QTest::newRow("no sync") << QStringList { "race", "--scenario", "counter" } << "--sync";
        QTest::newRow("no scenario") << QStringList { "race", "--sync", "none" } << "--scenario";
        QTest::newRow("size not torn") << (counter + QStringList { "--size", "64" }) << "torn";
        QTest::newRow("size too big") << QStringList { "race", "--scenario", "torn", "--sync", "none", "--size", "1M" }
                                      << "16 to 4096";
        QTest::newRow("size unaligned") << QStringList { "race", "--scenario", "torn", "--sync", "none", "--size",
            "100" } << "multiple of 8";
        QTest::newRow("fixed workers") << QStringList { "race", "--scenario", "reorder", "--sync", "none", "-w", "4" }
                                       << "always runs 2";
        QTest::newRow("format") << (counter + QStringList { "--format", "csv" }) << "csv";
    }

    void cliBadValuesExitTwoNamingTheValue()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QString, mentions);
        const Output output = ipcpg(arguments);
        QCOMPARE(output.exitCode, 2);
        QVERIFY(output.out.isEmpty());
        const QString error = QString::fromLocal8Bit(output.err).trimmed();
        QVERIFY2(!error.contains(QLatin1Char('\n')), qPrintable(error));
        QVERIFY2(error.contains(mentions), qPrintable(error));
    }
};

QTEST_GUILESS_MAIN(TestRace)
#include "tst_race.moc"
