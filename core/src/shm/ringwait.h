#pragma once

// How the sides of a shared-memory ring wait for each other: busy-polling with manners, futex
// sleeps and process-shared semaphores, shared by the one-reader ring (ShmRing) and the
// many-reader one (BroadcastRing).

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <ctime>
#include <linux/futex.h>
#include <sched.h>
#include <semaphore.h>
#include <sys/syscall.h>
#include <unistd.h>
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

#include "ipcpg/error.h"
#include "shm/shmring.h"
#include "sys/clock.h"

namespace ipcpg::ringwait {

constexpr std::uint64_t kHybridSpinNs = 20'000; // about the cost of a sleep and wake-up pair
constexpr unsigned kClockEvery = 64; // polls between clock reads
constexpr unsigned kYieldEvery = 256; // polls between sched_yield calls

inline void cpuRelax()
{
#if defined(__x86_64__) || defined(__i386__)
    _mm_pause();
#elif defined(__aarch64__)
    asm volatile("yield");
#endif
}

// A timeout that reads the clock only once it is needed, so the fast path (the frame is already
// there) costs no clock read. A zero timeout means no deadline.
class Deadline {
public:
    explicit Deadline(std::uint64_t timeoutNs)
        : m_timeoutNs(timeoutNs)
    {
    }
    bool forever() const { return m_timeoutNs == 0; }
    std::uint64_t remainingNs()
    {
        if (forever())
            return ~std::uint64_t { 0 };
        const std::uint64_t now = monotonicNs();
        if (m_at == 0)
            m_at = now + m_timeoutNs;
        return m_at > now ? m_at - now : 0;
    }
    bool passed() { return remainingNs() == 0; }
    std::uint64_t atNs()
    {
        remainingNs();
        return m_at;
    }

private:
    std::uint64_t m_timeoutNs;
    std::uint64_t m_at = 0;
};

// Busy-polling etiquette: pause between polls, and now and then give the CPU away so that a peer
// sharing this CPU (same-core placement) gets to run instead of waiting for the time slice to end.
class Poller {
public:
    explicit Poller(Deadline& deadline)
        : m_deadline(deadline)
    {
    }
    // Returns false once the deadline has passed.
    bool pause()
    {
        cpuRelax();
        ++m_polls;
        if (m_polls % kYieldEvery == 0)
            sched_yield();
        return m_polls % kClockEvery != 0 || !m_deadline.passed();
    }

private:
    Deadline& m_deadline;
    unsigned m_polls = 0;
};

// Not FUTEX_PRIVATE: the words live in memory shared between processes. Without a deadline no
// timeout is passed at all: arming the kernel timer costs more than half a microsecond per sleep.
inline void futexWait(std::atomic<std::uint32_t>& word, std::uint32_t expected, Deadline& deadline)
{
    const std::uint64_t ns = deadline.remainingNs();
    timespec timeout { static_cast<time_t>(ns / 1'000'000'000ULL), static_cast<long>(ns % 1'000'000'000ULL) };
    // EAGAIN (the word already changed), ETIMEDOUT and EINTR all mean: look again.
    syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(&word), FUTEX_WAIT, expected,
        deadline.forever() ? nullptr : &timeout, nullptr, 0);
}

inline void futexWake(std::atomic<std::uint32_t>& word)
{
    syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(&word), FUTEX_WAKE, 1, nullptr, nullptr, 0);
}

inline bool semaphoreWaitUntil(sem_t& semaphore, Deadline& deadline)
{
    const std::uint64_t until = deadline.atNs();
    const timespec at { static_cast<time_t>(until / 1'000'000'000ULL), static_cast<long>(until % 1'000'000'000ULL) };
    return sem_clockwait(&semaphore, CLOCK_MONOTONIC, &at) == 0;
}

inline void postSemaphore(sem_t& semaphore)
{
    if (sem_post(&semaphore) != 0)
        throwSystemError("shm: cannot post the ring's semaphore", errno);
}

// Takes one count of `semaphore` the way `wait` says (poll, sleep, or poll then sleep); false once
// timeoutNs has passed (0: no timeout).
inline bool waitSemaphore(sem_t& semaphore, RingWait wait, std::uint64_t timeoutNs)
{
    Deadline deadline(timeoutNs);
    if (wait != RingWait::Block) {
        // sem_trywait is an atomic decrement in user space: polling it never enters the kernel.
        Deadline spinBudget(wait == RingWait::Hybrid ? kHybridSpinNs : timeoutNs);
        Poller poller(spinBudget);
        for (;;) {
            if (sem_trywait(&semaphore) == 0)
                return true;
            if (errno != EAGAIN && errno != EINTR)
                throwSystemError("shm: cannot take the ring's semaphore", errno);
            if (!poller.pause())
                break;
        }
        if (wait == RingWait::Spin)
            return false;
    }
    for (;;) {
        // No deadline: sem_wait, which arms no kernel timer.
        if (deadline.forever() ? sem_wait(&semaphore) == 0 : semaphoreWaitUntil(semaphore, deadline))
            return true;
        if (errno == ETIMEDOUT)
            return false;
        if (errno != EINTR)
            throwSystemError("shm: cannot wait on the ring's semaphore", errno);
    }
}

// Calls look() until it returns a value, polling (maySleep false, or first for a while under
// Hybrid) and then sleeping on the futex `word`; returns an empty value once timeoutNs has passed
// (0: no timeout). `announceSleep(true)` tells the peer a waiter may sleep on `word` and
// `announceSleep(false)` that it no longer does; the peer wakes `word` after publishing only when
// announced. Registering before the last look pairs with the peer's store-then-check: one of the
// two always sees the other, so no wake-up is lost and none is made for nobody.
template <class Look, class Announce>
auto waitFor(Look look, std::atomic<std::uint32_t>& word, const Announce& announceSleep, bool maySleep, RingWait wait,
    std::uint64_t timeoutNs) -> decltype(look())
{
    Deadline deadline(timeoutNs);
    if (!maySleep || wait == RingWait::Hybrid) {
        Deadline spinBudget(maySleep ? kHybridSpinNs : timeoutNs);
        Poller poller(spinBudget);
        while (poller.pause()) {
            if (auto found = look())
                return found;
        }
        if (!maySleep)
            return {};
    }
    for (;;) {
        announceSleep(true);
        const std::uint32_t current = word.load(std::memory_order_seq_cst);
        auto found = look();
        // FUTEX_WAIT returns at once if `word` moved after it was read.
        if (!found && !deadline.passed())
            futexWait(word, current, deadline);
        announceSleep(false);
        if (found || (found = look()))
            return found;
        if (deadline.passed())
            return {};
    }
}

} // namespace ipcpg::ringwait
