#include "shm/shmbroadcasttransport.h"

#include <string>
#include <sys/mman.h>

#include "ipcpg/error.h"
#include "shm/shmtransport.h"
#include "sys/sharedmapping.h"

namespace ipcpg {

namespace {

constexpr std::size_t kPage = 4096;

std::size_t pageAligned(std::size_t bytes) { return (bytes + kPage - 1) / kPage * kPage; }

} // namespace

// The one mapping every link of the fan-out shares: the broadcast ring first, then one reply
// ring per subscriber in ping-pong, each page-aligned.
struct ShmBroadcastTransport::Segment {
    Segment(const TransportConfig& config, unsigned readers, RunResources& resources)
        : subscribers(readers)
        , sync(ringSyncOption(config.options))
        , wait(ringWaitOption(config.options))
        , broadcast(ShmRing::Geometry::forFrames(config.frameBytes, sync))
        , reply(ShmRing::Geometry::forFrames(config.frameBytes, sync))
        , pingPong(config.mode == Mode::PingPong)
    {
        // A reply ring never holds more than the one reply in flight.
        reply.slotCount = std::min<std::uint32_t>(reply.slotCount, 2);
        broadcastBytes = pageAligned(BroadcastRing::bytesFor(broadcast, readers));
        replyBytes = pageAligned(reply.bytes());
        mapping.emplace(
            resources, "shm-fanout", broadcastBytes + (pingPong ? std::size_t { readers } * replyBytes : 0));
        BroadcastRing::format(broadcastRegion(), broadcast, readers, sync);
        if (pingPong) {
            for (unsigned member = 0; member < readers; ++member)
                ShmRing::format(replyRegion(member), reply, sync);
        }
    }

    std::span<std::byte> broadcastRegion() const { return { mapping->data(), broadcastBytes }; }
    std::span<std::byte> replyRegion(unsigned member) const
    {
        return { mapping->data() + broadcastBytes + std::size_t { member } * replyBytes, replyBytes };
    }

    unsigned subscribers;
    RingSync sync;
    RingWait wait;
    ShmRing::Geometry broadcast;
    ShmRing::Geometry reply;
    bool pingPong;
    std::size_t broadcastBytes = 0;
    std::size_t replyBytes = 0;
    std::optional<SharedMapping> mapping;
};

std::vector<std::unique_ptr<Transport>> ShmBroadcastTransport::createAll(
    const TransportConfig& config, unsigned subscribers, RunResources& resources)
{
    if (ringSyncOption(config.options) == RingSync::None)
        throw UsageError("shm fan-out needs a synchronised ring: sync=none is the race demo of one pair");
    const auto segment = std::make_shared<Segment>(config, subscribers, resources);
    std::vector<std::unique_ptr<Transport>> transports;
    for (unsigned member = 0; member < subscribers; ++member)
        transports.push_back(std::make_unique<ShmBroadcastTransport>(segment, member, config));
    return transports;
}

ShmBroadcastTransport::ShmBroadcastTransport(
    std::shared_ptr<Segment> segment, unsigned member, const TransportConfig& config)
    : m_segment(std::move(segment))
    , m_member(member)
    , m_io(config.options.at("copy") == "zero-copy", config.frameBytes)
    , m_receiveTimeoutNs(ringReceiveTimeoutNs(m_segment->sync))
{
}

ShmBroadcastTransport::~ShmBroadcastTransport() = default;

void ShmBroadcastTransport::attach(Side side)
{
    const Segment& segment = *m_segment;
    m_side = side;
    // As in ShmTransport::attach: map every page now, not during the first lap.
    if (side == Side::B || m_member == 0)
        madvise(segment.broadcastRegion().data(), segment.broadcastRegion().size(), MADV_POPULATE_WRITE);
    if (side == Side::A) {
        if (m_member == 0)
            m_publisher.emplace(
                segment.broadcastRegion(), segment.broadcast, segment.subscribers, -1, segment.sync, segment.wait);
    } else {
        m_subscriber.emplace(segment.broadcastRegion(), segment.broadcast, segment.subscribers,
            static_cast<int>(m_member), segment.sync, segment.wait);
    }
    if (segment.pingPong)
        m_replies.emplace(segment.replyRegion(m_member), segment.reply, segment.sync, segment.wait);
}

SendSlot ShmBroadcastTransport::beginSend()
{
    if (m_side == Side::A) {
        if (!m_publisher)
            throw Error("shm fan-out: only the first link's end sends, for every subscriber at once");
        return m_io.beginSend(*m_publisher);
    }
    if (!m_replies)
        throw Error("shm fan-out: a subscriber sends only replies, in ping-pong");
    return m_io.beginSend(*m_replies);
}

void ShmBroadcastTransport::commitSend()
{
    if (m_side == Side::A)
        m_io.commitSend(*m_publisher);
    else
        m_io.commitSend(*m_replies);
}

Received ShmBroadcastTransport::receive()
{
    if (m_side == Side::B)
        return m_io.receive(*m_subscriber, m_receiveTimeoutNs);
    if (!m_replies)
        throw Error("shm fan-out: the publisher receives only replies, in ping-pong");
    return m_io.receive(*m_replies, m_receiveTimeoutNs);
}

void ShmBroadcastTransport::releaseReceive()
{
    if (m_side == Side::B)
        m_io.releaseReceive(*m_subscriber);
    else if (m_replies)
        m_io.releaseReceive(*m_replies);
}

} // namespace ipcpg
