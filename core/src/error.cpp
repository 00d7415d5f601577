#include "ipcpg/error.h"

#include <cerrno>
#include <cstring>
#include <new>
#include <string>
#include <sys/resource.h>

#include "sys/kernellimits.h"

namespace ipcpg {

std::string limitHint(int err)
{
    switch (err) {
    case EMFILE:
        return " (this process reached its open-file limit, RLIMIT_NOFILE, now " + softLimitText(RLIMIT_NOFILE)
            + ": raise it with `ulimit -n N`)";
    case ENFILE:
        return " (the system-wide open-file limit fs.file-max was reached)";
    case ENOSPC:
        return " (a kernel limit or a full file system: for /dev/shm see `df -h /dev/shm`; for message "
               "queues see /proc/sys/fs/mqueue/queues_max and /proc/sys/kernel/msgmni)";
    case ENOMEM:
        return " (out of memory, or this process reached its address-space limit, RLIMIT_AS, now "
            + softLimitText(RLIMIT_AS, 1024) + " KiB: raise it with `ulimit -v N` (in KiB) or use smaller messages)";
    case EFBIG:
        return " (the file-size limit RLIMIT_FSIZE, now " + softLimitText(RLIMIT_FSIZE, 1024)
            + " KiB, is below the size needed: raise it with `ulimit -f N` (in KiB))";
    case EAGAIN:
        return " (a per-user resource limit was reached: see `ulimit -u` and `ulimit -i`)";
    default:
        return {};
    }
}

std::string explain(const std::exception& error)
{
    if (dynamic_cast<const std::bad_alloc*>(&error))
        return "out of memory" + limitHint(ENOMEM);
    return error.what();
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
