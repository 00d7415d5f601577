// ipcpg as a user runs it, when processes die under it: a worker SIGKILLed or stopped mid-run,
// ipcpg itself SIGKILLed. Every mechanism of the registry takes part. Checked from outside, the
// way a user would: exit status, message, what is left in /dev/shm, /dev/mqueue, the System V
// tables, the runtime directory and the process table.
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTest>
#include <csignal>

#include "ipcpg/mechanismregistry.h"
#include "testenvironment.h"

using namespace ipcpg;

namespace {

enum class Target { Lead, SideA, SideB };

const char* targetName(Target target)
{
    return target == Target::Lead ? "lead" : target == Target::SideA ? "side A" : "side B";
}

int pidOf(const test::WorkerTree& tree, Target target)
{
    return target == Target::Lead ? tree.lead : target == Target::SideA ? tree.sidesA.front() : tree.sidesB.front();
}

// `ipcpg run` arguments for an hour-long run of `id` in its `modeIndex`-th mode (wrapping), at a
// size the mechanism takes with its default options.
QStringList longRun(const Mechanism& mechanism, std::size_t modeIndex)
{
    const MechanismInfo& info = mechanism.info();
    const Mode mode = info.modes[modeIndex % info.modes.size()];
    const std::uint64_t size = test::sizeFor(mechanism);
    return { "run", "--mechanism", QString::fromStdString(info.id), "--mode",
        QString::fromLatin1(toString(mode).data()), "--size", QString::number(size), "--duration", "3600", "--warmup",
        "0", "--format", "json", "--progress" };
}

} // namespace

Q_DECLARE_METATYPE(Target)

class TestCrashes : public QObject {
    Q_OBJECT

    test::PrivateRuntimeDir m_runtime;

private slots:
    void initTestCase() { test::mqueueListed(); }

