// Message queues and notification primitives against the kernel's own limits: sizes above a
// limit are refused naming it, a kernel refusal names the limit to raise, standard signals
// really lose what they merge while realtime ones lose nothing, and no queue outlives its run.
#include <QDir>
#include <QFileInfo>
#include <QTest>
#include <QThread>
#include <cerrno>
#include <fcntl.h>
#include <fstream>
#include <mqueue.h>
#include <optional>
#include <set>
#include <sys/msg.h>
#include <sys/resource.h>

#include "ipcpg/mechanismregistry.h"
#include "testenvironment.h"

using namespace ipcpg;

Q_DECLARE_METATYPE(ipcpg::Mode)

namespace {

std::uint64_t procNumber(const char* path)
{
    std::ifstream file(path);
    std::uint64_t value = 0;
    file >> value;
    return value;
}

// "mqueue:/ipcpg-4711-9f3c2a1b-p0-ab" -> "ipcpg-4711-9f3c2a1b-": every object of that run starts so.
QString runTag(const std::string& object)
{
    const QString name = QString::fromStdString(object.substr(object.find(":/") + 2));
    const QStringList parts = name.split(QLatin1Char('-'));
    return parts.mid(0, 3).join(QLatin1Char('-')) + QLatin1Char('-');
}

// Lowers a resource limit for the workers this process starts, and restores it afterwards.
class LoweredLimit {
public:
    LoweredLimit(int resource, rlim_t value)
        : m_resource(resource)
    {
        getrlimit(resource, &m_saved);
        rlimit lowered = m_saved;
        lowered.rlim_cur = value;
        m_ok = setrlimit(resource, &lowered) == 0;
    }
    ~LoweredLimit() { setrlimit(m_resource, &m_saved); }
    LoweredLimit(const LoweredLimit&) = delete;
    LoweredLimit& operator=(const LoweredLimit&) = delete;
    bool ok() const { return m_ok; }

private:
    int m_resource;
    rlimit m_saved {};
    bool m_ok = false;
};

} // namespace

class TestQueues : public QObject {
    Q_OBJECT

    test::PrivateRuntimeDir m_runtime;

    static Placement parallelPlacement()
    {
        return QThread::idealThreadCount() >= 2 ? Placement::CrossCore : Placement::Unpinned;
    }

private slots:
    void posixMqRefusesMoreThanMsgsizeMax()
    {
        const std::uint64_t msgsizeMax = procNumber("/proc/sys/fs/mqueue/msgsize_max");
        QVERIFY2(msgsizeMax > 32, "/proc/sys/fs/mqueue/msgsize_max is unreadable");
        const std::uint64_t limit = msgsizeMax - 32; // 8160 with the default 8192
        RunSpec spec = test::countedRun("posix-mq", Mode::PingPong, limit + 1, 10);
        const RunOutcome refused = test::runWorker(spec);
        QCOMPARE(refused.exitCode, 2);
        const QString error = QString::fromStdString(refused.error);
        QVERIFY2(error.contains(QStringLiteral("(%1 B)").arg(limit)), qPrintable(error));
        QVERIFY2(error.contains(QStringLiteral("msgsize_max")), qPrintable(error));
        QVERIFY2(error.contains(QStringLiteral("sysctl fs.mqueue.msgsize_max=")), qPrintable(error));

        spec.messageSize = limit;
        const RunOutcome accepted = test::runWorker(spec);
        QVERIFY2(accepted.exitCode == 0, accepted.error.c_str());
        QCOMPARE(accepted.result->messages, std::uint64_t { 10 });
    }

    void posixMqNamesTheQueueLimitItHit()
    {
        // A stream queue of full-size messages needs msg_max * ~8 KiB; 16 KiB of RLIMIT_MSGQUEUE
        // cannot hold it, so mq_open fails in the worker, which inherits the limit.
        const std::uint64_t limit = procNumber("/proc/sys/fs/mqueue/msgsize_max") - 32;
        LoweredLimit lowered(RLIMIT_MSGQUEUE, 16384);
        QVERIFY(lowered.ok());
        const RunOutcome outcome = test::runWorker(test::countedRun("posix-mq", Mode::Stream, limit, 10));
        QCOMPARE(outcome.exitCode, 1);
        const QString error = QString::fromStdString(outcome.error);
        QVERIFY2(error.contains(QStringLiteral("RLIMIT_MSGQUEUE")), qPrintable(error));
        QVERIFY2(error.contains(QStringLiteral("16384")), qPrintable(error));
        QVERIFY2(error.contains(QStringLiteral("ulimit -q")), qPrintable(error));
    }

