#include "sys/processcost.h"

#include <cstdio>
#include <cstring>
#include <string>
#include <unistd.h>

namespace ipcpg {

ProcessCost ProcessCost::fromRusage(const rusage& usage)
{
    ProcessCost cost;
    cost.userS = static_cast<double>(usage.ru_utime.tv_sec) + static_cast<double>(usage.ru_utime.tv_usec) / 1e6;
    cost.sysS = static_cast<double>(usage.ru_stime.tv_sec) + static_cast<double>(usage.ru_stime.tv_usec) / 1e6;
    cost.voluntarySwitches = static_cast<std::uint64_t>(usage.ru_nvcsw);
    cost.involuntarySwitches = static_cast<std::uint64_t>(usage.ru_nivcsw);
    return cost;
}

ProcessCost& ProcessCost::operator+=(const ProcessCost& other)
{
    userS += other.userS;
    sysS += other.sysS;
    voluntarySwitches += other.voluntarySwitches;
    involuntarySwitches += other.involuntarySwitches;
    return *this;
}

std::optional<ProcessCost> readProcessCost(pid_t pid)
{
    const std::string base = "/proc/" + std::to_string(pid);
    ProcessCost cost;
    {
        FILE* stat = std::fopen((base + "/stat").c_str(), "re");
        if (!stat)
            return std::nullopt;
        char line[1024] = {};
        const bool ok = std::fgets(line, sizeof line, stat) != nullptr;
        std::fclose(stat);
        if (!ok)
            return std::nullopt;
        // The command name may contain spaces and parentheses: fields start after the last ')'.
        const char* fields = std::strrchr(line, ')');
        if (!fields)
            return std::nullopt;
        unsigned long utime = 0, stime = 0;
        // state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime
        if (std::sscanf(fields + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &utime, &stime) != 2)
            return std::nullopt;
        static const auto ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
        cost.userS = static_cast<double>(utime) / ticks;
        cost.sysS = static_cast<double>(stime) / ticks;
    }
    FILE* status = std::fopen((base + "/status").c_str(), "re");
    if (!status)
        return std::nullopt;
    char line[256];
    while (std::fgets(line, sizeof line, status)) {
        unsigned long long value = 0;
        if (std::sscanf(line, "voluntary_ctxt_switches: %llu", &value) == 1)
            cost.voluntarySwitches = value;
        else if (std::sscanf(line, "nonvoluntary_ctxt_switches: %llu", &value) == 1)
            cost.involuntarySwitches = value;
    }
    std::fclose(status);
    return cost;
}

} // namespace ipcpg
