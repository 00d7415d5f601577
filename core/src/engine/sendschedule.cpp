#include "engine/sendschedule.h"

#include <algorithm>
#include <ctime>
#include <sys/prctl.h>

#include "engine/sharedstats.h"
#include "sys/clock.h"

namespace ipcpg {

namespace {

// The last stretch before a due time is spun, not slept: waking from a sleep takes a few
// microseconds even with exact timers, and those would count as latency of every message.
constexpr std::uint64_t kSpinNs = 20'000;
constexpr std::uint64_t kSleepSliceNs = 20'000'000; // a stop request is seen within this

} // namespace

SendSchedule::SendSchedule(double rate, std::uint64_t startNs, std::uint64_t offsetNs)
    : m_intervalNs(rate > 0 ? 1e9 / rate : 0)
    , m_firstNs(startNs + offsetNs)
{
}

std::uint64_t SendSchedule::dueTime(std::uint64_t index) const
{
    return m_firstNs + static_cast<std::uint64_t>(static_cast<double>(index) * m_intervalNs);
}

std::uint64_t SendSchedule::waitTowards(std::uint64_t due)
{
    std::uint64_t now = monotonicNs();
    if (now + kSpinNs < due) {
        const std::uint64_t until = std::min(due - kSpinNs, now + kSleepSliceNs);
        timespec wake { static_cast<time_t>(until / 1'000'000'000ULL), static_cast<long>(until % 1'000'000'000ULL) };
        clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &wake, nullptr);
        return monotonicNs();
    }
    while (now < due)
        now = monotonicNs();
    return now;
}

void SendSchedule::noteSent(EndCounters& counters, std::uint64_t dueNs, std::uint64_t nowNs) const
{
    if (!openLoop())
        return;
    const std::uint64_t behind = nowNs > dueNs ? nowNs - dueNs : 0;
    counters.lastBehindNs.store(behind, std::memory_order_relaxed);
    if (behind > counters.maxBehindNs.load(std::memory_order_relaxed))
        counters.maxBehindNs.store(behind, std::memory_order_relaxed);
}

void useExactTimers() { prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL); }

} // namespace ipcpg
