#pragma once

#include <memory>
#include <optional>
#include <vector>

#include "ipcpg/mechanism.h"
#include "ipcpg/transport.h"
#include "shm/broadcastring.h"
#include "shm/ringframeio.h"
#include "shm/shmring.h"

namespace ipcpg {

class RunResources;

// Frames from one publisher to every subscriber of a fan-out through one BroadcastRing: each
// message is written once, whatever the number of subscribers, and each subscriber reads it with
// its own cursor. In ping-pong every subscriber answers on a reply ring of its own. One named
// shared-memory object (shm_open O_EXCL, mode 0600) holds it all, created and mapped by the lead
// before fork.
//
// The lead makes one transport per subscriber's link, all sharing the mapping. The publisher
// holds the A end of each: the first sends for all of them (sendsForAllMembers), every one
// receives its subscriber's replies. Subscriber i holds the B end of link i.
class ShmBroadcastTransport final : public FrameTransport {
public:
    struct Segment;

    // The transports of all `subscribers` links. Throws Error when the kernel refuses (what was
    // made is still removed by `resources`).
    static std::vector<std::unique_ptr<Transport>> createAll(
        const TransportConfig& config, unsigned subscribers, RunResources& resources);

    ShmBroadcastTransport(std::shared_ptr<Segment> segment, unsigned member, const TransportConfig& config);
    ~ShmBroadcastTransport() override;
    ShmBroadcastTransport(const ShmBroadcastTransport&) = delete;
    ShmBroadcastTransport& operator=(const ShmBroadcastTransport&) = delete;

    void attach(Side side) override;
    bool sendsForAllMembers() const override { return m_publisher.has_value(); }
    SendSlot beginSend() override;
    void commitSend() override;
    Received receive() override;
    void releaseReceive() override;

private:
    std::shared_ptr<Segment> m_segment;
    unsigned m_member;
    Side m_side = Side::A;
    RingFrameIo m_io;
    std::uint64_t m_receiveTimeoutNs = 0;
    std::optional<BroadcastRing> m_publisher; // the A end of link 0: the one that writes for all
    std::optional<BroadcastRing> m_subscriber; // a B end: this subscriber's cursor
    std::optional<ShmRing> m_replies; // ping-pong: this link's reply ring, from B to A
};

} // namespace ipcpg
