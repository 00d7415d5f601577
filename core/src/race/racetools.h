#pragma once

#include <cstdint>
#include <ctime>
#include <sched.h>

#include "sys/clock.h"

namespace ipcpg {

// The race window: a busy delay, so the process stays on its CPU (a sleep would hand the CPU to
// the other process and change the very interleaving the window is there to widen).
inline void busyDelay(std::uint64_t ns)
{
    if (ns == 0)
        return;
    const std::uint64_t until = monotonicNs() + ns;
    while (monotonicNs() < until) { }
}

// Tells the CPU this is a spin-wait (saves power, and on x86 avoids a pipeline flush on exit).
inline void cpuRelax()
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    asm volatile("yield");
#endif
}

// Waiting for another process that may not be running. Spin first: on the other core it answers
// within microseconds. Once the spin time is used up, nap briefly on every call, so a peer sharing
// this core can run. A nap rather than sched_yield: on a busy machine the scheduler favours a
// process that slept over one that yielded, which otherwise waits behind every other task.
// One Backoff serves one wait; reset() after progress.
class Backoff {
public:
    static constexpr std::uint64_t kShortSpinNs = 50'000; // a peer that may share this core
    static constexpr std::uint64_t kLongSpinNs = 1'000'000; // a peer pinned to another core
    static constexpr long kNapNs = 20'000;

    explicit Backoff(std::uint64_t spinNs = kShortSpinNs)
        : m_spinNs(spinNs)
    {
    }

    void pause()
    {
        // The clock is read every 64 pauses only: a read costs about as much as a pause.
        if (m_pauses++ % 64 == 0) {
            const std::uint64_t now = monotonicNs();
            if (m_startNs == 0)
                m_startNs = now;
            m_napping = now - m_startNs > m_spinNs;
        }
        if (m_napping) {
            const timespec nap { 0, kNapNs };
            nanosleep(&nap, nullptr);
        } else {
            cpuRelax();
        }
    }

    void reset()
    {
        m_pauses = 0;
        m_startNs = 0;
        m_napping = false;
    }

private:
    std::uint64_t m_spinNs;
    std::uint64_t m_pauses = 0;
    std::uint64_t m_startNs = 0;
    bool m_napping = false;
};

// A small, fast pseudo-random sequence (xorshift32) for jitter; never 0 when seeded non-zero.
class Jitter {
public:
    explicit Jitter(std::uint32_t seed)
        : m_state(seed | 1U)
    {
    }
    std::uint32_t next()
    {
        m_state ^= m_state << 13;
        m_state ^= m_state >> 17;
        m_state ^= m_state << 5;
        return m_state;
    }

private:
    std::uint32_t m_state;
};

} // namespace ipcpg
