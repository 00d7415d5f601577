// When the kernel refuses, ipcpg says which limit and how to raise it. Each limit is lowered for
// ipcpg's process alone (setrlimit in the child, or a private mount namespace for /dev/shm), so
// nothing changes for other users of the machine.
#include <QProcess>
#include <QTest>
#include <csignal>
#include <fcntl.h>
#include <functional>
#include <sched.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ipcpg/mechanismregistry.h"
#include "testenvironment.h"

using namespace ipcpg;

namespace {

// Runs ipcpg with `prepare` applied in its process before it starts (after fork, before exec:
// only async-signal-safe calls).
test::ProcessOutput ipcpgWith(const QStringList& arguments, const std::function<void()>& prepare)
{
    QProcess process;
    process.setChildProcessModifier(prepare);
    process.start(test::cliPath(), arguments);
    if (!process.waitForFinished(60000)) {
        process.kill();
        process.waitForFinished();
    }
    test::ProcessOutput output;
    output.command = (QStringList { test::cliPath() } + arguments).join(QLatin1Char(' '));
    output.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    output.out = process.readAllStandardOutput();
    output.err = process.readAllStandardError();
    return output;
}

std::function<void()> lowered(int resource, rlim_t value)
{
    return [resource, value] {
        rlimit limit {};
        getrlimit(resource, &limit);
        limit.rlim_cur = value;
        setrlimit(resource, &limit);
    };
}

// A /dev/shm of one page, in a mount namespace of the process's own.
void tinyDevShm()
{
    if (unshare(CLONE_NEWNS) != 0 || mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0
        || mount("ipcpg-test", "/dev/shm", "tmpfs", 0, "size=4k,mode=1777") != 0)
        _exit(120);
}

bool canMakeTinyDevShm()
{
    const pid_t child = fork();
    if (child == 0) {
        tinyDevShm();
        _exit(0);
    }
    int status = 0;
    waitpid(child, &status, 0);
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

QStringList runOf(const Mechanism& mechanism, std::uint64_t size, const char* workers)
{
    return { "run", "--mechanism", QString::fromStdString(mechanism.info().id), "--size", QString::number(size),
        "--workers", workers, "--duration", "0.2", "--warmup", "0" };
}

// A run that failed must have failed with status 1 and a message that contains every mention;
// one that ran must have run cleanly. No run may end by a signal (SIGBUS, SIGXFSZ, ...).
void checkRefusalOrSuccess(const test::ProcessOutput& output, const QStringList& mentions)
{
    const QString error = QString::fromLocal8Bit(output.err).trimmed();
    QVERIFY2(output.exitCode == 0 || output.exitCode == 1, qPrintable(error));
    QVERIFY2(!error.contains(QStringLiteral("killed by signal")), qPrintable(error));
    if (output.exitCode == 0)
        return;
    for (const QString& mention : mentions)
        QVERIFY2(error.contains(mention), qPrintable(error));
}

void addMechanismRows()
{
    QTest::addColumn<QString>("mechanism");
    for (const Mechanism* mechanism : MechanismRegistry::instance().all())
        QTest::newRow(mechanism->info().id.c_str()) << QString::fromStdString(mechanism->info().id);
}

const Mechanism& mechanismNamed(const QString& id) { return *MechanismRegistry::instance().find(id.toStdString()); }

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
// Built with sanitizers, whose runtimes need descriptors of their own (UBSan's vptr check probes
// memory through a pipe and, with none left, reports every virtual call as a type error) and
// reserve terabytes of address space: a run out of either cannot be checked under them.
constexpr bool kSanitized = true;
#else
constexpr bool kSanitized = false;
#endif

} // namespace

class TestLimits : public QObject {
    Q_OBJECT

    test::PrivateRuntimeDir m_runtime;

private slots:
    void openFileLimit_data() { addMechanismRows(); }

    // 16 pairs need more descriptors than 24: every mechanism that uses descriptors per pair is
    // refused, naming RLIMIT_NOFILE, its value and `ulimit -n`.
    void openFileLimit()
    {
        QFETCH(QString, mechanism);
        if (kSanitized)
            QSKIP("built with sanitizers, which need free descriptors themselves");
        const Mechanism& chosen = mechanismNamed(mechanism);
        // Two limits one apart: which call runs out (and how many descriptors the failed run
        // still holds while it cleans up) depends on the parity of what the process inherited.
        for (const int limit : { 24, 25 }) {
            const auto output = ipcpgWith(runOf(chosen, test::sizeFor(chosen), "16"), lowered(RLIMIT_NOFILE, limit));
            checkRefusalOrSuccess(output, { "RLIMIT_NOFILE", QStringLiteral("now %1").arg(limit), "ulimit -n" });
            // The first mechanism of the registry is the pipe, which needs 4 descriptors a pair.
            if (&chosen == MechanismRegistry::instance().all().front())
                QCOMPARE(output.exitCode, 1);
            QCOMPARE(m_runtime.leftoverRunDirectories(), QStringList {});
        }
    }

