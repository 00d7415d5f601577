#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace ipcpg {

// One number from a /proc file that mirrors a sysctl ("/proc/sys/fs/mqueue/msgsize_max"), read
// when a limit is checked so a value the administrator changed counts at once. nullopt when the
// file is missing or does not hold a number (no /proc, another kernel).
std::optional<std::uint64_t> readProcNumber(const char* path);

// True when this process holds as many descriptors as RLIMIT_NOFILE allows, so one more cannot
// be opened (what EMFILE means when a call can fail with it for other limits too).
bool openFileLimitReached();

// The soft value of a resource limit as text ("819200", "unlimited"), in units of `unit` bytes
// (1024 for the KiB that `ulimit -v` and `ulimit -f` take).
std::string softLimitText(int resource, std::uint64_t unit = 1);

} // namespace ipcpg
