// The ipcpg command line as a user meets it: real process, real arguments, real output.
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTest>

#include "ipcpg/controlprotocol.h"
#include "testenvironment.h"

class TestCli : public QObject {
    Q_OBJECT

    ipcpg::test::PrivateRuntimeDir m_runtime;

    using Output = ipcpg::test::ProcessOutput;

    static Output ipcpg(const QStringList& arguments, int timeoutMs = 60000)
    {
        return ipcpg::test::runProcess(
            ipcpg::test::cliPath(), arguments, QProcessEnvironment::systemEnvironment(), timeoutMs);
    }

private slots:
    void runPrintsTheDocumentedJson()
    {
        const Output output = ipcpg({ "run", "--mechanism", "pipe", "--size", "4096", "--mode", "pingpong",
            "--duration", "0.3", "--format", "json" });
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

    // Optional mechanisms are listed exactly when this build has them (IPCPG_WITH_ZEROMQ), with
    // their options, so a script can ask `ipcpg list` what it may run.
    void listShowsWhatThisBuildHas()
    {
        const Output output = ipcpg({ "list", "--format", "json" });
        QCOMPARE(output.exitCode, 0);
        QJsonObject zeromq;
        for (const QJsonValue& value : QJsonDocument::fromJson(output.out).array()) {
            if (value.toObject()["id"].toString() == QStringLiteral("zeromq"))
                zeromq = value.toObject();
        }
        QCOMPARE(!zeromq.isEmpty(), IPCPG_TEST_WITH_ZEROMQ != 0);
        if (zeromq.isEmpty())
            return;
        QStringList options;
        for (const QJsonValue& option : zeromq["options"].toArray())
            options << option.toObject()["name"].toString() + QLatin1Char('=')
                    + option.toObject()["default"].toString();
        QCOMPARE(options, QStringList({ "transport=ipc", "hwm=auto" }));
        const Output table = ipcpg({ "list" });
        QVERIFY(table.out.contains("\nzeromq "));
    }

    // dbus is listed exactly when the build has it (IPCPG_WITH_DBUS), with the bus's limit.
    void listShowsDbusWhenBuilt()
    {
        const Output output = ipcpg({ "list", "--format", "json" });
        QCOMPARE(output.exitCode, 0);
        QJsonObject dbus;
        for (const QJsonValue& value : QJsonDocument::fromJson(output.out).array()) {
            if (value.toObject()["id"].toString() == QStringLiteral("dbus"))
                dbus = value.toObject();
        }
        QCOMPARE(!dbus.isEmpty(), IPCPG_TEST_WITH_DBUS != 0);
        if (dbus.isEmpty())
            return;
        QCOMPARE(dbus["size_limit"].toObject()["max"].toInteger(), 16777184);
        QCOMPARE(dbus["built_on"].toArray().at(0).toObject()["mechanism"].toString(), QStringLiteral("unix-stream"));
    }

    // grpc is listed exactly when the build has it (IPCPG_WITH_GRPC), with gRPC's 4 MiB default
    // as its limit, the option that raises it, and the kernel mechanism beneath each transport.
    void listShowsGrpcWhenBuilt()
    {
        const Output output = ipcpg({ "list", "--format", "json" });
        QCOMPARE(output.exitCode, 0);
        QJsonObject grpc;
        for (const QJsonValue& value : QJsonDocument::fromJson(output.out).array()) {
            if (value.toObject()["id"].toString() == QStringLiteral("grpc"))
                grpc = value.toObject();
        }
        QCOMPARE(!grpc.isEmpty(), IPCPG_TEST_WITH_GRPC != 0);
        if (grpc.isEmpty())
            return;
        QCOMPARE(grpc["size_limit"].toObject()["max"].toInteger(), (4 << 20) - 5 - 32);
        QVERIFY(grpc["size_limit"].toObject()["reason"].toString().contains(QLatin1String("max-message=16M")));
        const QJsonArray builtOn = grpc["built_on"].toArray();
        QCOMPARE(builtOn.size(), 2);
        QCOMPARE(builtOn.at(0).toObject()["mechanism"].toString(), QStringLiteral("unix-stream"));
        QCOMPARE(builtOn.at(1).toObject()["mechanism"].toString(), QStringLiteral("tcp"));
    }

    // `sweep --preset frameworks` runs each framework over each kernel mechanism it can use, beside
    // that mechanism: with zeromq, zeromq over ipc and over tcp, unix-stream and tcp, all intact.
    void frameworksPresetSweepsEachFrameworkBesideItsKernel()
    {
        const Output output
            = ipcpg({ "sweep", "--preset", "frameworks", "--size", "64", "--duration", "0.2", "--format", "json" });
        if (IPCPG_TEST_WITH_ZEROMQ == 0 && IPCPG_TEST_WITH_DBUS == 0 && IPCPG_TEST_WITH_GRPC == 0) {
            QCOMPARE(output.exitCode, 2);
            QVERIFY2(output.err.contains("no presets"), output.err.constData());
            return;
        }
        QVERIFY2(output.exitCode == 0, output.err.constData());
        QStringList runs;
        for (const QJsonValue& value : QJsonDocument::fromJson(output.out).array()) {
            const QJsonObject run = value.toObject();
            QCOMPARE(run["integrity_errors"].toInteger(), 0);
            QVERIFY(run["messages"].toInteger() > 0);
            runs << run["mechanism"].toString() + QLatin1Char(' ') + run["options"].toObject()["transport"].toString();
        }
        QStringList expected { QStringLiteral("unix-stream ") };
        if (IPCPG_TEST_WITH_ZEROMQ != 0 || IPCPG_TEST_WITH_GRPC != 0)
            expected << QStringLiteral("tcp ");
        if (IPCPG_TEST_WITH_ZEROMQ != 0)
            expected << QStringLiteral("zeromq ipc") << QStringLiteral("zeromq tcp");
        if (IPCPG_TEST_WITH_DBUS != 0)
            expected << QStringLiteral("dbus ");
        if (IPCPG_TEST_WITH_GRPC != 0)
            expected << QStringLiteral("grpc unix") << QStringLiteral("grpc tcp");
        for (const QString& run : expected)
            QVERIFY2(runs.contains(run), qPrintable(runs.join(QStringLiteral(", "))));
        QCOMPARE(runs.size(), expected.size());
    }

    void badArgumentsExitTwoNamingTheValue_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QStringList>("mentions"); // the bad value, and what is allowed
        const QStringList run { "run", "--mechanism", "pipe", "--duration", "0.2" };
        const QStringList sweep { "sweep", "--mechanism", "pipe", "--duration", "0.1" };
        const auto row = [](const char* name, const QStringList& arguments, const QStringList& mentions) {
            QTest::newRow(name) << arguments << mentions;
        };
        // Every option with a range: out of range, negative, not a number, empty, absurd.
        row("preset unknown", { "sweep", "--preset", "kernels", "--duration", "0.1" }, { "\"kernels\"", "--preset" });
        row("sweep without mechanisms", { "sweep", "--duration", "0.1" }, { "--mechanism", "--preset" });
        row("option list in a single run", { "run", "-m", "shm", "--duration", "0.2", "--option", "sync=spin,futex" },
            { "\"spin,futex\"", "semaphore, futex, spin, none" });
        row("size 1T", run + QStringList { "--size", "1T" }, { "\"1T\"", "0 to 16M" });
        row("size above 16M", run + QStringList { "--size", "16777217" }, { "16777217", "0 to 16M" });
        row("size negative", run + QStringList { "--size", "-1" }, { "\"-1\"", "from 0 to 16M" });
        row("size words", run + QStringList { "--size", "lots" }, { "\"lots\"", "from 0 to 16M" });
        row("size empty", run + QStringList { "--size", "" }, { "\"\"", "from 0 to 16M" });
        row("size fraction", run + QStringList { "--size", "1.5K" }, { "\"1.5K\"", "from 0 to 16M" });
        row("size beyond 64 bits", run + QStringList { "--size", "99999999999999999999" },
            { "99999999999999999999", "0 to 16M" });
        row("size hex", run + QStringList { "--size", "0x40" }, { "\"0x40\"", "from 0 to 16M" });
        row("size zero", run + QStringList { "--size", "0" }, { "0 B", "pipe" });
        row("size above the mechanism", { "run", "-m", "udp", "--size", "1M" }, { "1 MiB", "udp" });
        row("duration negative", { "run", "-m", "pipe", "--duration", "-1" }, { "\"-1\"", "at most 86400" });
        row("duration zero", { "run", "-m", "pipe", "--duration", "0" }, { "\"0\"", "more than 0" });
        row("duration words", { "run", "-m", "pipe", "--duration", "soon" }, { "\"soon\"", "at most 86400" });
        row("duration empty", { "run", "-m", "pipe", "--duration", "" }, { "\"\"", "at most 86400" });
        row("duration absurd", { "run", "-m", "pipe", "--duration", "1e400" }, { "\"1e400\"", "at most 86400" });
        row("duration a year", { "run", "-m", "pipe", "--duration", "31536000" }, { "31536000", "at most 86400" });
        row("duration nan", { "run", "-m", "pipe", "--duration", "nan" }, { "\"nan\"", "at most 86400" });
        row("workers absurd", run + QStringList { "--workers", "100000" }, { "\"100000\"", "from 1 to 16" });
        row("workers zero", run + QStringList { "--workers", "0" }, { "\"0\"", "from 1 to 16" });
        row("workers negative", run + QStringList { "--workers", "-2" }, { "\"-2\"", "from 1 to 16" });
        row("workers words", run + QStringList { "--workers", "many" }, { "\"many\"", "from 1 to 16" });
        row("workers empty", run + QStringList { "--workers", "" }, { "\"\"", "from 1 to 16" });
        row("workers fraction", run + QStringList { "--workers", "1.5" }, { "\"1.5\"", "from 1 to 16" });
        row("messages zero", run + QStringList { "--messages", "0" }, { "\"0\"", "from 1 to 1099511627776" });
        row("messages negative", run + QStringList { "--messages", "-5" }, { "\"-5\"", "from 1 to 1099511627776" });
        row("messages words", run + QStringList { "--messages", "many" }, { "\"many\"", "from 1 to 1099511627776" });
        row("messages empty", run + QStringList { "--messages", "" }, { "\"\"", "from 1 to 1099511627776" });
        row("messages absurd", run + QStringList { "--messages", "99999999999999999999" },
            { "99999999999999999999", "1099511627776" });
        row("warmup negative", run + QStringList { "--warmup", "-1" }, { "\"-1\"", "from 0 to 60" });
        row("warmup absurd", run + QStringList { "--warmup", "3600" }, { "\"3600\"", "from 0 to 60" });
        row("warmup words", run + QStringList { "--warmup", "abc" }, { "\"abc\"", "from 0 to 60" });
        row("warmup empty", run + QStringList { "--warmup", "" }, { "\"\"", "from 0 to 60" });
        row("placement", run + QStringList { "--placement", "moon" },
            { "\"moon\"", "same-core, cross-core or unpinned" });
        row("placement empty", run + QStringList { "--placement", "" },
            { "\"\"", "same-core, cross-core or unpinned" });
        row("mode", run + QStringList { "--mode", "sideways" }, { "\"sideways\"", "pingpong or stream" });
        row("mode empty", run + QStringList { "--mode", "" }, { "\"\"", "pingpong or stream" });
        row("format", run + QStringList { "--format", "xml" }, { "\"xml\"", "table, json or csv" });
        row("format empty", run + QStringList { "--format", "" }, { "\"\"", "table, json or csv" });
        row("list format", { "list", "--format", "csv" }, { "\"csv\"", "table or json" });
        row("option syntax", run + QStringList { "--option", "novalue" }, { "\"novalue\"", "name=value" });
        row("option empty name", run + QStringList { "--option", "=x" }, { "\"=x\"", "name=value" });
        row("option empty value", run + QStringList { "--option", "x=" }, { "\"x=\"", "name=value" });
        row("option unknown", run + QStringList { "--option", "colour=blue" }, { "\"colour\"", "no options" });
        row("sync on pipe", run + QStringList { "--sync", "spin" }, { "\"sync\"", "no options" });
        row("sync empty", run + QStringList { "--sync", "" }, { "\"sync\"", "no options" });
        row("wait empty", run + QStringList { "--wait", "" }, { "\"wait\"", "no options" });
        row("out empty", run + QStringList { "--out", "" }, { "--out \"\"", "file path" });
        row("unknown mechanism", { "run", "-m", "pigeon" }, { "\"pigeon\"", "pipe" });
        row("empty mechanism", { "run", "-m", "" }, { "\"\"", "pipe" });
        row("two mechanisms for run", { "run", "-m", "pipe,pipe" }, { "\"pipe,pipe\"", "one id" });
        row("unknown flag", run + QStringList { "--turbo" }, { "turbo" });
        row("no subcommand", {}, { "subcommand" });
        row("mechanism missing", { "run" }, { "mechanism" });
        row("sweep sizes", sweep + QStringList { "--size", "64,huge" }, { "\"huge\"", "from 0 to 16M" });
        row("sweep size list absurd",
            sweep + QStringList { "--size", QStringLiteral("1,").repeated(70) + QStringLiteral("1") },
            { "71 sizes", "at most 64" });
        row("sweep modes", sweep + QStringList { "--mode", "pingpong,sideways" },
            { "\"sideways\"", "pingpong or stream" });
        row("sweep placements", sweep + QStringList { "--placement", "same-core,moon" }, { "\"moon\"", "same-core" });
        row("sweep workers", sweep + QStringList { "--workers", "17" }, { "\"17\"", "from 1 to 16" });
        row("sweep unknown mechanism", { "sweep", "-m", "pipe,pigeon" }, { "\"pigeon\"", "all or one of" });
    }

