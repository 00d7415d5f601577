#pragma once

#include <cstdint>
#include <optional>
#include <sys/resource.h>
#include <sys/types.h>

namespace ipcpg {

// CPU time and context switches of one process.
struct ProcessCost {
    double userS = 0;
    double sysS = 0;
    std::uint64_t voluntarySwitches = 0;
    std::uint64_t involuntarySwitches = 0;

    static ProcessCost fromRusage(const rusage& usage);
    ProcessCost& operator+=(const ProcessCost& other);
};

// Reads a live process's cost from /proc/<pid>/stat and /proc/<pid>/status (clock-tick
// resolution; the final figures come from wait4, which is exact). nullopt once it is gone.
std::optional<ProcessCost> readProcessCost(pid_t pid);

} // namespace ipcpg
