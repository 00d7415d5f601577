#include "testenvironment.h"

#include <QDir>
#include <QFileInfo>
#include <QProcess>
#include <atomic>
#include <cerrno>
#include <fcntl.h>
#include <mqueue.h>
#include <sys/msg.h>
#include <sys/sem.h>

namespace ipcpg::test {

PrivateRuntimeDir::PrivateRuntimeDir()
    : m_dir(QStringLiteral("/tmp/ipcpg-test-XXXXXX"))
{
    qputenv("XDG_RUNTIME_DIR", m_dir.path().toLocal8Bit());
}

QStringList PrivateRuntimeDir::leftoverRunDirectories() const
{
    return QDir(m_dir.path() + QStringLiteral("/ipcpg")).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
}

QString workerPath() { return qEnvironmentVariable("IPCPG_WORKER"); }
QString cliPath() { return qEnvironmentVariable("IPCPG_CLI"); }

CliOutput runCli(const QStringList& arguments, int timeoutMs)
{
    QProcess process;
    process.start(cliPath(), arguments);
    if (!process.waitForFinished(timeoutMs)) {
        process.kill();
        process.waitForFinished();
    }
    return { process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1, process.readAllStandardOutput(),
        process.readAllStandardError() };
}

QString requiredEnvironment(const char* name)
{
    const QString value = qEnvironmentVariable(name);
    if (value.isEmpty())
        qFatal("%s is not set; run this test through ctest", name);
    return value;
}

RunOutcome runWorker(const RunSpec& spec)
{
    SupervisorOptions options;
    options.workerPath = workerPath().toStdString();
    return superviseRun(spec, options);
}

RunOutcome runWorkerAndAct(
    const RunSpec& spec, int afterSamples, const std::function<void(const HelloMessage&)>& action)
{
    SupervisorOptions options;
    options.workerPath = workerPath().toStdString();
    HelloMessage hello;
    int samples = 0;
    options.onHello = [&](const HelloMessage& h) { hello = h; };
    options.onSample = [&](const SampleMessage&) {
        if (++samples == afterSamples)
            action(hello);
    };
    return superviseRun(spec, options);
}

RunOutcome runWorkerCancelledAfter(const RunSpec& spec, int samples)
{
    std::atomic<bool> cancel { false };
    SupervisorOptions options;
    options.workerPath = workerPath().toStdString();
    options.cancel = &cancel;
    int seen = 0;
    options.onSample = [&](const SampleMessage&) {
        if (++seen == samples)
            cancel = true;
    };
    return superviseRun(spec, options);
}

QStringList leftoverObjects(const RunResult& result) { return leftoverObjects(result.objects); }

QStringList leftoverObjects(const std::vector<std::string>& objects)
{
    QStringList left;
    for (const std::string& object : objects) {
        const QString text = QString::fromStdString(object);
        const auto colon = object.find(':');
        const std::string kind = object.substr(0, colon);
        const std::string name = object.substr(colon + 1);
        bool exists = false;
        if (kind == "shm") {
            exists = QFileInfo::exists(QStringLiteral("/dev/shm") + QString::fromStdString(name));
        } else if (kind == "mqueue") {
            const mqd_t queue = mq_open(name.c_str(), O_RDONLY);
            exists = queue != static_cast<mqd_t>(-1);
            if (exists)
                mq_close(queue);
        } else if (kind == "sysv-msg") {
            msqid_ds info {};
            exists = msgctl(std::stoi(name), IPC_STAT, &info) == 0;
        } else if (kind == "sysv-sem") {
            semid_ds info {};
            union {
                int val;
                semid_ds* buf;
            } argument {};
            argument.buf = &info;
            exists = semctl(std::stoi(name), 0, IPC_STAT, argument) == 0;
        } else {
            exists = QFileInfo::exists(QString::fromStdString(name));
        }
        if (exists)
            left << text;
    }
    return left;
}

QStringList objectsOfPid(int pid)
{
    const QString prefix = QStringLiteral("ipcpg-%1-").arg(pid);
    QStringList found;
    for (const QString& root : { QStringLiteral("/dev/shm"), QStringLiteral("/dev/mqueue") }) {
        for (const QString& entry : QDir(root).entryList(QDir::Files | QDir::System)) {
            if (entry.startsWith(prefix))
                found << root + QLatin1Char('/') + entry;
        }
    }
    return found;
}

} // namespace ipcpg::test
