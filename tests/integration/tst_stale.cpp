// What a run leaves when its lead is killed before it can clean up is removed by the next run,
// and only that: objects tagged with a live run's pid are never touched, so runs side by side
// (two terminals, a test suite in parallel) cannot break each other.
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTest>
#include <QThread>
#include <csignal>
#include <fcntl.h>
#include <mqueue.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ipcpg/mechanismregistry.h"
#include "testenvironment.h"

using namespace ipcpg;

namespace {

// A pid no process has: a child that already ended and was reaped.
int deadPid()
{
    const pid_t child = fork();
    if (child == 0)
        _exit(0);
    int status = 0;
    waitpid(child, &status, 0);
    return child;
}

struct Planted {
    QString directory;
    QString shm; // "/ipcpg-..." names, as shm_open and mq_open take them
    QString queue;
    QString orphanShm; // not in any manifest: the instant between creation and registration
    int sysvQueue = -1;
    QString fifo;
};

// Creates what a run of `pid` with tag `random` would have left: its private directory with a
// manifest, a shared-memory object, a message queue, a System V queue and a FIFO.
Planted plantRun(const QString& runtimeRoot, int pid, const QString& random, const QString& ownerStart)
{
    Planted planted;
    const QString tag = QStringLiteral("ipcpg-%1-%2").arg(pid).arg(random);
    planted.directory = runtimeRoot + QStringLiteral("/run-%1-%2").arg(pid).arg(random);
    QDir().mkpath(planted.directory);
    planted.shm = QLatin1Char('/') + tag + QStringLiteral("-ring");
    planted.queue = QLatin1Char('/') + tag + QStringLiteral("-p0-ab");
    planted.orphanShm = QLatin1Char('/') + tag + QStringLiteral("-orphan");
    const int shm = shm_open(planted.shm.toLatin1().constData(), O_CREAT | O_EXCL | O_RDWR, 0600);
    if (shm >= 0)
        close(shm);
    const int orphan = shm_open(planted.orphanShm.toLatin1().constData(), O_CREAT | O_EXCL | O_RDWR, 0600);
    if (orphan >= 0)
        close(orphan);
    mq_attr attr {};
    attr.mq_maxmsg = 1;
    attr.mq_msgsize = 64;
    const mqd_t queue = mq_open(planted.queue.toLatin1().constData(), O_CREAT | O_EXCL | O_RDWR, 0600, &attr);
    if (queue != static_cast<mqd_t>(-1))
        mq_close(queue);
    planted.sysvQueue = msgget(IPC_PRIVATE, IPC_CREAT | IPC_EXCL | 0600);
    planted.fifo = planted.directory + QStringLiteral("/fifo-0-forward");
    mkfifo(planted.fifo.toLocal8Bit().constData(), 0600);

    QFile manifest(planted.directory + QStringLiteral("/objects"));
    if (manifest.open(QIODevice::WriteOnly)) {
        if (!ownerStart.isEmpty())
            manifest.write(QStringLiteral("owner-start %1\n").arg(ownerStart).toLatin1());
        manifest.write(QStringLiteral("shm %1\nmqueue %2\nsysv-msg %3\n")
                           .arg(planted.shm, planted.queue)
                           .arg(planted.sysvQueue)
                           .toLatin1());
    }
    return planted;
}

QStringList remaining(const Planted& planted)
{
    QStringList left;
    if (QFileInfo::exists(QStringLiteral("/dev/shm") + planted.shm))
        left << planted.shm;
    if (QFileInfo::exists(QStringLiteral("/dev/shm") + planted.orphanShm))
        left << planted.orphanShm;
    const mqd_t queue = mq_open(planted.queue.toLatin1().constData(), O_RDONLY);
    if (queue != static_cast<mqd_t>(-1)) {
        mq_close(queue);
        left << planted.queue;
    }
    if (test::sysvMessageQueueIds().count(planted.sysvQueue))
        left << QStringLiteral("sysv-msg:%1").arg(planted.sysvQueue);
    if (QFileInfo::exists(planted.directory))
        left << planted.directory;
    return left;
}

void removePlanted(const Planted& planted)
{
    shm_unlink(planted.shm.toLatin1().constData());
    shm_unlink(planted.orphanShm.toLatin1().constData());
    mq_unlink(planted.queue.toLatin1().constData());
    msgctl(planted.sysvQueue, IPC_RMID, nullptr);
    QDir(planted.directory).removeRecursively();
}

test::ProcessOutput runCli(const QStringList& arguments)
{
    return test::runProcess(test::cliPath(), arguments, QProcessEnvironment::systemEnvironment(), 30000);
}

} // namespace