    void sysvMqRefusesMoreThanMsgmax()
    {
        const std::uint64_t msgmax = procNumber("/proc/sys/kernel/msgmax");
        const std::uint64_t msgmnb = procNumber("/proc/sys/kernel/msgmnb");
        QVERIFY2(msgmax > 32 && msgmnb > 32, "/proc/sys/kernel/msgmax or msgmnb is unreadable");
        const std::uint64_t limit = std::min(msgmax, msgmnb) - 32;
        const RunOutcome refused = test::runWorker(test::countedRun("sysv-mq", Mode::Stream, limit + 1, 10));
        QCOMPARE(refused.exitCode, 2);
        const QString error = QString::fromStdString(refused.error);
        QVERIFY2(error.contains(QStringLiteral("(%1 B)").arg(limit)), qPrintable(error));
        QVERIFY2(error.contains(QStringLiteral("kernel.msgmax = %1").arg(msgmax)), qPrintable(error));
        QVERIFY2(error.contains(QStringLiteral("sysctl kernel.msgmax=")), qPrintable(error));
    }

    void signalRefusesMoreThanItsFourBytes()
    {
        const RunOutcome refused = test::runWorker(test::countedRun("signal", Mode::PingPong, 1 << 20, 10));
        QCOMPARE(refused.exitCode, 2);
        const QString error = QString::fromStdString(refused.error);
        QVERIFY2(error.contains(QStringLiteral("(4 B)")), qPrintable(error));
        QVERIFY2(error.contains(QStringLiteral("4-byte value")), qPrintable(error));
        QVERIFY2(error.contains(QStringLiteral("payload=shm")), qPrintable(error));

        // The same size through the shared-memory payload is accepted.
        RunSpec viaShm = test::countedRun("signal", Mode::PingPong, 1 << 20, 10);
        viaShm.options["payload"] = "shm";
        MechanismRegistry::instance().validate(viaShm);
    }

    void bareSemaphoreAndEventfdCarryNothing_data()
    {
        QTest::addColumn<QString>("mechanism");
        QTest::newRow("semaphore") << QStringLiteral("semaphore");
        QTest::newRow("eventfd") << QStringLiteral("eventfd");
    }

    void bareSemaphoreAndEventfdCarryNothing()
    {
        QFETCH(QString, mechanism);
        const RunOutcome refused = test::runWorker(test::countedRun(qPrintable(mechanism), Mode::PingPong, 64, 10));
        QCOMPARE(refused.exitCode, 2);
        const QString error = QString::fromStdString(refused.error);
        QVERIFY2(error.contains(QStringLiteral("(0 B)")), qPrintable(error));
        QVERIFY2(error.contains(QStringLiteral("payload=shm")), qPrintable(error));
    }

    void standardSignalsLoseWhatTheyMergeInStream()
    {
        // Pending standard signals merge: a sender faster than the receiver's wake-ups loses
        // some. How many depends on scheduling, so the count grows until a loss shows.
        std::uint64_t lost = 0;
        for (std::uint64_t messages = 20000; messages <= 1280000 && lost == 0; messages *= 4) {
            RunSpec spec = test::countedRun("signal", Mode::Stream, 0, messages);
            spec.options["kind"] = "standard";
            spec.placement = parallelPlacement();
            const RunOutcome outcome = test::runWorker(spec);
            QVERIFY2(outcome.exitCode == 0, outcome.error.c_str());
            const RunResult& result = *outcome.result;
            QCOMPARE(result.messages + result.lost, messages);
            QCOMPARE(result.integrityErrors, std::uint64_t { 0 });
            QCOMPARE(result.sides.at(0).messagesSent, messages);
            QCOMPARE(result.sides.at(1).messagesReceived, result.messages);
            lost = result.lost;
        }
        QVERIFY2(lost > 0, "standard signals never merged, even at 1280000 messages");
    }

    void realtimeSignalsLoseNothingInStream_data()
    {
        QTest::addColumn<QString>("payload");
        QTest::addColumn<QString>("kind");
        QTest::addColumn<int>("pendingLimit"); // RLIMIT_SIGPENDING for the workers, 0: as it is
        QTest::newRow("realtime") << QStringLiteral("none") << QStringLiteral("realtime") << 0;
        // A full queue makes the sender wait, never drop.
        QTest::newRow("realtime, 64 pending at most") << QStringLiteral("none") << QStringLiteral("realtime") << 64;
        // Through the mailbox a merged standard signal is only a merged wake-up: nothing is lost.
        QTest::newRow("standard, payload=shm") << QStringLiteral("shm") << QStringLiteral("standard") << 0;
    }

    void realtimeSignalsLoseNothingInStream()
    {
        QFETCH(QString, payload);
        QFETCH(QString, kind);
        QFETCH(int, pendingLimit);
        std::optional<LoweredLimit> lowered;
        if (pendingLimit > 0) {
            lowered.emplace(RLIMIT_SIGPENDING, static_cast<rlim_t>(pendingLimit));
            QVERIFY(lowered->ok());
        }
        const std::uint64_t messages = 50000;
        RunSpec spec = test::countedRun("signal", Mode::Stream, payload == QLatin1String("shm") ? 64 : 4, messages);
        spec.options["payload"] = payload.toStdString();
        spec.options["kind"] = kind.toStdString();
        spec.placement = parallelPlacement();
        const RunOutcome outcome = test::runWorker(spec);
        QVERIFY2(outcome.exitCode == 0, outcome.error.c_str());
        QCOMPARE(outcome.result->lost, std::uint64_t { 0 });
        QCOMPARE(outcome.result->messages, messages);
        QCOMPARE(outcome.result->integrityErrors, std::uint64_t { 0 });
    }

