#include "mechanisms/kernellimits.h"

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
