// ipcpg sweep over member counts and offered rates, and --rate auto's search: real processes,
// low rates and short runs, so nothing here depends on how fast the machine is.
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <QTest>
#include <algorithm>
#include <cmath>

#include "ipcpg/ratesearch.h"
#include "testenvironment.h"

namespace {

using Output = ipcpg::test::ProcessOutput;

// The run objects of a sweep's JSON output; fails the test when it is not an array of objects.
QList<QJsonObject> runsOf(const Output& output)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(output.out, &error);
    if (error.error != QJsonParseError::NoError || !document.isArray()) {
        qWarning("not a JSON array: %s", qPrintable(error.errorString()));
        return {};
    }
    QList<QJsonObject> runs;
    for (const QJsonValue& run : document.array())
        runs << run.toObject();
    return runs;
}

} // namespace

class TestSweep : public QObject {
    Q_OBJECT

    ipcpg::test::PrivateRuntimeDir m_runtime;

private slots:
    void aMemberListRunsOncePerCount()
    {
        const Output output = ipcpg::test::runCli({ "sweep", "-m", "pipe", "--topology", "fanout", "--subscribers",
            "1,2", "--mode", "stream", "-d", "0.2", "--format", "json" });
        QVERIFY2(output.exitCode == 0, qPrintable(output.describe()));
        const QList<QJsonObject> runs = runsOf(output);
        QCOMPARE(runs.size(), 2);
        for (int i = 0; i < runs.size(); ++i) {
            const QJsonObject& run = runs[i];
            QCOMPARE(run["topology"].toString(), QStringLiteral("fanout"));
            QCOMPARE(run["subscribers"].toInt(), i + 1);
            QCOMPARE(run["integrity_errors"].toInteger(), 0);
            const QJsonArray members = run["members"].toArray();
            QCOMPARE(members.size(), i + 1);
            for (const QJsonValue& member : members) {
                QVERIFY(member.toObject()["messages"].toInteger() > 0);
                QCOMPARE(member.toObject()["integrity_errors"].toInteger(), 0);
            }
        }
    }

    void aRateListOffersEachRate()
    {
        // Each run is offered its rate, never sends ahead of the schedule, and the sweep's verdict
        // follows from what the runs achieved. Whether a pipe keeps up with 4k/s in 0.2 s is the
        // machine's business (a loaded one falls a few percent behind): the verdict must say so.
        const Output output = ipcpg::test::runCli(
            { "sweep", "-m", "pipe", "--mode", "stream", "--rate", "2k,4k", "-d", "0.2", "--format", "json" });
        QVERIFY2(output.exitCode == 0, qPrintable(output.describe()));
        const QList<QJsonObject> runs = runsOf(output);
        QCOMPARE(runs.size(), 2);
        const double offered[] = { 2000, 4000 };
        bool allKeptUp = true;
        for (int i = 0; i < runs.size(); ++i) {
            const QJsonObject rate = runs[i]["rate"].toObject();
            QCOMPARE(rate["offered"].toDouble(), offered[i]);
            const double achieved = rate["achieved"].toDouble();
            QVERIFY2(achieved > 0 && achieved <= offered[i] * (1 + ipcpg::kKeptUpTolerance),
                qPrintable(QStringLiteral("offered %1, achieved %2").arg(offered[i]).arg(achieved)));
            allKeptUp = allKeptUp && achieved >= offered[i] * (1 - ipcpg::kKeptUpTolerance);
            QCOMPARE(runs[i]["integrity_errors"].toInteger(), 0);
        }
        const QByteArray reached = "saturation: pipe stream 64 B unpinned not reached";
        QVERIFY2(output.err.contains("saturation: pipe stream 64 B unpinned "), output.err.constData());
        QVERIFY2(output.err.contains(reached) == allKeptUp, output.err.constData());
    }

    void autoRateFindsASaturation()
    {
        const Output output = ipcpg::test::runCli({ "sweep", "-m", "pipe", "--mode", "stream", "--rate", "auto", "-d",
                                                      "0.2", "--warmup", "0.05", "--format", "json" },
            120000);
        QVERIFY2(output.exitCode == 0, qPrintable(output.describe()));
        const QList<QJsonObject> runs = runsOf(output);
        QVERIFY(runs.size() >= 3 && runs.size() <= 16); // the probe, steps and refinements, within the cap
        QSet<double> offered;
        double lowestShort = HUGE_VAL;
        for (const QJsonObject& run : runs) {
            if (!run.contains("rate")) {
                QVERIFY(run["msgs_per_s"].toDouble() > 0); // the closed-loop probe
                continue;
            }
            const QJsonObject rate = run["rate"].toObject();
            const double rateOffered = rate["offered"].toDouble();
            QVERIFY2(!offered.contains(rateOffered), qPrintable(QString::number(rateOffered)));
            offered.insert(rateOffered);
            if (rate["achieved"].toDouble() < 0.98 * rateOffered || run["partial"].toBool())
                lowestShort = std::min(lowestShort, rateOffered);
        }
        QCOMPARE(offered.size(), runs.size() - 1);
        QVERIFY2(lowestShort < HUGE_VAL, "no step fell short");
        // With JSON on stdout, the saturation line goes to stderr: "... at about 378 k/s".
        const QByteArray prefix = "saturation: pipe stream 64 B unpinned at about ";
        const qsizetype at = output.err.indexOf(prefix);
        QVERIFY2(at >= 0, output.err.constData());
        const QByteArray rate = output.err.mid(at + prefix.size()).split('\n').front();
        QVERIFY2(rate.endsWith("/s") && rate.split(' ').front().toDouble() > 0, rate.constData());
    }

    void badListsExitTwoNamingTheValue_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QStringList>("mentions"); // the bad value, and what is allowed
        const QStringList sweep { "sweep", "-m", "pipe", "-d", "0.1" };
        const auto row = [](const char* name, const QStringList& arguments, const QStringList& mentions) {
            QTest::newRow(name) << arguments << mentions;
        };
        row("subscribers without fanout", sweep + QStringList { "--subscribers", "1,2" },
            { "--subscribers \"1,2\"", "--topology fanout", "pair" });
        row("publishers with fanout", sweep + QStringList { "--topology", "fanout", "--publishers", "2,4" },
            { "--publishers \"2,4\"", "--topology fanin", "fanout" });
        row("subscriber count", sweep + QStringList { "--topology", "fanout", "--subscribers", "1,x" },
            { "\"x\"", "from 1 to 64" });
        row("subscribers above 64", sweep + QStringList { "--topology", "fanout", "--subscribers", "2,65" },
            { "\"65\"", "from 1 to 64" });
        row("rate word", sweep + QStringList { "--rate", "10k,fast" }, { "\"fast\"", "at most 100M", "auto" });
        row("rate zero", sweep + QStringList { "--rate", "0" }, { "\"0\"", "more than 0" });
        row("rate auto in a list", sweep + QStringList { "--rate", "auto,10k" }, { "\"auto\"", "or auto" });
        row("rate list absurd",
            sweep + QStringList { "--rate", QStringLiteral("1k,").repeated(70) + QStringLiteral("1k") },
            { "71 rates", "at most 64" });
    }

    void badListsExitTwoNamingTheValue()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QStringList, mentions);
        const QString problem = ipcpg::test::usageRefusalProblem(ipcpg::test::runCli(arguments), mentions);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
    }
};

QTEST_GUILESS_MAIN(TestSweep)
#include "tst_sweep.moc"
