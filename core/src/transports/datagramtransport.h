#pragma once

#include <string>
#include <string_view>

#include "ipcpg/mechanism.h"
#include "ipcpg/transport.h"
#include "sys/alignedbuffer.h"
#include "sys/socketutil.h"

namespace ipcpg {

// A frame transport over a connected datagram socket (AF_UNIX SOCK_SEQPACKET or SOCK_DGRAM, UDP):
// one frame is one datagram, sent with one send() and received with one recv(). The kernel keeps
// the boundaries, so a datagram of the wrong length arrives as a frame of that length (MSG_TRUNC
// reveals one longer than a frame) and the verifier counts it as a bad size.
//
// Each side keeps one socket of the pair; the same socket sends and receives.
class DatagramTransport : public FrameTransport {
public:
    enum class Delivery {
        // The kernel never drops (AF_UNIX): a full receive queue blocks the sender; errors are errors.
        Reliable,
        // Datagrams may vanish (UDP). receive() gives up after kLossyPollMs with TimedOut so the
        // side loop can count the loss; send failures that only mean "this datagram is gone"
        // (no buffer space, the peer's port closed) drop it and let the receiver count the gap.
        Lossy,
    };
    static constexpr int kLossyPollMs = 100;

    // Throws Error when the receive timeout of a lossy transport cannot be set.
    DatagramTransport(const TransportConfig& config, SocketPair sockets, std::string_view name, Delivery delivery);

    void attach(Side side) override;
    SendSlot beginSend() override;
    void commitSend() override;
    Received receive() override;
    int receiveReadyFd() const override { return m_fd; }

private:
    std::string m_name;
    Delivery m_delivery;
    UniqueFd m_ends[2];
    int m_fd = -1;
    bool m_emptyMeansClosed = false; // SOCK_SEQPACKET: a 0-byte read is the peer's end of file
    AlignedBuffer m_sendBuffer;
    AlignedBuffer m_receiveBuffer; // one byte longer than a frame, so an oversized datagram shows
    bool m_sendBufferBuilt = false;
};

} // namespace ipcpg
