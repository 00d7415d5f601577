#pragma once

#include <cstdint>

#include "ipcpg/transport.h"

namespace ipcpg {

// The wake-up channels between the two sides of a pair, named after the side that waits.
enum class Channel : std::uint8_t {
    ToB, // A posts, B waits: a request or message for B, or "a frame is ready in A's ring"
    ToA, // B posts, A waits: a reply, or "a frame is ready in B's ring"
    FreeForA, // B posts, A waits: B released a slot of A's ring
    FreeForB, // A posts, B waits: A released a slot of B's ring
};
inline constexpr int kChannelCount = 4;

inline constexpr Side waiterOf(Channel channel)
{
    return channel == Channel::ToB || channel == Channel::FreeForB ? Side::B : Side::A;
}

// A kernel wake-up primitive (a semaphore, an eventfd, a signal) between the two sides of a pair.
// The semaphore, eventfd and signal mechanisms each implement one; the bare transport
// (payload=none, NotifyTransport) and the shared-memory mailbox (payload=shm, ShmMailbox) are
// built on top, so the protocol logic exists once.
//
// Lifecycle as for Transport: created by the lead before fork (its kernel objects are inherited),
// attach() once in each side's process, then post() and wait() from that side only.
class Notifier {
public:
    virtual ~Notifier() = default;

    virtual void attach(Side side) = 0;

    // Wakes the waiter of `channel` (always the other side). `token` is what the primitive carries
    // where it carries anything (see NotificationTransport::notify); 0 is the end marker of a run and must
    // wake the waiter like any other post. Blocks when the primitive is full instead of dropping,
    // unless dropping is what the primitive does (standard signals). Throws Error when the
    // kernel refuses.
    virtual void post(Channel channel, std::uint64_t token) = 0;

    // Blocks until a post on `channel` arrives. A primitive with a poll interval returns
    // TimedOut when it elapses, so a lost post cannot hang the caller.
    virtual NotificationTransport::Notification wait(Channel channel) = 0;
};

} // namespace ipcpg
