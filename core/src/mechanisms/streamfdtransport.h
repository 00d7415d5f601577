#pragma once

#include "ipcpg/mechanism.h"
#include "ipcpg/transport.h"
#include "mechanisms/alignedbuffer.h"
#include "mechanisms/uniquefd.h"

namespace ipcpg {

// A frame transport over byte-stream file descriptors (pipes, FIFOs, stream sockets). Stream
// mechanisms keep no message boundaries, so frames are delimited by their fixed length: every
// frame of a run is TransportConfig::frameBytes long, and the receiver reads exactly that much.
//
// Subclasses create the descriptors; this class does the I/O. Each side owns a descriptor to
// write its frames to and one to read the peer's from (the same one for a socket).
class StreamFdTransport : public Transport {
public:
    struct Ends {
        UniqueFd write; // this side sends here
        UniqueFd read; // and receives from here; may be the same socket as `write`
        bool sameDescriptor = false;
    };
    // The ends of a side that sends and receives on one connected stream socket.
    static Ends sharedSocket(UniqueFd socket) { return { std::move(socket), UniqueFd {}, true }; }

    StreamFdTransport(const TransportConfig& config, Ends sideA, Ends sideB, std::string_view name);

    void attach(Side side) override;
    SendSlot beginSend() override;
    void commitSend() override;
    Received receive() override;

private:
    std::string m_name;
    Ends m_ends[2];
    int m_writeFd = -1;
    int m_readFd = -1;
    AlignedBuffer m_sendBuffer;
    AlignedBuffer m_receiveBuffer;
    bool m_sendBufferBuilt = false;
};

} // namespace ipcpg
