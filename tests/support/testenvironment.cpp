#include "testenvironment.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QTest>
#include <QThread>
#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <fcntl.h>
#include <mqueue.h>
#include <sys/mount.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ipcpg/controlprotocol.h"
#include "ipcpg/mechanismregistry.h"

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

ProcessOutput runCli(const QStringList& arguments, int timeoutMs)
{
    return runProcess(cliPath(), arguments, QProcessEnvironment::systemEnvironment(), timeoutMs);
}

bool waitForMeasuredProgress(QProcess& cli, QByteArray& stderrSoFar, int timeoutMs)
{
    // "ipcpg: progress 0.3 s, 1234 messages, 45.6 k/s" ("progress warm-up ..." before that).
    static const QByteArray prefix = "ipcpg: progress ";
    const auto measured = [](const QByteArray& line) {
        if (!line.startsWith(prefix) || line.startsWith(prefix + "warm-up"))
            return false;
        const QList<QByteArray> fields = line.mid(prefix.size()).split(' ');
        return fields.size() >= 3 && fields.at(2).toULongLong() > 0;
    };
    const QProcess::ProcessChannel channel = cli.readChannel();
    cli.setReadChannel(QProcess::StandardError); // so waitForReadyRead wakes on stderr
    QElapsedTimer timer;
    timer.start();
    QByteArray pending;
    bool found = false;
    while (!found && timer.elapsed() < timeoutMs) {
        const bool running = cli.state() == QProcess::Running;
        cli.waitForReadyRead(100);
        const QByteArray chunk = cli.readAllStandardError();
        stderrSoFar += chunk;
        pending += chunk;
        for (qsizetype end = pending.indexOf('\n'); end >= 0 && !found; end = pending.indexOf('\n')) {
            found = measured(pending.left(end));
            pending.remove(0, end + 1);
        }
        if (!running)
            break;
    }
    cli.setReadChannel(channel);
    return found;
}

QString requiredEnvironment(const char* name)
{
    const QString value = qEnvironmentVariable(name);
    if (value.isEmpty())
        qFatal("%s is not set; run this test through ctest", name);
    return value;
}

QList<FakeWorker> misbehavingWorkers()
{
    // Valid lines, from the real encoder, to build the ones out of order around.
    HelloMessage helloMessage;
    helloMessage.pid = 4242;
    helloMessage.workerPids = { 4243, 4244 };
    const QByteArray hello = QByteArray::fromStdString(encodeControlMessage(helloMessage));
    const QByteArray sample = QByteArray::fromStdString(encodeControlMessage(SampleMessage {}));
    const QByteArray result = QByteArray::fromStdString(encodeControlMessage(ResultMessage {}));
    const auto lines = [](std::initializer_list<QByteArray> list) {
        QByteArray text;
        for (const QByteArray& line : list)
            text += "printf '%s\\n' '" + line + "'\n";
        return text;
    };
    const QByteArray hang = "exec sleep 30\n";
    return {
        { "garbage", "printf 'hello world\\n'\n" + hang, QStringLiteral("unreadable") },
        { "binary", "printf '\\000\\377\\376{\\n'\n" + hang, QStringLiteral("unreadable") },
        { "huge line", "head -c 3000000 /dev/zero | tr '\\000' x\n" + hang, QStringLiteral("long") },
        { "huge line ended", "head -c 1100000 /dev/zero | tr '\\000' '{'\nprintf '\\n'\n" + hang,
            QStringLiteral("long") },
        { "truncated", lines({ hello }) + "printf '{\"type\":\"sam'\nexit 0\n", QStringLiteral("unreadable") },
        { "sample before hello", lines({ sample, hello }) + hang, QStringLiteral("unreadable") },
        { "second hello", lines({ hello, sample, hello }) + hang, QStringLiteral("unreadable") },
        { "message after the result", lines({ hello, result, sample }) + hang, QStringLiteral("unreadable") },
        { "wrong protocol",
            "printf '%s\\n' '{\"type\":\"hello\",\"protocol\":2,\"pid\":1,\"worker_pids\":[],\"clock_read_ns\":1}'\n"
                + hang,
            QStringLiteral("unreadable") },
        { "silent", hang, QStringLiteral("sent nothing") },
        { "silent after hello", lines({ hello }) + hang, QStringLiteral("sent nothing") },
        { "no result", lines({ hello, sample }) + "exit 0\n", QStringLiteral("without reporting a result") },
        { "crash", lines({ hello }) + "kill -SEGV $$\n", QStringLiteral("signal 11") },
        { "flood", "exec yes '{\"type\":\"sample\"'\n", QStringLiteral("unreadable") },
    };
}

