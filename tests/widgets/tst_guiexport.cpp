// The scripted run of README.md, headless: ipc-playground runs, exports PNG, SVG, CSV and JSON and
// quits; every file must parse and hold the run's numbers.
#include <QFile>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <QXmlStreamReader>

#include "testenvironment.h"

class TestGuiExport : public QObject {
    Q_OBJECT

    ipcpg::test::PrivateRuntimeDir m_runtime;
    QTemporaryDir m_out;

    int runGui(const QStringList& arguments, QByteArray* err = nullptr)
    {
        QProcess gui;
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        environment.insert(QStringLiteral("XDG_CONFIG_HOME"), m_out.path() + QStringLiteral("/config"));
        gui.setProcessEnvironment(environment);
        gui.start(qEnvironmentVariable("IPCPG_GUI"), arguments);
        if (!gui.waitForFinished(90000)) {
            gui.kill();
            gui.waitForFinished();
            return -1;
        }
        if (err)
            *err = gui.readAllStandardError();
        return gui.exitStatus() == QProcess::NormalExit ? gui.exitCode() : -1;
    }

private slots:
    void scriptedRunExportsEverything()
    {
        const QString png = m_out.filePath(QStringLiteral("c.png"));
        const QString svg = m_out.filePath(QStringLiteral("c.svg"));
        const QString csv = m_out.filePath(QStringLiteral("c.csv"));
        const QString json = m_out.filePath(QStringLiteral("c.json"));
        QByteArray err;
        const int code = runGui(
            { QStringLiteral("--mechanism"), QStringLiteral("pipe"), QStringLiteral("--size"), QStringLiteral("4096"),
                QStringLiteral("--mode"), QStringLiteral("stream"), QStringLiteral("--duration"), QStringLiteral("1"),
                QStringLiteral("--start"), QStringLiteral("--export-png"), png, QStringLiteral("--export-svg"), svg,
                QStringLiteral("--export-csv"), csv, QStringLiteral("--export-json"), json,
                QStringLiteral("--quit-when-done") },
            &err);
        QVERIFY2(code == 0, err.constData());

        QFile jsonFile(json);
        QVERIFY(jsonFile.open(QIODevice::ReadOnly));
        const QJsonObject run = QJsonDocument::fromJson(jsonFile.readAll()).object();
        QCOMPARE(run[QLatin1String("mechanism")].toString(), QStringLiteral("pipe"));
        QCOMPARE(run[QLatin1String("mode")].toString(), QStringLiteral("stream"));
        QCOMPARE(run[QLatin1String("message_size")].toInteger(), 4096);
        const qint64 messages = run[QLatin1String("messages")].toInteger();
        QVERIFY(messages > 0);
        QCOMPARE(run[QLatin1String("integrity_errors")].toInteger(), 0);
        QVERIFY(run[QLatin1String("latency_ns")].toObject()[QLatin1String("p50")].toDouble() > 0);
        QVERIFY(!run[QLatin1String("series")].toObject()[QLatin1String("msgs_per_s")].toArray().isEmpty());

        QFile csvFile(csv);
        QVERIFY(csvFile.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = csvFile.readAll().trimmed().split('\n');
        QCOMPARE(lines.size(), 2);
        const QList<QByteArray> header = lines[0].split(',');
        const QList<QByteArray> row = lines[1].split(',');
        QCOMPARE(header.size(), row.size());
        QCOMPARE(row.at(header.indexOf("messages")).toLongLong(), messages);
        QCOMPARE(row.at(header.indexOf("mechanism")), QByteArray("pipe"));

        QImage image;
        QVERIFY(image.load(png));
        QVERIFY(image.width() >= 1200 && image.height() >= 800); // drawn at twice the window's scale

        QFile svgFile(svg);
        QVERIFY(svgFile.open(QIODevice::ReadOnly));
        const QByteArray svgText = svgFile.readAll();
        QXmlStreamReader xml(svgText);
        bool sawSvg = false;
        while (!xml.atEnd()) {
            if (xml.readNext() == QXmlStreamReader::StartElement && xml.name() == QLatin1String("svg"))
                sawSvg = true;
        }
        QVERIFY2(!xml.hasError(), qPrintable(xml.errorString()));
        QVERIFY(sawSvg);
        QVERIFY(svgText.contains("Throughput")); // chart text is text, not pixels
    }

    // The README's fan-out screenshot is such a run: its exports hold every member.
    void scriptedFanOutExportsItsMembers()
    {
        const QString csv = m_out.filePath(QStringLiteral("fanout.csv"));
        const QString json = m_out.filePath(QStringLiteral("fanout.json"));
        QByteArray err;
        const int code = runGui(
            { QStringLiteral("--mechanism"), QStringLiteral("pipe"), QStringLiteral("--mode"), QStringLiteral("stream"),
                QStringLiteral("--topology"), QStringLiteral("fanout"), QStringLiteral("--subscribers"),
                QStringLiteral("3"), QStringLiteral("--rate"), QStringLiteral("2k"), QStringLiteral("--duration"),
                QStringLiteral("0.5"), QStringLiteral("--start"), QStringLiteral("--export-csv"), csv,
                QStringLiteral("--export-json"), json, QStringLiteral("--quit-when-done") },
            &err);
        QVERIFY2(code == 0, err.constData());

        QFile jsonFile(json);
        QVERIFY(jsonFile.open(QIODevice::ReadOnly));
        const QJsonObject run = QJsonDocument::fromJson(jsonFile.readAll()).object();
        QCOMPARE(run[QLatin1String("topology")].toString(), QStringLiteral("fanout"));
        QCOMPARE(run[QLatin1String("subscribers")].toInteger(), 3);
        const QJsonArray members = run[QLatin1String("members")].toArray();
        QCOMPARE(members.size(), 3);
        for (const QJsonValue& member : members)
            QVERIFY(member.toObject()[QLatin1String("messages")].toInteger() > 0);
        const qint64 slowest = run[QLatin1String("slowest_member")].toObject()[QLatin1String("index")].toInteger();
        QCOMPARE(run[QLatin1String("rate")].toObject()[QLatin1String("offered")].toDouble(), 2000.0);
        const QJsonObject series = run[QLatin1String("series")].toObject();
        QVERIFY(!series[QLatin1String("slowest_member_p99_ns")].toArray().isEmpty());
        QVERIFY(!series[QLatin1String("fastest_member_p50_ns")].toArray().isEmpty());

        // The run's line as ipcpg writes it, then after an empty line the members table.
        QFile csvFile(csv);
        QVERIFY(csvFile.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = csvFile.readAll().trimmed().split('\n');
        QCOMPARE(lines.size(), 2 + 1 + 1 + 3);
        QCOMPARE(lines[0].split(',').size(), lines[1].split(',').size());
        QVERIFY(lines[2].isEmpty());
        const QList<QByteArray> header = lines[3].split(',');
        QCOMPARE(header.first(), QByteArray("role"));
        int slowestRows = 0;
        for (int i = 0; i < 3; ++i) {
            const QList<QByteArray> row = lines[4 + i].split(',');
            QCOMPARE(row.size(), header.size());
            QCOMPARE(row.at(header.indexOf("role")), QByteArray("subscriber"));
            QCOMPARE(row.at(header.indexOf("index")).toInt(), i);
            QCOMPARE(row.at(header.indexOf("messages")).toLongLong(),
                members[i].toObject()[QLatin1String("messages")].toInteger());
            if (row.at(header.indexOf("slowest")) == "1") {
                ++slowestRows;
                QCOMPARE(i, slowest);
            }
        }
        QCOMPARE(slowestRows, 1);
    }

    // The README's scaling screenshot is such a session: one row per mechanism and member count.
    void scriptedScalingExportsEveryCount()
    {
        const QString csv = m_out.filePath(QStringLiteral("scaling.csv"));
        const QString png = m_out.filePath(QStringLiteral("scaling.png"));
        QByteArray err;
        const int code = runGui(
            { QStringLiteral("--scaling"), QStringLiteral("pipe"), QStringLiteral("--members"), QStringLiteral("1,3"),
                QStringLiteral("--size"), QStringLiteral("64"), QStringLiteral("--show"), QStringLiteral("hub-cpu"),
                QStringLiteral("--duration"), QStringLiteral("0.2"), QStringLiteral("--export-csv"), csv,
                QStringLiteral("--export-png"), png, QStringLiteral("--quit-when-done") },
            &err);
        QVERIFY2(code == 0, err.constData());
        QFile csvFile(csv);
        QVERIFY(csvFile.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = csvFile.readAll().trimmed().split('\n');
        QCOMPARE(lines.size(), 3);
        const QList<QByteArray> header = lines[0].split(',');
        for (int row = 1; row <= 2; ++row) {
            const QList<QByteArray> fields = lines[row].split(',');
            QCOMPARE(fields.size(), header.size());
            QCOMPARE(fields.at(header.indexOf("mechanism")), QByteArray("pipe"));
            QCOMPARE(fields.at(header.indexOf("topology")), QByteArray("fanout"));
            QCOMPARE(fields.at(header.indexOf("members")).toInt(), row == 1 ? 1 : 3);
            QCOMPARE(fields.at(header.indexOf("integrity_errors")).toLongLong(), 0);
        }
        QImage image(png);
        QVERIFY(!image.isNull());
    }

    // Fixed rates in the Latency vs load page: one run per rate, each offered what was asked.
    void scriptedLoadCurveExportsEveryRate()
    {
        const QString json = m_out.filePath(QStringLiteral("load.json"));
        QByteArray err;
        const int code = runGui(
            { QStringLiteral("--load"), QStringLiteral("pipe"), QStringLiteral("--rate"), QStringLiteral("1k,2k"),
                QStringLiteral("--size"), QStringLiteral("64"), QStringLiteral("--duration"), QStringLiteral("0.3"),
                QStringLiteral("--export-json"), json, QStringLiteral("--quit-when-done") },
            &err);
        QVERIFY2(code == 0, err.constData());
        QFile jsonFile(json);
        QVERIFY(jsonFile.open(QIODevice::ReadOnly));
        const QJsonArray runs = QJsonDocument::fromJson(jsonFile.readAll()).array();
        QCOMPARE(runs.size(), 2);
        QCOMPARE(runs[0].toObject()[QLatin1String("rate")].toObject()[QLatin1String("offered")].toDouble(), 1000.0);
        QCOMPARE(runs[1].toObject()[QLatin1String("rate")].toObject()[QLatin1String("offered")].toDouble(), 2000.0);
        for (const QJsonValue& run : runs)
            QCOMPARE(run.toObject()[QLatin1String("integrity_errors")].toInteger(), 0);
    }

    void scriptedRaceExportsItsResult()
    {
        const QString json = m_out.filePath(QStringLiteral("race.json"));
        const QString csv = m_out.filePath(QStringLiteral("race.csv"));
        const QString png = m_out.filePath(QStringLiteral("race.png"));
        QByteArray err;
        const int code = runGui(
            { QStringLiteral("--race"), QStringLiteral("ring"), QStringLiteral("--sync"), QStringLiteral("none"),
                QStringLiteral("--start"), QStringLiteral("--export-json"), json, QStringLiteral("--export-csv"), csv,
                QStringLiteral("--export-png"), png, QStringLiteral("--quit-when-done") },
            &err);
        QVERIFY2(code == 0, err.constData());
        QFile jsonFile(json);
        QVERIFY(jsonFile.open(QIODevice::ReadOnly));
        const QJsonObject race = QJsonDocument::fromJson(jsonFile.readAll()).object();
        QCOMPARE(race[QLatin1String("scenario")].toString(), QStringLiteral("ring"));
        QCOMPARE(race[QLatin1String("sync")].toString(), QStringLiteral("none"));
        QVERIFY(race[QLatin1String("sync_errors")].toInteger() > 0);
        QFile csvFile(csv);
        QVERIFY(csvFile.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = csvFile.readAll().trimmed().split('\n');
        QCOMPARE(lines.size(), 2);
        const QList<QByteArray> header = lines[0].split(',');
        QCOMPARE(lines[1].split(',').at(header.indexOf("sync_errors")).toLongLong(),
            race[QLatin1String("sync_errors")].toInteger());
        QImage image;
        QVERIFY(image.load(png));

        QCOMPARE(runGui({ QStringLiteral("--race"), QStringLiteral("counter"), QStringLiteral("--sync"),
                            QStringLiteral("sometimes"), QStringLiteral("--quit-when-done") },
                     &err),
            2);
        QVERIFY(err.contains("sometimes"));
    }

    void badArgumentsAreRefused()
    {
        QByteArray err;
        QCOMPARE(runGui({ QStringLiteral("--mechanism"), QStringLiteral("pigeon"), QStringLiteral("--quit-when-done") },
                     &err),
            2);
        QVERIFY(err.contains("pigeon"));
        QCOMPARE(runGui({ QStringLiteral("--mechanism"), QStringLiteral("pipe"), QStringLiteral("--size"),
                            QStringLiteral("1T"), QStringLiteral("--quit-when-done") },
                     &err),
            2);
        QVERIFY(err.contains("1T"));
        QCOMPARE(runGui({ QStringLiteral("--mechanism"), QStringLiteral("pipe"), QStringLiteral("--duration"),
                            QStringLiteral("-1"), QStringLiteral("--quit-when-done") },
                     &err),
            2);
        QVERIFY(err.contains("-1"));
        // Parse errors too are status 2 (QCommandLineParser::process alone would exit 1).
        QCOMPARE(runGui({ QStringLiteral("--pigeon"), QStringLiteral("--quit-when-done") }, &err), 2);
        QVERIFY(err.contains("pigeon"));
        QCOMPARE(runGui({ QStringLiteral("--quit-when-done"), QStringLiteral("--size") }, &err), 2);
        QVERIFY(err.contains("--size"));
    }
};

QTEST_GUILESS_MAIN(TestGuiExport)
#include "tst_guiexport.moc"