class TestStale : public QObject {
    Q_OBJECT

    test::PrivateRuntimeDir m_runtime;
    QString root() const { return m_runtime.path() + QStringLiteral("/ipcpg"); }

private slots:
    void initTestCase()
    {
        QDir().mkpath(root());
        QFile::setPermissions(root(), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    }

    void objectsOfADeadRunAreRemovedByTheNextRun()
    {
        const Planted dead = plantRun(root(), deadPid(), QStringLiteral("0badc0de"), {});
        // A run whose pid now belongs to another process (here: this test) is dead too: the start
        // time its manifest recorded is not this process's.
        const Planted reused
            = plantRun(root(), static_cast<int>(getpid()), QStringLiteral("5eed5eed"), QStringLiteral("1"));
        QVERIFY(dead.sysvQueue >= 0 && reused.sysvQueue >= 0);
        QCOMPARE(remaining(dead).size(), 5);

        const test::ProcessOutput run = runCli({ "run", "-m", "pipe", "--messages", "100", "--warmup", "0" });
        QVERIFY2(run.exitCode == 0, run.err.constData());
        QCOMPARE(remaining(dead), QStringList {});
        // Its orphan name carries a live pid: only what the manifest listed can be told dead.
        QStringList leftOfReused = remaining(reused);
        QCOMPARE(leftOfReused, QStringList { reused.orphanShm });
        removePlanted(reused);
    }

    void objectsOfALiveRunAreNeverTouched_data()
    {
        QTest::addColumn<QString>("mechanism");
        QTest::addColumn<QString>("size");
        for (const Mechanism* mechanism : MechanismRegistry::instance().all())
            QTest::newRow(mechanism->info().id.c_str())
                << QString::fromStdString(mechanism->info().id) << QString::number(test::sizeFor(*mechanism));
    }

    // A second run starts (and sweeps for stale objects) while the first is live: the first keeps
    // every object and ends as if alone. The first runs until this test stops it (SIGINT, as
    // Ctrl-C would) after its checks, however long the second run takes on this machine.
    void objectsOfALiveRunAreNeverTouched()
    {
        QFETCH(QString, mechanism);
        QFETCH(QString, size);
        QProcess first;
        first.start(test::cliPath(),
            { "run", "-m", mechanism, "-s", size, "--duration", "3600", "--warmup", "0", "--format", "json",
                "--progress" });
        QVERIFY(first.waitForStarted());
        QByteArray firstErrors;
        const bool underWay = test::waitForMeasuredProgress(first, firstErrors);
        if (!underWay) {
            first.kill();
            first.waitForFinished();
        }
        QVERIFY2(underWay, firstErrors.constData());
        const auto tree = test::workerTree(static_cast<int>(first.processId()));
        QVERIFY(tree.lead != 0);
        const test::RunObjects objects = test::objectsOfLiveRun(m_runtime.path(), tree.lead);
        QVERIFY(!objects.directory.isEmpty());
        const QStringList before = test::stillExisting(objects);

        const test::ProcessOutput second
            = runCli({ "run", "-m", mechanism, "-s", size, "--messages", "200", "--warmup", "0" });
        const bool firstAlive = test::workerTree(static_cast<int>(first.processId())).lead == tree.lead;
        const QStringList during = test::stillExisting(objects);
        ::kill(static_cast<pid_t>(first.processId()), SIGINT);
        QVERIFY(first.waitForFinished(60000));
        firstErrors += first.readAllStandardError();
        QVERIFY2(second.exitCode == 0, second.err.constData());
        QVERIFY2(firstAlive, "the first run ended while the second ran");
        QCOMPARE(during, before);

        // Stopped by the interrupt: exit 130, and what it measured is printed, intact.
        QCOMPARE(first.exitCode(), 130);
        const QJsonObject result = QJsonDocument::fromJson(first.readAllStandardOutput()).object();
        QVERIFY2(result[QStringLiteral("messages")].toInteger() > 0, firstErrors.constData());
        QCOMPARE(result[QStringLiteral("integrity_errors")].toInteger(), 0);
        QVERIFY2(!firstErrors.contains("run failed"), firstErrors.constData());
        QCOMPARE(test::stillExisting(objects), QStringList {});
    }
};

QTEST_GUILESS_MAIN(TestStale)
#include "tst_stale.moc"
