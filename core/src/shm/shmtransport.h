#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "ipcpg/mechanism.h"
#include "ipcpg/transport.h"
#include "shm/shmring.h"
#include "sys/alignedbuffer.h"
#include "sys/sharedmapping.h"

namespace ipcpg {

class RunResources;

// Frames over shared-memory rings. One POSIX shared-memory object per pair holds the A->B ring
// and, in ping-pong, the B->A ring (each ring page-aligned). The lead creates and maps it before
// fork; the sides inherit the mapping, so no side ever opens the object by name.
//
// Copies per frame (the sender's build and the receiver's checksum pass are not copies):
//   copy=copy       the sender builds the frame in a private buffer and copies it into the slot;
//                   the receiver copies it out of the slot before verifying it: 2 copies, like a
//                   classic message queue, and the slot is free again as soon as it is copied out.
//   copy=zero-copy  the sender builds the frame in the slot itself (rewriting only the stamps once
//                   the slot holds its previous frame) and the receiver verifies it in the slot,
//                   which stays taken until releaseReceive(): 0 copies.
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

private:
    // This process's mapping: unmapped on destruction, the object itself is RunResources' to remove.

    std::optional<SharedMapping> m_mapping;
    std::optional<ShmRing> m_rings[2];
    ShmRing* m_out = nullptr;
    ShmRing* m_in = nullptr;
    bool m_zeroCopy = false;
    std::uint64_t m_receiveTimeoutNs = 0; // 0: none
    AlignedBuffer m_sendBuffer;
    AlignedBuffer m_receiveBuffer;
    bool m_sendBufferBuilt = false;
};

} // namespace ipcpg
