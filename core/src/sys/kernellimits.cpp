#include "sys/kernellimits.h"

#include <cerrno>
#include <dirent.h>
#include <fstream>
#include <sys/resource.h>

namespace ipcpg {

std::optional<std::uint64_t> readProcNumber(const char* path)
{
    std::ifstream file(path);
    std::uint64_t value = 0;
    if (!(file >> value))
        return std::nullopt;
    return value;
}

bool openFileLimitReached()
{
    rlimit limit {};
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY)
        return false;
    // The descriptors in use; the listing itself holds one more while it reads.
    std::uint64_t open = 0;
    if (DIR* dir = opendir("/proc/self/fd")) {
        while (const dirent* entry = readdir(dir)) {
            if (entry->d_name[0] != '.')
                ++open;
        }
        closedir(dir);
        return open > 0 && open - 1 >= limit.rlim_cur;
    }
    // No descriptor left even to read the list: that is the answer.
    return errno == EMFILE;
}

std::string softLimitText(int resource, std::uint64_t unit)
{
    rlimit limit {};
    if (getrlimit(resource, &limit) != 0)
        return "unknown";
    if (limit.rlim_cur == RLIM_INFINITY)
        return "unlimited";
    return std::to_string(limit.rlim_cur / (unit == 0 ? 1 : unit));
}

} // namespace ipcpg
