#pragma once

#include "ipcpg/mechanism.h"
#include "ipcpg/transport.h"
#include "sys/alignedbuffer.h"
#include "sys/uniquefd.h"

namespace ipcpg {

// A frame transport over byte-stream file descriptors (pipes, FIFOs, stream sockets). Stream
// mechanisms keep no message boundaries, so frames are delimited by their fixed length: every
// frame of a run is TransportConfig::frameBytes long.
//
// In ping-pong a receiver reads exactly one frame: there is never more to read. In stream mode
// it reads whatever the kernel has, as a real stream consumer does: a frame that does not fit the
// kernel's buffer (64 KiB of payload plus its header in a 64 KiB pipe) would otherwise cost a
// second read() and a second wake-up for its last bytes. One readv() fills the rest of the
// current frame and spills into the other of two frame buffers, which becomes current next: no
// bytes are moved, and the receiver's working set stays at two frames, as warm in cache as a
// plain reader's.
//
// Subclasses create the descriptors; this class does the I/O. Each side owns a descriptor to
// write its frames to and one to read the peer's from (the same one for a socket).
class StreamFdTransport : public FrameTransport {
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
    int receiveReadyFd() const override { return m_readFd; }
    // Read ahead in stream mode can leave a whole frame in the other buffer.
    bool holdsReceivedFrame() const override;

private:
    std::string m_name;
    Ends m_ends[2];
    int m_writeFd = -1;
    int m_readFd = -1;
    AlignedBuffer m_sendBuffer;
    AlignedBuffer m_receiveBuffers[2]; // the second only in stream mode
    bool m_sendBufferBuilt = false;
    bool m_readAhead; // stream mode
    int m_current = 0; // the buffer that the next frame completes
    std::size_t m_spilled = 0; // bytes of the next frame already read into the other buffer
};

} // namespace ipcpg
