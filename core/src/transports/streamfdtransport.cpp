#include "transports/streamfdtransport.h"

#include <algorithm>

#include "ipcpg/error.h"
#include "sys/fdio.h"

namespace ipcpg {

StreamFdTransport::StreamFdTransport(const TransportConfig& config, Ends sideA, Ends sideB, std::string_view name)
    : m_name(name)
    , m_sendBuffer(config.frameBytes)
    , m_receiveBuffers { AlignedBuffer(config.frameBytes),
        AlignedBuffer(config.mode == Mode::Stream ? config.frameBytes : 0) }
    , m_readAhead(config.mode == Mode::Stream)
{
    m_ends[0] = std::move(sideA);
    m_ends[1] = std::move(sideB);
}

void StreamFdTransport::attach(Side side)
{
    const int mine = side == Side::A ? 0 : 1;
    // Closing the peer's descriptors matters: a reader only sees end-of-file once every copy of
    // the write end is closed, which is how a side learns that its peer died.
    m_ends[1 - mine] = Ends {};
    m_writeFd = m_ends[mine].write.get();
    m_readFd = m_ends[mine].sameDescriptor ? m_writeFd : m_ends[mine].read.get();
}

SendSlot StreamFdTransport::beginSend()
{
    const bool built = m_sendBufferBuilt;
    m_sendBufferBuilt = true;
    return { m_sendBuffer.span(), built };
}

void StreamFdTransport::commitSend()
{
    if (m_writeFd < 0)
        throw Error(m_name + ": this side has no write end (mode does not send in this direction)");
    writeAll(m_writeFd, m_sendBuffer.span(), m_name);
}

bool StreamFdTransport::holdsReceivedFrame() const
{
    return m_readAhead && m_spilled >= m_receiveBuffers[m_current].size();
}

Received StreamFdTransport::receive()
{
    if (m_readFd < 0)
        throw Error(m_name + ": this side has no read end (mode does not receive in this direction)");
    AlignedBuffer& current = m_receiveBuffers[m_current];
    if (!m_readAhead) {
        const std::size_t got = readExactly(m_readFd, current.span(), m_name);
        if (got == 0)
            return { Received::Status::Closed, {} };
        // A frame cut short by the peer closing is handed on as it is: the verifier counts it.
        return { Received::Status::Frame, current.span().first(got) };
    }
    // The other buffer held the frame handed out last time, which its receiver is done with.
    AlignedBuffer& other = m_receiveBuffers[1 - m_current];
    std::size_t filled = m_spilled;
    m_spilled = 0;
    while (filled < current.size()) {
        const std::size_t missing = current.size() - filled;
        const std::size_t got = readIntoTwo(m_readFd, current.span().subspan(filled), other.span(), m_name);
        if (got == 0)
            break;
        filled += std::min(got, missing);
        m_spilled = got > missing ? got - missing : 0;
    }
    if (filled == 0)
        return { Received::Status::Closed, {} };
    m_current = 1 - m_current;
    // As above, a frame cut short by the peer closing is handed on as it is.
    return { Received::Status::Frame, current.span().first(filled) };
}

} // namespace ipcpg
