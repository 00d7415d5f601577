#include "shm/shmtransport.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <sys/mman.h>
#include <unistd.h>
#include <utility>

#include "ipcpg/error.h"
#include "ipcpg/frame.h"
#include "ipcpg/runresources.h"
#include "ipcpg/units.h"
#include "sys/uniquefd.h"

namespace ipcpg {

namespace {

constexpr std::size_t kPage = 4096;

} // namespace

RingSync ringSyncOption(const MechanismOptions& options)
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

RingWait ringWaitOption(const MechanismOptions& options)
{
    const std::string& value = options.at("wait");
    if (value == "spin")
        return RingWait::Spin;
    if (value == "hybrid")
        return RingWait::Hybrid;
    return RingWait::Block;
}

ShmTransport::ShmTransport(const TransportConfig& config, RunResources& resources)
    : m_io(config.options.at("copy") == "zero-copy", config.frameBytes)
{
    const RingSync sync = ringSyncOption(config.options);
    const RingWait wait = ringWaitOption(config.options);
    m_receiveTimeoutNs = ringReceiveTimeoutNs(sync);
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
    return m_io.beginSend(*m_out);
}

void ShmTransport::commitSend() { m_io.commitSend(*m_out); }

Received ShmTransport::receive()
{
    if (!m_in)
        throw Error("shm: this side has no ring to receive on (the mode does not receive in this direction)");
    if (m_peeked)
        return *std::exchange(m_peeked, std::nullopt);
    return m_io.receive(*m_in, m_receiveTimeoutNs);
}

bool ShmTransport::peekReceive()
{
    if (m_peeked)
        return true;
    if (!m_in)
        throw Error("shm: this side has no ring to receive on (the mode does not receive in this direction)");
    // A 1 ns deadline: look once (a semaphore's count, a slot's publication number), never sleep.
    Received received = m_io.receive(*m_in, 1);
    if (received.status == Received::Status::TimedOut)
        return false;
    m_peeked = received;
    return true;
}

void ShmTransport::releaseReceive()
{
    if (m_in)
        m_io.releaseReceive(*m_in);
}

} // namespace ipcpg
