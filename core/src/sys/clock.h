#pragma once

#include <cstdint>
#include <ctime>

namespace ipcpg {

// CLOCK_MONOTONIC in nanoseconds: the clock every timestamp of a run uses. It is the same on
// every CPU, so a stamp taken by a sender on one core can be compared with the receiver's.
inline std::uint64_t monotonicNs()
{
    timespec ts {};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000'000ULL + static_cast<std::uint64_t>(ts.tv_nsec);
}

// The median cost of one monotonicNs() call, measured now; each latency sample contains one.
double measureClockReadNs();

} // namespace ipcpg
