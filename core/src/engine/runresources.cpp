#include "ipcpg/runresources.h"

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <fstream>
#include <mqueue.h>
#include <random>
#include <sstream>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/random.h>
#include <sys/sem.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ipcpg/error.h"
#include "ipcpg/workerprocess.h"

namespace ipcpg {

namespace {

constexpr const char* kPrefix = "ipcpg-";
constexpr const char* kManifest = "objects"; // one line per object, for the stale-object sweep

std::string randomHex()
{
    std::uint32_t value = 0;
    if (getrandom(&value, sizeof value, 0) != static_cast<ssize_t>(sizeof value))
        value = static_cast<std::uint32_t>(std::random_device {}());
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "%08x", value);
    return buffer;
}

// Creates `path` as a private directory, or accepts an existing one only if it is ours and
// private: a directory someone else prepared could be used to redirect our socket files.
void ensurePrivateDirectory(const std::string& path)
{
    if (mkdir(path.c_str(), 0700) != 0 && errno != EEXIST)
        throwSystemError("cannot create the private directory " + path, errno);
    struct stat info { };
    if (lstat(path.c_str(), &info) != 0)
        throwSystemError("cannot inspect " + path, errno);
    if (!S_ISDIR(info.st_mode) || info.st_uid != geteuid())
        throw Error(path + " exists but is not a directory owned by this user; remove it and try again");
    if ((info.st_mode & 0077) != 0 && chmod(path.c_str(), 0700) != 0)
        throwSystemError("cannot make " + path + " private (mode 0700)", errno);
}

bool processAlive(pid_t pid) { return pid > 0 && (kill(pid, 0) == 0 || errno == EPERM); }

// Field 22 of /proc/<pid>/stat, the process's start time in clock ticks since boot: with the pid
// it names one process for good, where a pid alone may be reused. Empty when unknown.
std::string processStartTime(pid_t pid)
{
    std::ifstream file("/proc/" + std::to_string(pid) + "/stat");
    std::string stat;
    std::getline(file, stat);
    // The command name (field 2) may hold spaces and parentheses: count from its closing one.
    const auto close = stat.rfind(')');
    if (close == std::string::npos)
        return {};
    std::istringstream fields(stat.substr(close + 1));
    std::string field;
    for (int i = 3; i <= 22 && (fields >> field); ++i) {
        if (i == 22)
            return field;
    }
    return {};
}

// The run directory's owner is alive: its pid exists and, when the manifest recorded the owner's
// start time, it is still the same process (not a later one that reuses the pid).
bool ownerAlive(pid_t owner, const std::string& directory)
{
    if (!processAlive(owner))
        return false;
    std::ifstream manifest(directory + "/" + kManifest);
    std::string kind, value;
    while (manifest >> kind >> value) {
        if (kind == "owner-start") {
            const std::string now = processStartTime(owner);
            return now.empty() || now == value;
        }
    }
    return true;
}

// "run-<pid>-<hex>" or "ipcpg-<pid>-<hex>-..." -> pid, or 0.
pid_t ownerOf(const std::string& name, const std::string& prefix)
{
    if (name.rfind(prefix, 0) != 0)
        return 0;
    const char* digits = name.c_str() + prefix.size();
    char* end = nullptr;
    const long pid = std::strtol(digits, &end, 10);
    if (end == digits || *end != '-' || pid <= 0)
        return 0;
    return static_cast<pid_t>(pid);
}

void removeTree(const std::string& path)
{
    if (DIR* dir = opendir(path.c_str())) {
        while (const dirent* entry = readdir(dir)) {
            const std::string name = entry->d_name;
            if (name == "." || name == "..")
                continue;
            const std::string child = path + "/" + name;
            struct stat info { };
            if (lstat(child.c_str(), &info) == 0 && S_ISDIR(info.st_mode))
                removeTree(child);
            else
                unlink(child.c_str());
        }
        closedir(dir);
    }
    rmdir(path.c_str());
}

// A SysV id is removed only when it still looks like ours: same owner, private key. Ids are
// reused by the kernel, so a bare number from an old manifest is not enough.
void removeSysvMessageQueue(int id)
{
    msqid_ds info {};
    if (msgctl(id, IPC_STAT, &info) == 0 && info.msg_perm.uid == geteuid() && info.msg_perm.__key == IPC_PRIVATE)
        msgctl(id, IPC_RMID, nullptr);
}

void removeSysvSemaphoreSet(int id)
{
    semid_ds info {};
    union {
        int val;
        semid_ds* buf;
    } arg {};
    arg.buf = &info;
    if (semctl(id, 0, IPC_STAT, arg) == 0 && info.sem_perm.uid == geteuid() && info.sem_perm.__key == IPC_PRIVATE)
        semctl(id, 0, IPC_RMID);
}

int removeFromManifest(const std::string& directory)
{
    int removed = 0;
    std::ifstream manifest(directory + "/" + kManifest);
    std::string kind, name;
    while (manifest >> kind >> name) {
        if (kind == "shm")
            removed += shm_unlink(name.c_str()) == 0 ? 1 : 0;
        else if (kind == "mqueue")
            removed += mq_unlink(name.c_str()) == 0 ? 1 : 0;
        else if (kind == "sysv-msg") {
            removeSysvMessageQueue(std::atoi(name.c_str()));
            ++removed;
        } else if (kind == "sysv-sem") {
            removeSysvSemaphoreSet(std::atoi(name.c_str()));
            ++removed;
        }
    }
    return removed;
}

} // namespace