    void stopEndsBareNotificationPingPongCleanly_data()
    {
        QTest::addColumn<QString>("mechanism");
        QTest::addColumn<quint64>("size");
        QTest::newRow("semaphore") << QStringLiteral("semaphore") << quint64(0);
        QTest::newRow("eventfd") << QStringLiteral("eventfd") << quint64(0);
        QTest::newRow("signal") << QStringLiteral("signal") << quint64(4);
    }

    void stopEndsBareNotificationPingPongCleanly()
    {
        // These primitives wait without a timeout, so on a stop the responder must still answer
        // the request in flight: the initiator sees the stop only after that reply, then ends
        // the pair with its end marker. Both sides exit by themselves, none is killed.
        QFETCH(QString, mechanism);
        QFETCH(quint64, size);
        RunSpec spec = test::countedRun(qPrintable(mechanism), Mode::PingPong, size, 0);
        spec.durationS = 30;
        const RunOutcome outcome = test::runWorkerCancelledAfter(spec, 2);
        QCOMPARE(outcome.exitCode, 0);
        QVERIFY(outcome.result && outcome.result->partial);
        QVERIFY(outcome.result->messages > 0);
        for (const SideReport& side : outcome.result->sides)
            QCOMPARE(QString::fromStdString(side.exit), QStringLiteral("exited with status 0"));
    }

    void queuesAreRemovedAfterTheRun_data()
    {
        QTest::addColumn<QString>("mechanism");
        QTest::addColumn<Mode>("mode");
        QTest::addColumn<QString>("kind");
        QTest::addColumn<int>("queues");
        const QString mqueue = QStringLiteral("mqueue");
        const QString sysv = QStringLiteral("sysv-msg");
        QTest::newRow("posix-mq pingpong") << QStringLiteral("posix-mq") << Mode::PingPong << mqueue << 2;
        QTest::newRow("posix-mq stream") << QStringLiteral("posix-mq") << Mode::Stream << mqueue << 1;
        QTest::newRow("sysv-mq pingpong") << QStringLiteral("sysv-mq") << Mode::PingPong << sysv << 1;
        QTest::newRow("sysv-mq stream") << QStringLiteral("sysv-mq") << Mode::Stream << sysv << 1;
    }

    void queuesAreRemovedAfterTheRun()
    {
        QFETCH(QString, mechanism);
        QFETCH(Mode, mode);
        QFETCH(QString, kind);
        QFETCH(int, queues);
        RunSpec spec = test::countedRun(qPrintable(mechanism), mode, 64, 500);
        spec.workers = 2;
        const RunOutcome outcome = test::runWorker(spec);
        QVERIFY2(outcome.exitCode == 0, outcome.error.c_str());
        const RunResult& result = *outcome.result;
        QCOMPARE(result.messages, std::uint64_t { 1000 });

        QStringList made;
        for (const std::string& object : result.objects) {
            if (QString::fromStdString(object).startsWith(kind + QLatin1Char(':')))
                made << QString::fromStdString(object);
        }
        QCOMPARE(made.size(), queues * 2); // per pair
        QCOMPARE(test::leftoverObjects(result), QStringList {});

        const std::set<int> live = test::sysvMessageQueueIds();
        const bool mqueueMounted = QFileInfo(QStringLiteral("/dev/mqueue")).isDir();
        for (const QString& object : made) {
            const std::string text = object.toStdString();
            if (kind == QLatin1String("sysv-msg")) {
                const int id = object.section(QLatin1Char(':'), 1).toInt();
                QVERIFY2(!live.count(id), qPrintable(object + QStringLiteral(" is still listed by MSG_STAT")));
                msqid_ds info {};
                QCOMPARE(msgctl(id, IPC_STAT, &info), -1);
            } else {
                const std::string name = text.substr(text.find(':') + 1);
                errno = 0;
                QCOMPARE(mq_open(name.c_str(), O_RDONLY), static_cast<mqd_t>(-1));
                QCOMPARE(errno, ENOENT);
                if (mqueueMounted) {
                    const QDir mqueues(QStringLiteral("/dev/mqueue"));
                    const QStringList left
                        = mqueues.entryList({ runTag(text) + QLatin1Char('*') }, QDir::Files | QDir::System);
                    QCOMPARE(left, QStringList {});
                }
            }
        }
        QCOMPARE(m_runtime.leftoverRunDirectories(), QStringList {});
    }
};

QTEST_GUILESS_MAIN(TestQueues)
#include "tst_queues.moc"