    void badArgumentsExitTwoNamingTheValue()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QStringList, mentions);
        const QString problem = ipcpg::test::usageRefusalProblem(ipcpg(arguments), mentions);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
    }

    void workerRefusesAMalformedSpec_data()
    {
        QTest::addColumn<QString>("json");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("empty") << ""
                               << "nothing to do";
        QTest::newRow("not JSON") << "{"
                                  << "not valid JSON";
        QTest::newRow("garbage") << "\x01\x02 nonsense"
                                 << "not valid JSON";
        QTest::newRow("array") << "[]"
                               << "JSON object";
        QTest::newRow("null") << "null"
                              << "JSON object";
        QTest::newRow("string") << "\"pipe\""
                                << "JSON object";
        QTest::newRow("mechanism a number") << "{\"mechanism\":5}"
                                            << "\"mechanism\"";
        QTest::newRow("size negative") << "{\"mechanism\":\"pipe\",\"message_size\":-1}"
                                       << "message_size";
        QTest::newRow("size a string") << "{\"mechanism\":\"pipe\",\"message_size\":\"64\"}"
                                       << "message_size";
        QTest::newRow("size beyond 64 bits") << "{\"mechanism\":\"pipe\",\"message_size\":1e30}"
                                             << "message_size";
        QTest::newRow("size 1T") << "{\"mechanism\":\"pipe\",\"message_size\":1099511627776}"
                                 << "16 MiB";
        QTest::newRow("duration absurd") << "{\"mechanism\":\"pipe\",\"duration_s\":1e400}"
                                         << "number overflow";
        QTest::newRow("duration a year") << "{\"mechanism\":\"pipe\",\"duration_s\":31536000}"
                                         << "86400";
        QTest::newRow("duration negative") << "{\"mechanism\":\"pipe\",\"duration_s\":-1}"
                                           << "86400";
        QTest::newRow("duration a string") << "{\"mechanism\":\"pipe\",\"duration_s\":\"1\"}"
                                           << "duration_s";
        QTest::newRow("workers absurd") << "{\"mechanism\":\"pipe\",\"workers\":100000}"
                                        << "1 to 16";
        QTest::newRow("workers negative") << "{\"mechanism\":\"pipe\",\"workers\":-1}"
                                          << "1 to 16";
        QTest::newRow("warmup absurd") << "{\"mechanism\":\"pipe\",\"warmup_s\":1e9}"
                                       << "0 to 60";
        QTest::newRow("mode") << "{\"mechanism\":\"pipe\",\"mode\":\"sideways\"}"
                              << "pingpong, stream";
        QTest::newRow("placement") << "{\"mechanism\":\"pipe\",\"placement\":7}"
                                   << "placement";
        QTest::newRow("unknown mechanism") << "{\"mechanism\":\"pigeon\"}"
                                           << "pigeon";
        QTest::newRow("options not an object") << "{\"mechanism\":\"pipe\",\"options\":[1]}"
                                               << "options";
        QTest::newRow("option not a string") << "{\"mechanism\":\"pipe\",\"options\":{\"x\":1}}"
                                             << "options.x";
        QTest::newRow("unknown option") << "{\"mechanism\":\"pipe\",\"options\":{\"x\":\"y\"}}"
                                        << "\"x\"";
        QTest::newRow("deeply nested") << QStringLiteral("[").repeated(60000) + QStringLiteral("]").repeated(60000)
                                       << "JSON object";
    }

    // The worker answers a spec it cannot use with one error message on its control channel and
    // exit status 2, whatever the bytes were.
    void workerRefusesAMalformedSpec()
    {
        QFETCH(QString, json);
        QFETCH(QString, mentions);
        const Output output = ipcpg::test::runProcess(
            ipcpg::test::workerPath(), { "--run", json }, QProcessEnvironment::systemEnvironment(), 20000);
        QCOMPARE(output.exitCode, 2);
        const QList<QByteArray> lines = output.out.trimmed().split('\n');
        QCOMPARE(lines.size(), 1);
        const auto message = ipcpg::parseControlLine(lines.front().toStdString());
        const auto* error = std::get_if<ipcpg::ErrorMessage>(&message);
        QVERIFY(error);
        QVERIFY2(QString::fromStdString(error->message).contains(mentions), error->message.c_str());
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
        const Output output = ipcpg(
            { "sweep", "-m", "pipe", "--size", "64,4K", "--mode", "pingpong,stream", "-d", "0.1", "-f", "json" });
        QVERIFY2(output.exitCode == 0, output.err.constData());
        const QJsonArray runs = QJsonDocument::fromJson(output.out).array();
        QCOMPARE(runs.size(), 4);
        for (const QJsonValue& run : runs)
            QCOMPARE(run.toObject()["integrity_errors"].toInteger(), 0);
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
