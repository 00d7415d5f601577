#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "ipcpg/frame.h"
#include "ipcpg/transport.h"
#include "shm/shmring.h"
#include "sys/alignedbuffer.h"

namespace ipcpg {

// Frames through the producer and consumer views of a shared-memory ring (ShmRing, BroadcastRing),
// as copy=copy or copy=zero-copy says. Copies per frame (the sender's build and the receiver's
// checksum pass are not copies):
//   copy       the sender builds the frame in a private buffer and copies it into the slot; the
//              receiver copies it out of the slot before verifying it: 2 copies, like a classic
//              message queue, and the slot is free again as soon as it is copied out.
//   zero-copy  the sender builds the frame in the slot itself (rewriting only the stamps once the
//              slot holds its previous frame) and the receiver verifies it in the slot, which stays
//              taken until releaseReceive(): 0 copies.
class RingFrameIo {
public:
    RingFrameIo(bool zeroCopy, std::size_t frameBytes)
        : m_zeroCopy(zeroCopy)
        , m_sendBuffer(zeroCopy ? 0 : frameBytes)
        , m_receiveBuffer(zeroCopy ? 0 : frameBytes)
    {
    }

    template <class Producer> SendSlot beginSend(Producer& out)
    {
        if (m_zeroCopy) {
            const std::span<std::byte> frame = out.claim();
            return { frame, out.claimedSlotHoldsPrevious() };
        }
        const bool built = m_sendBufferBuilt;
        m_sendBufferBuilt = true;
        return { m_sendBuffer.span(), built };
    }

    template <class Producer> void commitSend(Producer& out)
    {
        if (!m_zeroCopy) {
            const std::span<std::byte> slot = out.claim();
            std::memcpy(slot.data(), m_sendBuffer.data(), slot.size()); // copy 1 of 2
        }
        out.publish();
    }

    template <class Consumer> Received receive(Consumer& in, std::uint64_t timeoutNs)
    {
        const ShmRing::Read read = in.acquire(timeoutNs);
        switch (read.status) {
        case ShmRing::Read::Status::TimedOut:
            return { Received::Status::TimedOut, {} };
        case ShmRing::Read::Status::Damaged:
            // An empty frame: the verifier counts it as a bad size.
            if (!m_zeroCopy)
                in.release();
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
        in.release();
        return { Received::Status::Frame, m_receiveBuffer.span().first(read.frame.size()), checksum };
    }

    template <class Consumer> void releaseReceive(Consumer& in)
    {
        if (m_zeroCopy)
            in.release();
    }

private:
    bool m_zeroCopy;
    AlignedBuffer m_sendBuffer;
    AlignedBuffer m_receiveBuffer;
    bool m_sendBufferBuilt = false;
};

} // namespace ipcpg
