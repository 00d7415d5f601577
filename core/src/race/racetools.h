#pragma once

#include <cstdint>
#include <sched.h>

#include "run/clock.h"

namespace ipcpg {

// The race window: a busy delay, so the process stays on its CPU (a sleep would hand the CPU to
// the other process and change the very interleaving the window is there to widen).
inline void busyDelay(std::uint64_t ns)
{
    if (ns == 0)
        return;
    const std::uint64_t until = monotonicNs() + ns;
    while (monotonicNs() < until) {
    }
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

// Waiting for another process that may not be running: spin briefly (it usually is, on the other
// core), then give the CPU away so a peer sharing this core can make progress.
class Backoff {
public:
    static constexpr unsigned kShortSpin = 256; // a peer that may share this core
    static constexpr unsigned kLongSpin = 1U << 16; // a peer pinned to another core: about a millisecond

    explicit Backoff(unsigned spinsBeforeYield = kShortSpin)
        : m_spinsBeforeYield(spinsBeforeYield)
    {
    }

    void pause()
    {
        if (++m_spins < m_spinsBeforeYield) {
            cpuRelax();
            return;
        }
        m_spins = 0;
        sched_yield();
    }

private:
    unsigned m_spinsBeforeYield;
    unsigned m_spins = 0;
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
