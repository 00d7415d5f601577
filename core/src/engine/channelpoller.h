#pragma once

#include <cstddef>
#include <optional>
#include <poll.h>
#include <string>
#include <vector>

namespace ipcpg {

class FrameTransport;

// Lets one receiver serve the receiving ends of several frame transports, as a server with many
// clients does: it hands out the next transport that has something to receive, fairly (round
// robin among those ready), sleeping in poll() while none has. A transport that keeps a frame it
// already read from the kernel is ready whatever its descriptor says. Transports without a
// descriptor (shared-memory rings, System V queues) are looked at in turn without waiting
// (FrameTransport::peekReceive) instead: the receiver then never sleeps, and its CPU shows it.
// A descriptor that only wakes the receiver (FrameTransport::readyFdOnlyWakes: ZeroMQ's ZMQ_FD)
// is slept on all the same, but whether its transport is ready is asked of the transport itself,
// without waiting, before every sleep and after every wake-up.
class ChannelPoller {
public:
    // Throws Error naming `mechanism` when a transport can neither be polled nor peeked at.
    ChannelPoller(const std::vector<FrameTransport*>& transports, const std::string& mechanism);

    // The index of a transport whose receive() will not wait, or nullopt when none became ready
    // within `timeoutMs`. Closed transports are never handed out.
    std::optional<std::size_t> nextReady(int timeoutMs);
    // No more receiving on transport `index` (its sender finished or the mechanism closed it).
    void close(std::size_t index);
    bool isOpen(std::size_t index) const { return m_fds[index].fd >= 0; }
    std::size_t openCount() const { return m_open; }

private:
    std::optional<std::size_t> takeReady();
    std::optional<std::size_t> scanUntil(int timeoutMs);
    bool holdsFrame(std::size_t index);

    std::vector<FrameTransport*> m_transports;
    std::vector<pollfd> m_fds;
    std::vector<bool> m_ready; // reported readable by the last poll(), not yet handed out
    std::vector<bool> m_wakeOnly; // the descriptor only wakes: readiness is asked of the transport
    std::size_t m_open = 0;
    std::size_t m_cursor = 0; // where the round robin goes on
    bool m_scanning = false; // no descriptors: peek at each transport in turn
};

} // namespace ipcpg