QString installFakeWorker(const QString& directory, const FakeWorker& worker)
{
    const QString path
        = directory + QLatin1Char('/') + QString::fromLatin1(worker.name).replace(QLatin1Char(' '), QLatin1Char('-'));
    QFile file(path);
    if (file.open(QIODevice::WriteOnly)) {
        file.write("#!/bin/sh\necho $$ > \"$0.pid\"\n" + worker.script);
        file.close();
        file.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    }
    return path;
}

int fakeWorkerPid(const QString& path)
{
    QFile file(path + QStringLiteral(".pid"));
    return file.open(QIODevice::ReadOnly) ? file.readAll().trimmed().toInt() : 0;
}

void addMisbehavingWorkerRows()
{
    QTest::addColumn<int>("index");
    const QList<FakeWorker> workers = misbehavingWorkers();
    for (qsizetype i = 0; i < workers.size(); ++i)
        QTest::newRow(workers[i].name) << static_cast<int>(i);
}

void killFrontEndAndCheckItsWorkersGo(QProcess& frontEnd, const PrivateRuntimeDir& runtime)
{
    const auto tree = waitForWorkerTree(static_cast<int>(frontEnd.processId()), 1, 15000);
    QVERIFY2(tree, frontEnd.readAllStandardError().constData());
    // No pause for the run to get going: a kill at any moment, start-up included, must leave
    // nothing behind, so nothing checked here depends on where it lands. (The lead makes its run
    // directory before it forks the sides, so it is there to be looked at.)
    const RunObjects objects = objectsOfLiveRun(runtime.path(), tree->lead);
    QVERIFY(!objects.directory.isEmpty());

    QElapsedTimer timer;
    timer.start();
    frontEnd.kill();
    QVERIFY2(waitUntilGone(tree->all(), 1000), "the workers outlived their front end by more than 1 s");
    qInfo("workers gone %lld ms after the front end was killed", timer.elapsed());
    QVERIFY(frontEnd.waitForFinished(30000)); // already killed: a bound for a hang only
    QCOMPARE(stillExisting(objects), QStringList {});
    QCOMPARE(runtime.leftoverRunDirectories(), QStringList {});
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

std::uint64_t sizeFor(const Mechanism& mechanism, std::uint64_t preferred)
{
    const SizeLimit limit = mechanism.sizeLimit(MechanismRegistry::instance().resolveOptions(mechanism, {}));
    return std::clamp(preferred, limit.min, limit.max);
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
            exists = sysvMessageQueuePermissions(std::stoi(name)).has_value();
        } else if (kind == "sysv-sem") {
            exists = sysvSemaphorePermissions(std::stoi(name)).has_value();
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

bool mqueueListed()
{
    const auto mounted = [] {
        QFile mounts(QStringLiteral("/proc/self/mounts"));
        if (!mounts.open(QIODevice::ReadOnly))
            return false;
        for (const QByteArray& line : mounts.readAll().split('\n')) {
            const QList<QByteArray> fields = line.split(' ');
            if (fields.size() > 2 && fields[1] == "/dev/mqueue" && fields[2] == "mqueue")
                return true;
        }
        return false;
    };
    if (mounted())
        return true;
    if (geteuid() != 0)
        return false;
    mkdir("/dev/mqueue", 01777);
    return mount("mqueue", "/dev/mqueue", "mqueue", 0, nullptr) == 0 && mounted();
}

std::set<int> sysvMessageQueueIds()
{
    std::set<int> ids;
    msginfo info {};
    const int highest = msgctl(0, MSG_INFO, reinterpret_cast<msqid_ds*>(&info));
    for (int index = 0; index <= highest; ++index) {
        msqid_ds queue {};
        const int id = msgctl(index, MSG_STAT, &queue);
        if (id >= 0)
            ids.insert(id);
    }
    return ids;
}

std::set<int> sysvSemaphoreIds()
{
    std::set<int> ids;
    seminfo info {};
    union {
        int val;
        semid_ds* buf;
        unsigned short* array;
        seminfo* info;
    } argument {};
    argument.info = &info;
    const int highest = semctl(0, 0, SEM_INFO, argument);
    for (int index = 0; index <= highest; ++index) {
        semid_ds set {};
        argument.buf = &set;
        const int id = semctl(index, 0, SEM_STAT, argument);
        if (id >= 0)
            ids.insert(id);
    }
    return ids;
}

std::optional<ipc_perm> sysvMessageQueuePermissions(int id)
{
    msqid_ds info {};
    if (msgctl(id, IPC_STAT, &info) != 0)
        return std::nullopt;
    return info.msg_perm;
}

std::optional<ipc_perm> sysvSemaphorePermissions(int id)
{
    semid_ds info {};
    union {
        int val;
        semid_ds* buf;
    } argument {};
    argument.buf = &info;
    if (semctl(id, 0, IPC_STAT, argument) != 0)
        return std::nullopt;
    return info.sem_perm;
}

namespace {

QList<int> childrenOf(int pid)
{
    QList<int> found;
    const QString tasks = QStringLiteral("/proc/%1/task").arg(pid);
    for (const QString& task : QDir(tasks).entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        QFile file(tasks + QLatin1Char('/') + task + QStringLiteral("/children"));
        if (!file.open(QIODevice::ReadOnly))
            continue;
        for (const QByteArray& child : file.readAll().simplified().split(' ')) {
            if (!child.isEmpty())
                found << child.toInt();
        }
    }
    return found;
}

QString commandName(int pid)
{
    QFile file(QStringLiteral("/proc/%1/comm").arg(pid));
    return file.open(QIODevice::ReadOnly) ? QString::fromLocal8Bit(file.readAll()).trimmed() : QString();
}

} // namespace

WorkerTree workerTree(int frontEndPid)
{
    WorkerTree tree;
    for (int child : childrenOf(frontEndPid)) {
        // Between posix_spawn and exec the child still runs the front end's program.
        if (QFileInfo(QStringLiteral("/proc/%1/exe").arg(child))
                .symLinkTarget()
                .endsWith(QStringLiteral("/ipcpg-worker")))
            tree.lead = child;
    }
    if (tree.lead == 0)
        return tree;
    for (int side : childrenOf(tree.lead)) {
        const QString name = commandName(side);
        if (name.startsWith(QStringLiteral("ipcpg-A")))
            tree.sidesA << side;
        else if (name.startsWith(QStringLiteral("ipcpg-B")))
            tree.sidesB << side;
    }
    return tree;
}

std::optional<WorkerTree> waitForWorkerTree(int frontEndPid, int pairs, int timeoutMs)
{
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < timeoutMs) {
        const WorkerTree tree = workerTree(frontEndPid);
        if (tree.lead != 0 && tree.sidesA.size() == pairs && tree.sidesB.size() == pairs)
            return tree;
        QThread::msleep(5);
    }
    return std::nullopt;
}

bool processGone(int pid)
{
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return true;
    const QByteArray text = stat.readAll();
    const auto close = text.lastIndexOf(')');
    const char state = close >= 0 && close + 2 < text.size() ? text.at(close + 2) : 'X';
    return state == 'Z' || state == 'X';
}

bool waitUntilGone(const QList<int>& pids, int timeoutMs)
{
    QElapsedTimer timer;
    timer.start();
    for (;;) {
        if (std::all_of(pids.begin(), pids.end(), processGone))
            return true;
        if (timer.elapsed() > timeoutMs)
            return false;
        QThread::msleep(2);
    }
}

RunObjects objectsOfLiveRun(const QString& runtimeDir, int leadPid)
{
    RunObjects objects;
    objects.posix = objectsOfPid(leadPid);
    const QDir root(runtimeDir + QStringLiteral("/ipcpg"));
    const QStringList runs
        = root.entryList({ QStringLiteral("run-%1-*").arg(leadPid) }, QDir::Dirs | QDir::NoDotAndDotDot);
    if (runs.size() != 1)
        return objects;
    objects.directory = root.filePath(runs.front());
    const QDir directory(objects.directory);
    for (const QString& name : directory.entryList(QDir::AllEntries | QDir::System | QDir::NoDotAndDotDot))
        objects.files << directory.filePath(name);
    QFile manifest(directory.filePath(QStringLiteral("objects")));
    if (manifest.open(QIODevice::ReadOnly)) {
        for (const QByteArray& line : manifest.readAll().split('\n')) {
            const QList<QByteArray> fields = line.split(' ');
            if (fields.size() != 2)
                continue;
            if (fields[0] == "sysv-msg")
                objects.sysvMessageQueues << fields[1].toInt();
            else if (fields[0] == "sysv-sem")
                objects.sysvSemaphores << fields[1].toInt();
        }
    }
    return objects;
}

std::set<unsigned long> socketInodesOf(int pid)
{
    std::set<unsigned long> inodes;
    const QString fdDir = QStringLiteral("/proc/%1/fd").arg(pid);
    for (const QString& fd : QDir(fdDir).entryList(QDir::System | QDir::NoDotAndDotDot)) {
        // "socket:[12345]": QFile::symLinkTarget would resolve it as a path, so read the raw link.
        char buffer[64] = {};
        const QByteArray path = QFile::encodeName(fdDir + QLatin1Char('/') + fd);
        unsigned long inode = 0;
        if (readlink(path.constData(), buffer, sizeof buffer - 1) > 0
            && std::sscanf(buffer, "socket:[%lu]", &inode) == 1)
            inodes.insert(inode);
    }
    return inodes;
}

std::vector<InetSocket> inetSockets(const QString& table)
{
    std::vector<InetSocket> rows;
    QFile file(QStringLiteral("/proc/net/") + table);
    if (!file.open(QIODevice::ReadOnly))
        return rows;
    file.readLine(); // the column titles
    while (!file.atEnd()) {
        const QStringList fields = QString::fromLatin1(file.readLine()).simplified().split(QLatin1Char(' '));
        if (fields.size() < 10)
            continue;
        rows.push_back({ fields[1], fields[2], fields[3], fields[9].toULong() });
    }
    return rows;
}

QStringList stillExisting(const RunObjects& objects)
{
    QStringList left;
    for (const QString& path : objects.posix + objects.files) {
        if (QFileInfo::exists(path))
            left << path;
    }
    if (!objects.directory.isEmpty() && QFileInfo::exists(objects.directory))
        left << objects.directory;
    const std::set<int> queues = sysvMessageQueueIds();
    for (int id : objects.sysvMessageQueues) {
        if (queues.count(id))
            left << QStringLiteral("sysv-msg:%1").arg(id);
    }
    const std::set<int> semaphores = sysvSemaphoreIds();
    for (int id : objects.sysvSemaphores) {
        if (semaphores.count(id))
            left << QStringLiteral("sysv-sem:%1").arg(id);
    }
    return left;
}

RunSpec countedRun(const std::string& mechanism, Mode mode, std::uint64_t size, std::uint64_t messages)
{
    RunSpec spec;
    spec.mechanism = mechanism;
    spec.mode = mode;
    spec.messageSize = size;
    spec.messages = messages;
    spec.warmupS = 0;
    spec.durationS = 60;
    return spec;
}

ScopedEnvironment::ScopedEnvironment(const char* name, const QByteArray& value)
    : m_name(name)
{
    qputenv(name, value);
}

ScopedEnvironment::~ScopedEnvironment() { qunsetenv(m_name); }

QString describeCounts(const RunResult& result)
{
    QString text = QStringLiteral("messages %1, lost %2, integrity errors %3 (checksum %4, size %5, gaps %6, "
                                  "duplicates %7, reordered %8); ")
                       .arg(result.messages)
                       .arg(result.lost)
                       .arg(result.integrityErrors)
                       .arg(result.integrity.badChecksum)
                       .arg(result.integrity.badSize)
                       .arg(result.integrity.gaps)
                       .arg(result.integrity.duplicates)
                       .arg(result.integrity.reordered);
    for (const MemberReport& m : result.members)
        text += QStringLiteral("[%1 %2: %3 msgs, %4 lost, %5 errors] ")
                    .arg(QString::fromStdString(m.role))
                    .arg(m.index)
                    .arg(m.messages)
                    .arg(m.lost)
                    .arg(m.integrityErrors);
    return text;
}

} // namespace ipcpg::test