    void killedWorkerFailsTheRunNamingIt_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<Target>("target");
        // Every mechanism; the victim and the mode rotate, so each kind of process dies somewhere.
        const Target targets[] = { Target::Lead, Target::SideA, Target::SideB };
        std::size_t row = 0;
        for (const Mechanism* mechanism : MechanismRegistry::instance().all()) {
            const Target target = targets[row % 3];
            const QStringList arguments = longRun(*mechanism, row / 3);
            QTest::addRow(
                "%s %s, kill %s", mechanism->info().id.c_str(), qPrintable(arguments.at(4)), targetName(target))
                << arguments << target;
            ++row;
        }
    }

    void killedWorkerFailsTheRunNamingIt()
    {
        QFETCH(QStringList, arguments);
        QFETCH(Target, target);
        QProcess cli;
        cli.start(test::cliPath(), arguments);
        QVERIFY(cli.waitForStarted());
        // Under way: ipcpg has heard of measured messages, so there is something to keep.
        QByteArray errors;
        QVERIFY2(test::waitForMeasuredProgress(cli, errors), errors.constData());
        const auto tree = test::waitForWorkerTree(static_cast<int>(cli.processId()), 1, 10000);
        QVERIFY2(tree, errors.constData());
        const test::RunObjects objects = test::objectsOfLiveRun(m_runtime.path(), tree->lead);
        QVERIFY(!objects.directory.isEmpty());

        const int victim = pidOf(*tree, target);
        QElapsedTimer timer;
        timer.start();
        QCOMPARE(::kill(victim, SIGKILL), 0);
        // A bound for a hang, not a speed: the lead notices a dead side at once, ipcpg a dead lead
        // at once; 30 s is room for a sanitizer build on a loaded machine.
        QVERIFY2(cli.waitForFinished(30000), "ipcpg did not end within 30 s of the kill");
        const qint64 exitMs = timer.elapsed();
        QCOMPARE(cli.exitStatus(), QProcess::NormalExit);
        QCOMPARE(cli.exitCode(), 1);
        const QString error = QString::fromLocal8Bit(errors + cli.readAllStandardError()).trimmed();
        QVERIFY2(error.contains(QStringLiteral("pid %1)").arg(victim)), qPrintable(error));
        QVERIFY2(error.contains(QStringLiteral("signal 9")), qPrintable(error));

        // What was measured before the kill is printed, marked partial.
        const QJsonObject result = QJsonDocument::fromJson(cli.readAllStandardOutput()).object();
        QVERIFY2(result[QStringLiteral("partial")].toBool(), qPrintable(error));
        QVERIFY(result[QStringLiteral("messages")].toInteger() > 0);
        QVERIFY(result[QStringLiteral("error")].toString().contains(QStringLiteral("pid %1)").arg(victim)));

        QVERIFY2(test::waitUntilGone(tree->all(), 1000), "a worker process outlived the run by more than 1 s");
        QCOMPARE(test::stillExisting(objects), QStringList {});
        QCOMPARE(m_runtime.leftoverRunDirectories(), QStringList {});
        qInfo("ipcpg ended %lld ms after the kill", exitMs);
    }

    void killedFrontEndTakesItsWorkersAlong_data()
    {
        QTest::addColumn<QStringList>("arguments");
        // Twenty kills: every mechanism once, then again in its other mode, until there are 20.
        const auto mechanisms = MechanismRegistry::instance().all();
        for (std::size_t row = 0; row < 20; ++row) {
            const Mechanism* mechanism = mechanisms[row % mechanisms.size()];
            const QStringList arguments = longRun(*mechanism, row % mechanisms.size() + row / mechanisms.size());
            QTest::addRow("%zu: %s %s", row, mechanism->info().id.c_str(), qPrintable(arguments.at(4))) << arguments;
        }
    }

    // The lead gets SIGTERM from its parent-death signal, stops its sides and removes its objects
    // itself; nothing else cleans up here.
    void killedFrontEndTakesItsWorkersAlong()
    {
        QFETCH(QStringList, arguments);
        QProcess cli;
        cli.start(test::cliPath(), arguments);
        QVERIFY(cli.waitForStarted());
        QByteArray errors; // killed mid-measurement: ipcpg has heard of measured messages
        QVERIFY2(test::waitForMeasuredProgress(cli, errors), errors.constData());
        test::killFrontEndAndCheckItsWorkersGo(cli, m_runtime);
    }

    void stoppedWorkerFailsTheRunInBoundedTime_data()
    {
        QTest::addColumn<Target>("target");
        QTest::newRow("lead") << Target::Lead;
        QTest::newRow("side A") << Target::SideA;
        QTest::newRow("side B") << Target::SideB;
    }

    // SIGSTOP makes a worker hang without dying: the lead notices a stopped side, ipcpg notices
    // a silent lead. Either way the run fails within a few seconds, saying which process.
    void stoppedWorkerFailsTheRunInBoundedTime()
    {
        QFETCH(Target, target);
        const QStringList arguments = longRun(*MechanismRegistry::instance().all().front(), 0);
        QProcess cli;
        cli.start(test::cliPath(), arguments);
        QVERIFY(cli.waitForStarted());
        QByteArray errors;
        QVERIFY2(test::waitForMeasuredProgress(cli, errors), errors.constData());
        const auto tree = test::waitForWorkerTree(static_cast<int>(cli.processId()), 1, 10000);
        QVERIFY(tree);
        const test::RunObjects objects = test::objectsOfLiveRun(m_runtime.path(), tree->lead);

        const int victim = pidOf(*tree, target);
        QElapsedTimer timer;
        timer.start();
        QCOMPARE(::kill(victim, SIGSTOP), 0);
        // The lead gives a stopped side 2 s, ipcpg a silent lead 3 s: the run must end by itself
        // (it would otherwise run for an hour). 30 s leaves room for a sanitizer build on a loaded
        // machine; the time it took is printed.
        const bool ended = cli.waitForFinished(30000);
        if (!ended) {
            ::kill(victim, SIGKILL);
            cli.kill();
            cli.waitForFinished();
        }
        QVERIFY2(ended, "a stopped worker kept ipcpg waiting for more than 30 s");
        qInfo("ipcpg ended %lld ms after the SIGSTOP", timer.elapsed());
        QCOMPARE(cli.exitCode(), 1);
        const QString error = QString::fromLocal8Bit(errors + cli.readAllStandardError()).trimmed();
        QVERIFY2(error.contains(QStringLiteral("pid %1)").arg(victim)), qPrintable(error));
        QVERIFY2(error.contains(QStringLiteral("stopped")), qPrintable(error));
        QVERIFY2(test::waitUntilGone(tree->all(), 1000), "a stopped worker was left behind");
        QCOMPARE(test::stillExisting(objects), QStringList {});
        QCOMPARE(m_runtime.leftoverRunDirectories(), QStringList {});
    }
};

QTEST_GUILESS_MAIN(TestCrashes)
#include "tst_crashes.moc"
