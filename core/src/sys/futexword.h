#pragma once

#include <atomic>
#include <climits>
#include <cstdint>
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace ipcpg {

// A 32-bit word in shared memory that processes sleep on until another sets it: how a lead
// starts all its forked workers at the same instant without any of them spinning.
inline void futexWakeAll(std::atomic<std::uint32_t>& word)
{
    syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(&word), FUTEX_WAKE, INT_MAX, nullptr, nullptr, 0);
}

inline void futexWaitWhileZero(std::atomic<std::uint32_t>& word)
{
    while (word.load(std::memory_order_acquire) == 0)
        syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(&word), FUTEX_WAIT, 0, nullptr, nullptr, 0);
}

} // namespace ipcpg
