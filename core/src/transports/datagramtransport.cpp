#include "transports/datagramtransport.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <sched.h>
#include <sys/socket.h>

#include "ipcpg/error.h"

namespace ipcpg {

namespace {

// How often a lossy send retries a transient shortage before it counts the datagram as dropped.
constexpr int kTransientRetries = 100;

} // namespace

DatagramTransport::DatagramTransport(
    const TransportConfig& config, SocketPair sockets, std::string_view name, Delivery delivery)
    : m_name(name)
    , m_delivery(delivery)
    , m_sendBuffer(config.frameBytes)
    , m_receiveBuffer(config.frameBytes + 1)
{
    m_ends[0] = std::move(sockets.a);
    m_ends[1] = std::move(sockets.b);
    m_emptyMeansClosed = socketOption(m_ends[0].get(), SOL_SOCKET, SO_TYPE, m_name) == SOCK_SEQPACKET;
    if (m_delivery == Delivery::Lossy) {
        for (const UniqueFd& end : m_ends)
            setReceiveTimeout(end.get(), kLossyPollMs, m_name);
    }
}

void DatagramTransport::attach(Side side)
{
    const int mine = side == Side::A ? 0 : 1;
    m_ends[1 - mine].reset();
    m_fd = m_ends[mine].get();
}

SendSlot DatagramTransport::beginSend()
{
    const bool built = m_sendBufferBuilt;
    m_sendBufferBuilt = true;
    return { m_sendBuffer.span(), built };
}

void DatagramTransport::commitSend()
{
    const std::size_t length = m_sendBuffer.size();
    for (int attempt = 0;; ++attempt) {
        const ssize_t sent = ::send(m_fd, m_sendBuffer.data(), length, MSG_NOSIGNAL);
        if (sent == static_cast<ssize_t>(length))
            return;
        if (sent >= 0)
            throw Error(m_name + ": the kernel took " + std::to_string(sent) + " of a " + std::to_string(length)
                + "-byte datagram");
        const int err = errno;
        if (err == EINTR)
            continue;
        if (m_delivery == Delivery::Lossy) {
            // ECONNREFUSED reports an earlier datagram that found the peer's port closed (the peer
            // has exited): nothing will receive this one either. A shortage of buffers is brief on
            // loopback, so it is retried first. Either way the receiver's count shows the loss.
            const bool shortage = err == ENOBUFS || err == EAGAIN || err == ENOMEM;
            if (shortage && attempt < kTransientRetries) {
                sched_yield();
                continue;
            }
            if (shortage || err == ECONNREFUSED)
                return;
        }
        if (err == EPIPE || err == ECONNRESET || err == ECONNREFUSED)
            throw Error(m_name + ": the peer closed its end");
        if (err == ENOBUFS || err == ENOMEM)
            throw Error(m_name + ": the kernel could not allocate a " + std::to_string(length)
                + "-byte datagram in one piece (" + std::strerror(err)
                + "): memory is short or fragmented; try a smaller size");
        throwSystemError(m_name + ": send failed", err);
    }
}

Received DatagramTransport::receive()
{
    const std::span<std::byte> buffer = m_receiveBuffer.span();
    for (;;) {
        // MSG_TRUNC makes recv() return the datagram's real length even when it did not fit; the
        // buffer is one byte longer than a frame, so any other length stays visible to the verifier.
        const ssize_t got = ::recv(m_fd, buffer.data(), buffer.size(), MSG_TRUNC);
        if (got > 0 || (got == 0 && !m_emptyMeansClosed))
            return { Received::Status::Frame, buffer.first(std::min(static_cast<std::size_t>(got), buffer.size())) };
        if (got == 0)
            return { Received::Status::Closed, {} };
        const int err = errno;
        if (err == EINTR)
            continue;
        if (err == EAGAIN || err == EWOULDBLOCK)
            return { Received::Status::TimedOut, {} };
        if (err == ECONNREFUSED || err == ECONNRESET)
            return { Received::Status::Closed, {} };
        throwSystemError(m_name + ": recv failed", err);
    }
}

} // namespace ipcpg