std::string RunResources::runtimeRoot()
{
    const char* runtime = std::getenv("XDG_RUNTIME_DIR");
    if (runtime && *runtime == '/')
        return std::string(runtime) + "/ipcpg";
    return "/tmp/ipcpg-" + std::to_string(geteuid());
}

RunResources::RunResources()
    : m_owner(getpid())
    , m_tag(std::string(kPrefix) + std::to_string(getpid()) + "-" + randomHex())
{
    const std::string root = runtimeRoot();
    // XDG_RUNTIME_DIR is the user's own (0700 by specification); create it only if missing.
    if (const char* runtime = std::getenv("XDG_RUNTIME_DIR"); runtime && *runtime == '/')
        mkdir(runtime, 0700);
    ensurePrivateDirectory(root);
    m_directory = root + "/run-" + m_tag.substr(std::strlen(kPrefix));
    if (mkdir(m_directory.c_str(), 0700) != 0)
        throwSystemError("cannot create the run directory " + m_directory, errno);
    // The manifest is created owner-only like everything else of the run (streams would make it
    // 0644), then appended to.
    const int manifest = open((m_directory + "/" + kManifest).c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
    if (manifest < 0) {
        const int err = errno;
        rmdir(m_directory.c_str()); // no destructor runs for a constructor that throws
        throwSystemError("cannot create the run's manifest in " + m_directory, err);
    }
    close(manifest);
    if (const std::string started = processStartTime(m_owner); !started.empty())
        std::ofstream(m_directory + "/" + kManifest, std::ios::app) << "owner-start " << started << '\n';
}

RunResources::~RunResources()
{
    if (getpid() == m_owner)
        removeAll();
}

std::string RunResources::objectName(std::string_view purpose) const
{
    return "/" + m_tag + "-" + std::string(purpose);
}

std::string RunResources::filePath(std::string_view purpose) const { return m_directory + "/" + std::string(purpose); }

void RunResources::recordSysvId(const char* kind, int id)
{
    std::ofstream manifest(m_directory + "/" + kManifest, std::ios::app);
    manifest << kind << ' ' << id << '\n';
}

void RunResources::addShm(const std::string& name)
{
    m_entries.push_back({ Entry::Kind::Shm, name, -1 });
    std::ofstream(m_directory + "/" + kManifest, std::ios::app) << "shm " << name << '\n';
}

void RunResources::addMessageQueue(const std::string& name)
{
    m_entries.push_back({ Entry::Kind::MessageQueue, name, -1 });
    std::ofstream(m_directory + "/" + kManifest, std::ios::app) << "mqueue " << name << '\n';
}

void RunResources::addSysvMessageQueue(int id)
{
    m_entries.push_back({ Entry::Kind::SysvMessageQueue, {}, id });
    recordSysvId("sysv-msg", id);
}

void RunResources::addSysvSemaphoreSet(int id)
{
    m_entries.push_back({ Entry::Kind::SysvSemaphore, {}, id });
    recordSysvId("sysv-sem", id);
}

void RunResources::addFile(const std::string& path) { m_entries.push_back({ Entry::Kind::File, path, -1 }); }

std::vector<std::string> RunResources::describe() const
{
    std::vector<std::string> list;
    for (const Entry& entry : m_entries) {
        switch (entry.kind) {
        case Entry::Kind::Shm:
            list.push_back("shm:" + entry.name);
            break;
        case Entry::Kind::MessageQueue:
            list.push_back("mqueue:" + entry.name);
            break;
        case Entry::Kind::SysvMessageQueue:
            list.push_back("sysv-msg:" + std::to_string(entry.id));
            break;
        case Entry::Kind::SysvSemaphore:
            list.push_back("sysv-sem:" + std::to_string(entry.id));
            break;
        case Entry::Kind::File:
            list.push_back("file:" + entry.name);
            break;
        }
    }
    list.push_back("dir:" + m_directory);
    return list;
}

void RunResources::addProcess(pid_t pid, std::string name) { m_processes.push_back({ pid, std::move(name) }); }

std::string RunResources::endedProcess()
{
    for (auto process = m_processes.begin(); process != m_processes.end(); ++process) {
        int status = 0;
        if (waitpid(process->pid, &status, WNOHANG) != process->pid)
            continue;
        std::string ended = process->name + " (pid " + std::to_string(process->pid) + ") " + describeWaitStatus(status);
        m_processes.erase(process);
        return ended;
    }
    return {};
}

void RunResources::stopProcesses() noexcept
{
    for (const Process& process : m_processes) {
        kill(process.pid, SIGKILL);
        int status = 0;
        while (waitpid(process.pid, &status, 0) < 0 && errno == EINTR) { }
    }
    m_processes.clear();
}

void RunResources::removeAll() noexcept
{
    // First: a daemon still running could recreate its socket file after it was removed.
    stopProcesses();
    for (const Entry& entry : m_entries) {
        switch (entry.kind) {
        case Entry::Kind::Shm:
            shm_unlink(entry.name.c_str());
            break;
        case Entry::Kind::MessageQueue:
            mq_unlink(entry.name.c_str());
            break;
        case Entry::Kind::SysvMessageQueue:
            msgctl(entry.id, IPC_RMID, nullptr);
            break;
        case Entry::Kind::SysvSemaphore:
            semctl(entry.id, 0, IPC_RMID);
            break;
        case Entry::Kind::File:
            unlink(entry.name.c_str());
            break;
        }
    }
    m_entries.clear();
    if (!m_directory.empty()) {
        // By name first: a run that failed for want of descriptors may still hold them all, and
        // then removeTree cannot open the directory to list it.
        unlink((m_directory + "/" + kManifest).c_str());
        removeTree(m_directory);
    }
    m_directory.clear();
}

void RunResources::forgetInChild() noexcept
{
    m_processes.clear();
    m_entries.clear();
    m_directory.clear();
    m_owner = -1;
}

int RunResources::removeStaleObjects() noexcept
{
    int removed = 0;
    const std::string root = runtimeRoot();
    if (DIR* dir = opendir(root.c_str())) {
        std::vector<std::string> stale;
        while (const dirent* entry = readdir(dir)) {
            const pid_t owner = ownerOf(entry->d_name, "run-");
            if (owner != 0 && !ownerAlive(owner, root + "/" + entry->d_name))
                stale.push_back(root + "/" + entry->d_name);
        }
        closedir(dir);
        for (const std::string& path : stale) {
            removed += removeFromManifest(path);
            removeTree(path);
            ++removed;
        }
    }
    // Objects created in the instant before they were written to a manifest.
    for (const char* fsRoot : { "/dev/shm", "/dev/mqueue" }) {
        DIR* dir = opendir(fsRoot);
        if (!dir)
            continue;
        std::vector<std::string> stale;
        while (const dirent* entry = readdir(dir)) {
            const pid_t owner = ownerOf(entry->d_name, kPrefix);
            if (owner != 0 && !processAlive(owner))
                stale.push_back(std::string("/") + entry->d_name);
        }
        closedir(dir);
        const bool isShm = std::strcmp(fsRoot, "/dev/shm") == 0;
        for (const std::string& name : stale)
            removed += (isShm ? shm_unlink(name.c_str()) : mq_unlink(name.c_str())) == 0 ? 1 : 0;
    }
    return removed;
}

} // namespace ipcpg
