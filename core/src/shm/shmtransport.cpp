#include "shm/shmtransport.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <sys/mman.h>
#include <unistd.h>

#include "ipcpg/error.h"
#include "ipcpg/frame.h"
#include "ipcpg/runresources.h"
#include "ipcpg/units.h"
#include "sys/uniquefd.h"

namespace ipcpg {

namespace {

// How long a polling receive() waits before it returns TimedOut, so the side loop can look at the
// run's state. Sleeping waits (semaphore, futex) block without a deadline instead, as a pipe read
// does: a kernel timer per sleep would cost more than half a microsecond per message, and a
// synchronised ring always delivers the End frame.
constexpr std::uint64_t kReceivePollNs = 100'000'000;
constexpr std::size_t kPage = 4096;

RingSync syncOption(const MechanismOptions& options)
{
    const std::string& value = options.at("sync");
    if (value == "futex")
        return RingSync::Futex;
    if (value == "spin")
        return RingSync::Spin;
    if (value == "none")
        return RingSync::None;
    return RingSync::Semaphore;
}

RingWait waitOption(const MechanismOptions& options)
{
    const std::string& value = options.at("wait");
    if (value == "spin")
        return RingWait::Spin;
    if (value == "hybrid")
        return RingWait::Hybrid;
    return RingWait::Block;
}

} // namespace

ShmTransport::ShmTransport(const TransportConfig& config, RunResources& resources)
    : m_zeroCopy(config.options.at("copy") == "zero-copy")
    , m_sendBuffer(m_zeroCopy ? 0 : config.frameBytes)
    , m_receiveBuffer(m_zeroCopy ? 0 : config.frameBytes)
{
    const RingSync sync = syncOption(config.options);
    const RingWait wait = waitOption(config.options);
    m_receiveTimeoutNs = sync == RingSync::Semaphore || sync == RingSync::Futex ? 0 : kReceivePollNs;
    const ShmRing::Geometry geometry = ShmRing::Geometry::forFrames(config.frameBytes, sync);
    const std::size_t ringBytes = (geometry.bytes() + kPage - 1) / kPage * kPage;
    const int rings = config.mode == Mode::PingPong ? 2 : 1;
    const std::size_t bytes = ringBytes * static_cast<std::size_t>(rings);

    m_mapping.emplace(resources, "shm-" + std::to_string(config.pair), bytes);

    for (int i = 0; i < rings; ++i) {
        const std::span<std::byte> region(m_mapping->data() + static_cast<std::size_t>(i) * ringBytes, ringBytes);
        ShmRing::format(region, geometry, sync);
        m_rings[i].emplace(region, geometry, sync, wait);
    }
}

void ShmTransport::attach(Side side)
{
    // fork() does not copy the page tables of a shared mapping: without this, each side would take
    // a page fault on every page of the rings during the first lap, inside the measurement. Kernels
    // before 5.14 lack MADV_POPULATE_WRITE; they just fault as before.
    madvise(m_mapping->data(), m_mapping->size(), MADV_POPULATE_WRITE);
    ShmRing* forward = &*m_rings[0];
    ShmRing* backward = m_rings[1] ? &*m_rings[1] : nullptr;
    m_out = side == Side::A ? forward : backward;
    m_in = side == Side::A ? backward : forward;
}

SendSlot ShmTransport::beginSend()
{
    if (!m_out)
        throw Error("shm: this side has no ring to send on (the mode does not send in this direction)");
    if (m_zeroCopy) {
        const std::span<std::byte> frame = m_out->claim();
        return { frame, m_out->claimedSlotHoldsPrevious() };
    }
    const bool built = m_sendBufferBuilt;
    m_sendBufferBuilt = true;
    return { m_sendBuffer.span(), built };
}

void ShmTransport::commitSend()
{
    if (!m_zeroCopy) {
        const std::span<std::byte> slot = m_out->claim();
        std::memcpy(slot.data(), m_sendBuffer.data(), slot.size()); // copy 1 of 2
    }
    m_out->publish();
}

Received ShmTransport::receive()
{
    if (!m_in)
        throw Error("shm: this side has no ring to receive on (the mode does not receive in this direction)");
    const ShmRing::Read read = m_in->acquire(m_receiveTimeoutNs);
    switch (read.status) {
    case ShmRing::Read::Status::TimedOut:
        return { Received::Status::TimedOut, {} };
    case ShmRing::Read::Status::Damaged:
        // An empty frame: the verifier counts it as a bad size.
        if (!m_zeroCopy)
            m_in->release();
        return { Received::Status::Frame, {} };
    case ShmRing::Read::Status::Frame:
        break;
    }
    if (m_zeroCopy)
        return { Received::Status::Frame, read.frame };
    // Copy 2 of 2, checksumming the payload on the way, so verifying it costs no extra pass.
    const std::size_t header = std::min(read.frame.size(), kFrameHeaderSize);
    std::memcpy(m_receiveBuffer.data(), read.frame.data(), header);
    const std::uint64_t checksum = PayloadPattern::copyAndChecksum(
        m_receiveBuffer.span().subspan(header, read.frame.size() - header), read.frame.subspan(header));
    m_in->release();
    return { Received::Status::Frame, m_receiveBuffer.span().first(read.frame.size()), checksum };
}

void ShmTransport::releaseReceive()
{
    if (m_zeroCopy && m_in)
        m_in->release();
}

} // namespace ipcpg
