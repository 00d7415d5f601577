#include "ipcpg/error.h"

#include <cerrno>
#include <cstring>
#include <string>

namespace ipcpg {

std::string limitHint(int err)
{
    switch (err) {
    case EMFILE:
        return " (this process reached its open-file limit: raise it with `ulimit -n`)";
    case ENFILE:
        return " (the system-wide open-file limit fs.file-max was reached)";
    case ENOSPC:
        return " (a kernel limit or a full file system: for /dev/shm see `df -h /dev/shm`; for message "
               "queues see /proc/sys/fs/mqueue/queues_max and /proc/sys/kernel/msgmni)";
    case ENOMEM:
        return " (out of memory, or RLIMIT_MSGQUEUE / RLIMIT_MEMLOCK reached: see `ulimit -q` and `ulimit -l`)";
    case EAGAIN:
        return " (a per-user resource limit was reached: see `ulimit -u` and `ulimit -i`)";
    default:
        return {};
    }
}

void throwSystemError(std::string_view what, int err)
{
    std::string message(what);
    message += ": ";
    message += std::strerror(err);
    message += limitHint(err);
    throw Error(message);
}

} // namespace ipcpg
