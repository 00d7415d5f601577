#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "ipcpg/mechanism.h"
#include "ipcpg/transport.h"
#include "shm/ringframeio.h"
#include "shm/shmring.h"
#include "sys/alignedbuffer.h"
#include "sys/sharedmapping.h"

namespace ipcpg {

class RunResources;

// The ring settings of the shm mechanism's options.
RingSync ringSyncOption(const MechanismOptions& options);
RingWait ringWaitOption(const MechanismOptions& options);
// How long a polling receive waits before it returns TimedOut, so the side loop can look at the
// run's state. Sleeping waits (semaphore, futex) block without a deadline instead, as a pipe read
// does: a kernel timer per sleep would cost more than half a microsecond per message, and a
// synchronised ring always delivers the End frame.
inline constexpr std::uint64_t kRingReceivePollNs = 100'000'000;
inline std::uint64_t ringReceiveTimeoutNs(RingSync sync)
{
    return sync == RingSync::Semaphore || sync == RingSync::Futex ? 0 : kRingReceivePollNs;
}

// Frames over shared-memory rings. One POSIX shared-memory object per pair holds the A->B ring
// and, in ping-pong, the B->A ring (each ring page-aligned). The lead creates and maps it before
// fork; the sides inherit the mapping, so no side ever opens the object by name.
// Frames go in and out as RingFrameIo says (copy or zero-copy).
class ShmTransport final : public FrameTransport {
public:
    // Creates the object (shm_open O_CREAT|O_EXCL, mode 0600) under a name from `resources`,
    // registers it there at once, sizes it, maps it and lays the rings out. Throws Error when the
    // kernel refuses (the object is then still removed by `resources`).
    ShmTransport(const TransportConfig& config, RunResources& resources);

    void attach(Side side) override;
    SendSlot beginSend() override;
    void commitSend() override;
    Received receive() override;
    void releaseReceive() override;
    // A fan-in's receiver looks at each publisher's ring in turn.
    bool canPeek() const override { return true; }
    bool peekReceive() override;
    bool holdsReceivedFrame() const override { return m_peeked.has_value(); }

private:
    // This process's mapping: unmapped on destruction, the object itself is RunResources' to remove.

    std::optional<SharedMapping> m_mapping;
    std::optional<ShmRing> m_rings[2];
    ShmRing* m_out = nullptr;
    ShmRing* m_in = nullptr;
    RingFrameIo m_io;
    std::uint64_t m_receiveTimeoutNs = 0; // 0: none
    std::optional<Received> m_peeked; // found by peekReceive(), handed out by the next receive()
};

} // namespace ipcpg
