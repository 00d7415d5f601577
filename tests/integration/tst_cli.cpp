// The ipcpg command line as a user meets it: real process, real arguments, real output.
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTest>

#include "testenvironment.h"

class TestCli : public QObject {
    Q_OBJECT

    ipcpg::test::PrivateRuntimeDir m_runtime;

    using Output = ipcpg::test::CliOutput;

    static Output ipcpg(const QStringList& arguments, int timeoutMs = 60000)
    {
        return ipcpg::test::runCli(arguments, timeoutMs);
    }

private slots:
    void runPrintsTheDocumentedJson()
    {
        const Output output = ipcpg({ "run", "--mechanism", "pipe", "--size", "4096", "--mode", "pingpong", "--duration",
            "0.3", "--format", "json" });
        QVERIFY2(output.exitCode == 0, output.err.constData());
        QJsonParseError error;
        const QJsonDocument document = QJsonDocument::fromJson(output.out, &error);
        QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(error.errorString()));
        const QJsonObject run = document.object();
        for (const char* field : { "mechanism", "mode", "message_size", "sync", "duration_s", "messages", "bytes",
                 "msgs_per_s", "bytes_per_s", "latency_ns", "integrity_errors", "lost", "sync_errors", "cpu",
                 "context_switches", "placement" })
            QVERIFY2(run.contains(QLatin1String(field)), field);
        QCOMPARE(run["mechanism"].toString(), QStringLiteral("pipe"));
        QCOMPARE(run["mode"].toString(), QStringLiteral("pingpong"));
        QCOMPARE(run["message_size"].toInteger(), 4096);
        QVERIFY(run["sync"].isNull());
        QVERIFY(run["messages"].toInteger() > 0);
        QCOMPARE(run["bytes"].toInteger(), run["messages"].toInteger() * 4096);
        QCOMPARE(run["integrity_errors"].toInteger(), 0);
        QVERIFY(run["duration_s"].toDouble() > 0.25 && run["duration_s"].toDouble() < 0.5);
        QVERIFY(std::abs(run["msgs_per_s"].toDouble() * run["duration_s"].toDouble() - run["messages"].toDouble()) < 2);
        const QJsonObject latency = run["latency_ns"].toObject();
        for (const char* field : { "min", "mean", "p50", "p90", "p99", "p999", "max" })
            QVERIFY2(latency.contains(QLatin1String(field)), field);
        QVERIFY(latency["min"].toDouble() <= latency["p50"].toDouble());
        QVERIFY(latency["p50"].toDouble() <= latency["p99"].toDouble());
        QVERIFY(latency["p99"].toDouble() <= latency["max"].toDouble());
        QVERIFY(run["cpu"].toObject().contains("user_s"));
        QVERIFY(run["cpu"].toObject().contains("sys_s"));
        QVERIFY(run["context_switches"].toObject()["voluntary"].toInteger() > 0);
        QCOMPARE(run["placement"].toObject()["requested"].toString(), QStringLiteral("unpinned"));
        QCOMPARE(run["placement"].toObject()["cpus"].toArray().size(), 2);
    }

    void runPrintsCsvAndTable()
    {
        const Output csv = ipcpg({ "run", "-m", "pipe", "-s", "64", "--mode", "stream", "-d", "0.2", "-f", "csv" });
        QVERIFY2(csv.exitCode == 0, csv.err.constData());
        const QList<QByteArray> lines = csv.out.trimmed().split('\n');
        QCOMPARE(lines.size(), 2);
        QVERIFY(lines[0].startsWith("mechanism,mode,message_size"));
        QVERIFY(lines[1].startsWith("pipe,stream,64,"));

        const Output table = ipcpg({ "run", "-m", "pipe", "-s", "1K", "-d", "0.2" });
        QVERIFY2(table.exitCode == 0, table.err.constData());
        QVERIFY(table.out.contains("round trips"));
        QVERIFY(table.out.contains("p99"));
    }

    void outWritesAFile()
    {
        const QString path = m_runtime.path() + QStringLiteral("/result.json");
        const Output output = ipcpg({ "run", "-m", "pipe", "-d", "0.2", "-f", "json", "--out", path });
        QVERIFY2(output.exitCode == 0, output.err.constData());
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QVERIFY(QJsonDocument::fromJson(file.readAll()).isObject());
    }

    void listShowsMechanismsWithModesAndLimits()
    {
        const Output output = ipcpg({ "list", "--format", "json" });
        QCOMPARE(output.exitCode, 0);
        const QJsonArray list = QJsonDocument::fromJson(output.out).array();
        QVERIFY(!list.isEmpty());
        bool sawPipe = false;
        for (const QJsonValue& value : list) {
            const QJsonObject mechanism = value.toObject();
            QVERIFY(!mechanism["id"].toString().isEmpty());
            QVERIFY(!mechanism["modes"].toArray().isEmpty());
            QVERIFY(mechanism["size_limit"].toObject().contains("max"));
            QVERIFY(!mechanism["size_limit"].toObject()["reason"].toString().isEmpty());
            sawPipe |= mechanism["id"].toString() == QStringLiteral("pipe");
        }
        QVERIFY(sawPipe);
        const Output table = ipcpg({ "list" });
        QCOMPARE(table.exitCode, 0);
        QVERIFY(table.out.contains("pipe"));
    }

    void badArgumentsExitTwoNamingTheValue_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("mentions");
        const QStringList run { "run", "--mechanism", "pipe", "--duration", "0.2" };
        QTest::newRow("size 1T") << (run + QStringList { "--size", "1T" }) << "1T";
        QTest::newRow("size negative") << (run + QStringList { "--size", "-1" }) << "-1";
        QTest::newRow("size words") << (run + QStringList { "--size", "lots" }) << "lots";
        QTest::newRow("size empty") << (run + QStringList { "--size", "" }) << "--size";
        QTest::newRow("size zero") << (run + QStringList { "--size", "0" }) << "0 B";
        QTest::newRow("duration negative") << QStringList { "run", "-m", "pipe", "--duration", "-1" } << "-1";
        QTest::newRow("duration zero") << QStringList { "run", "-m", "pipe", "--duration", "0" } << "0";
        QTest::newRow("duration words") << QStringList { "run", "-m", "pipe", "--duration", "soon" } << "soon";
        QTest::newRow("workers absurd") << (run + QStringList { "--workers", "100000" }) << "100000";
        QTest::newRow("workers zero") << (run + QStringList { "--workers", "0" }) << "1 to 16";
        QTest::newRow("messages words") << (run + QStringList { "--messages", "many" }) << "many";
        QTest::newRow("unknown mechanism") << QStringList { "run", "-m", "pigeon" } << "pigeon";
        QTest::newRow("mode") << (run + QStringList { "--mode", "sideways" }) << "sideways";
        QTest::newRow("placement") << (run + QStringList { "--placement", "moon" }) << "moon";
        QTest::newRow("format") << (run + QStringList { "--format", "xml" }) << "xml";
        QTest::newRow("option syntax") << (run + QStringList { "--option", "novalue" }) << "novalue";
        QTest::newRow("option unknown") << (run + QStringList { "--option", "colour=blue" }) << "colour";
        QTest::newRow("sync on pipe") << (run + QStringList { "--sync", "spin" }) << "sync";
        QTest::newRow("unknown flag") << (run + QStringList { "--turbo" }) << "turbo";
        QTest::newRow("no subcommand") << QStringList {} << "subcommand";
        QTest::newRow("mechanism missing") << QStringList { "run" } << "mechanism";
        QTest::newRow("sweep sizes") << QStringList { "sweep", "-m", "pipe", "--size", "64,huge" } << "huge";
    }

    void badArgumentsExitTwoNamingTheValue()
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

    void versionIsPrinted()
    {
        const Output output = ipcpg({ "--version" });
        QCOMPARE(output.exitCode, 0);
        QVERIFY(output.out.startsWith("ipcpg "));
        QProcess worker;
        worker.start(ipcpg::test::workerPath(), { "--version" });
        QVERIFY(worker.waitForFinished(10000));
        QVERIFY(worker.readAllStandardOutput().startsWith("ipcpg-worker "));
    }

    void sweepRunsEveryPair()
    {
        const Output output
            = ipcpg({ "sweep", "-m", "pipe", "--size", "64,4K", "--mode", "pingpong,stream", "-d", "0.1", "-f", "json" });
        QVERIFY2(output.exitCode == 0, output.err.constData());
        const QJsonArray runs = QJsonDocument::fromJson(output.out).array();
        QCOMPARE(runs.size(), 4);
        for (const QJsonValue& run : runs)
            QCOMPARE(run.toObject()["integrity_errors"].toInteger(), 0);
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