    // So few that ipcpg cannot even open the pipe it reads its worker through. Started by hand
    // rather than by QProcess, so it inherits exactly stdin, stdout and stderr: the fourth
    // descriptor lets the dynamic loader open the libraries one by one, and no more fit.
    void openFileLimitOfTheFrontEnd()
    {
        if (kSanitized)
            QSKIP("built with sanitizers, which need free descriptors themselves");
        const Mechanism& first = *MechanismRegistry::instance().all().front();
        const QByteArray program = test::cliPath().toLocal8Bit();
        const QByteArray id = QByteArray::fromStdString(first.info().id);
        int errors[2];
        QCOMPARE(pipe(errors), 0);
        const pid_t child = fork();
        if (child == 0) {
            dup2(errors[1], STDERR_FILENO);
            const int devNull = open("/dev/null", O_RDWR);
            dup2(devNull, STDIN_FILENO);
            dup2(devNull, STDOUT_FILENO);
            close_range(3, ~0U, 0);
            rlimit limit {};
            getrlimit(RLIMIT_NOFILE, &limit);
            limit.rlim_cur = 4;
            setrlimit(RLIMIT_NOFILE, &limit);
            execl(program.constData(), program.constData(), "run", "-m", id.constData(), "-d", "0.1",
                static_cast<char*>(nullptr));
            _exit(127);
        }
        close(errors[1]);
        QByteArray error;
        char buffer[4096];
        for (ssize_t n; (n = read(errors[0], buffer, sizeof buffer)) > 0;)
            error.append(buffer, n);
        close(errors[0]);
        int status = 0;
        waitpid(child, &status, 0);
        QVERIFY2(WIFEXITED(status) && WEXITSTATUS(status) == 1, error.constData());
        QVERIFY2(error.contains("control pipe"), error.constData());
        QVERIFY2(error.contains("RLIMIT_NOFILE, now 4"), error.constData());
        QVERIFY2(error.contains("ulimit -n"), error.constData());
    }

    // POSIX message queues count against the per-user RLIMIT_MSGQUEUE; at 0 none fits.
    void messageQueueLimit_data() { addMechanismRows(); }

    void messageQueueLimit()
    {
        QFETCH(QString, mechanism);
        const Mechanism& chosen = mechanismNamed(mechanism);
        const auto output = ipcpgWith(runOf(chosen, test::sizeFor(chosen), "1"), lowered(RLIMIT_MSGQUEUE, 0));
        checkRefusalOrSuccess(output, { "RLIMIT_MSGQUEUE", "now 0 B", "ulimit -q" });
        if (mechanism == QStringLiteral("posix-mq")) {
            QCOMPARE(output.exitCode, 1);
            QVERIFY(!output.err.contains("ulimit -n")); // the other limit mq_open's EMFILE can mean
        }
        QCOMPARE(m_runtime.leftoverRunDirectories(), QStringList {});
    }

    // 16 pairs of 16 MiB messages need more than 300 MB of address space.
    void addressSpaceLimit()
    {
        if (kSanitized)
            QSKIP("sanitizers reserve terabytes of address space: RLIMIT_AS cannot be lowered under them");
        const Mechanism& first = *MechanismRegistry::instance().all().front();
        const auto output = ipcpgWith(runOf(first, RunSpec::kMaxMessageSize, "16"), lowered(RLIMIT_AS, 300ULL << 20));
        QCOMPARE(output.exitCode, 1);
        const QString error = QString::fromLocal8Bit(output.err);
        QVERIFY2(error.contains(QStringLiteral("RLIMIT_AS")) && error.contains(QStringLiteral("ulimit -v")),
            qPrintable(error));
        QVERIFY2(!error.contains(QStringLiteral("bad_alloc")), qPrintable(error));
        QCOMPARE(m_runtime.leftoverRunDirectories(), QStringList {});
    }

    // A run that grows a file or a shared-memory object past `ulimit -f` is refused with EFBIG,
    // not killed by SIGXFSZ.
    void fileSizeLimit_data() { addMechanismRows(); }

    void fileSizeLimit()
    {
        QFETCH(QString, mechanism);
#if defined(__SANITIZE_THREAD__)
        QSKIP("ThreadSanitizer's runtime writes a file of its own at start, which RLIMIT_FSIZE 0 refuses");
#endif
        const Mechanism& chosen = mechanismNamed(mechanism);
        const auto output = ipcpgWith(runOf(chosen, test::sizeFor(chosen, 65536), "1"), lowered(RLIMIT_FSIZE, 0));
        checkRefusalOrSuccess(output, { "RLIMIT_FSIZE", "ulimit -f" });
    }

    // /dev/shm full (here: one page, in a private mount namespace): a mechanism that needs it is
    // refused naming /dev/shm, and never dies of SIGBUS touching memory the file system lacks.
    void sharedMemoryFull_data() { addMechanismRows(); }

    void sharedMemoryFull()
    {
        QFETCH(QString, mechanism);
        if (!canMakeTinyDevShm())
            QSKIP("cannot mount a private /dev/shm here (needs root or user namespaces)");
        const Mechanism& chosen = mechanismNamed(mechanism);
        const auto output = ipcpgWith(runOf(chosen, test::sizeFor(chosen, 65536), "1"), tinyDevShm);
        checkRefusalOrSuccess(output, { "/dev/shm" });
    }
};

QTEST_GUILESS_MAIN(TestLimits)
#include "tst_limits.moc"
