// The version is defined once, by project(VERSION) in the top-level CMakeLists.txt, which ctest
// passes as IPCPG_EXPECTED_VERSION: every executable must print exactly "<name> <version>".
#include <QRegularExpression>
#include <QTest>

#include "processoutput.h"

class TestVersion : public QObject {
    Q_OBJECT

private slots:
    void everyExecutablePrintsTheProjectVersion_data()
    {
        QTest::addColumn<QString>("executable");
        QTest::addColumn<QString>("name");
        QTest::newRow("ipcpg") << qEnvironmentVariable("IPCPG_CLI") << QStringLiteral("ipcpg");
        QTest::newRow("ipcpg-worker") << qEnvironmentVariable("IPCPG_WORKER") << QStringLiteral("ipcpg-worker");
        if (qEnvironmentVariableIsSet("IPCPG_GUI"))
            QTest::newRow("ipc-playground") << qEnvironmentVariable("IPCPG_GUI") << QStringLiteral("ipc-playground");
    }

    void everyExecutablePrintsTheProjectVersion()
    {
        QFETCH(QString, executable);
        QFETCH(QString, name);
        const QString version = qEnvironmentVariable("IPCPG_EXPECTED_VERSION");
        QVERIFY2(QRegularExpression(QStringLiteral("^\\d+\\.\\d+\\.\\d+$")).match(version).hasMatch(),
            qPrintable(QStringLiteral("IPCPG_EXPECTED_VERSION is \"%1\"; run through ctest").arg(version)));
        QVERIFY2(!executable.isEmpty(), "the executable's path is not set; run through ctest");

        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        const auto output = ipcpg::test::runProcess(executable, { QStringLiteral("--version") }, environment);
        QVERIFY2(output.exitCode == 0, qPrintable(output.describe()));
        QCOMPARE(QString::fromUtf8(output.out), name + QLatin1Char(' ') + version + QLatin1Char('\n'));
    }
};

QTEST_GUILESS_MAIN(TestVersion)
#include "tst_version.moc"
