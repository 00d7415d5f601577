#pragma once

#include <cstdint>

namespace ipcpg {

struct EndCounters;

// When a sender sends its messages. Closed loop (no rate): each message is due the moment the
// previous one was handed over. Open loop: message i is due at start + offset + i / rate, whatever
// happened to the ones before it, and its latency counts from that due time. A stall therefore
// counts against every message it delayed, not only against the one that was in flight when it
// began (no coordinated omission); a sender that fell behind sends as fast as it can until it is
// back on schedule, as the clients of a real service would keep arriving.
class SendSchedule {
public:
    // `rate`: messages per second for this sender, 0 for closed loop. `offsetNs` shifts this
    // sender's schedule so that several senders into one receiver arrive evenly spread.
    SendSchedule(double rate, std::uint64_t startNs, std::uint64_t offsetNs);

    bool openLoop() const { return m_intervalNs > 0; }

    // Waits until message `index` is due and returns its due time; `now` is the current time.
    // Returns at once (with `now`) in closed loop, or when `stopRequested` turns true while
    // waiting (checked at least every 20 ms).
    template <class StopRequested>
    std::uint64_t awaitTurn(std::uint64_t index, std::uint64_t now, const StopRequested& stopRequested) const
    {
        if (!openLoop())
            return now;
        const std::uint64_t due = dueTime(index);
        while (now < due && !stopRequested())
            now = waitTowards(due);
        return due;
    }

    // Records how far behind schedule the message due at `dueNs` was handed over at `nowNs`.
    void noteSent(EndCounters& counters, std::uint64_t dueNs, std::uint64_t nowNs) const;

private:
    std::uint64_t dueTime(std::uint64_t index) const;
    // Sleeps (to just short of `due`, in slices) or spins (the last few microseconds), and
    // returns the time after.
    static std::uint64_t waitTowards(std::uint64_t due);

    double m_intervalNs = 0;
    std::uint64_t m_firstNs = 0;
};

// Lets this process's timed sleeps end when asked rather than up to 50 us later (the default
// timer slack), so an open-loop sender wakes on time.
void useExactTimers();

} // namespace ipcpg
