#include "rpc/connection.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "ipcpg/error.h"

namespace ipcpg::rpc {

namespace {

// Read this much beyond the current message when there is room: the small replies that follow
// a large one arrive in the same read.
constexpr std::size_t kReadAhead = std::size_t { 64 } * 1024;

} // namespace

Connection::Connection(int fd, std::size_t maxBodyBytes)
    : m_fd(fd)
    , m_maxBody(maxBodyBytes)
    , m_buffer(kPrefixBytes + maxBodyBytes + kReadAhead)
{
}

bool Connection::send(std::span<const std::byte> encoded, Bytes detached)
{
    iovec parts[2] = {
        { const_cast<std::byte*>(encoded.data()), encoded.size() },
        { const_cast<std::byte*>(detached.data()), detached.size() },
    };
    msghdr header {};
    header.msg_iov = parts;
    header.msg_iovlen = detached.empty() ? 1 : 2;
    std::size_t left = encoded.size() + detached.size();
    while (left > 0) {
        const ssize_t sent = sendmsg(m_fd, &header, MSG_NOSIGNAL);
        if (sent < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EPIPE || errno == ECONNRESET)
                return false;
            throwSystemError("rpc: cannot send on the socket", errno);
        }
        left -= static_cast<std::size_t>(sent);
        // A partial write (a signal arrived): continue where it stopped.
        auto done = static_cast<std::size_t>(sent);
        while (done > 0 && header.msg_iovlen > 0) {
            const std::size_t step = std::min(done, header.msg_iov[0].iov_len);
            header.msg_iov[0].iov_base = static_cast<std::byte*>(header.msg_iov[0].iov_base) + step;
            header.msg_iov[0].iov_len -= step;
            done -= step;
            if (header.msg_iov[0].iov_len == 0) {
                ++header.msg_iov;
                --header.msg_iovlen;
            }
        }
    }
    return true;
}

bool Connection::fill(std::size_t needed)
{
    std::byte* buffer = m_buffer.data();
    while (m_end - m_begin < needed) {
        if (m_begin + needed > m_buffer.size()) {
            std::memmove(buffer, buffer + m_begin, m_end - m_begin);
            m_end -= m_begin;
            m_begin = 0;
        }
        const std::size_t missing = needed - (m_end - m_begin);
        const std::size_t want = std::min(m_buffer.size() - m_end, std::max(missing, kReadAhead));
        const ssize_t got = ::read(m_fd, buffer + m_end, want);
        if (got > 0) {
            m_end += static_cast<std::size_t>(got);
            continue;
        }
        if (got < 0 && errno == EINTR)
            continue;
        if (got == 0 || errno == ECONNRESET) {
            if (m_end == m_begin)
                return false;
            throw Error("rpc: the peer closed the connection in the middle of a message");
        }
        throwSystemError("rpc: cannot read from the socket", errno);
    }
    return true;
}

Connection::Status Connection::receive()
{
    m_begin += m_consumed;
    m_consumed = 0;
    if (m_begin == m_end)
        m_begin = m_end = 0;
    m_error = {};
    if (!fill(kPrefixBytes))
        return Status::Closed;
    std::uint32_t length = 0;
    std::memcpy(&length, m_buffer.data() + m_begin, sizeof length);
    if (length > m_maxBody)
        throw Error("rpc: the peer announced a message of " + std::to_string(length)
            + " bytes; this run accepts at most " + std::to_string(m_maxBody));
    if (!fill(kPrefixBytes + length))
        throw Error("rpc: the peer closed the connection in the middle of a message");
    m_consumed = kPrefixBytes + length;
    m_error = decode({ m_buffer.data() + m_begin + kPrefixBytes, length }, m_message);
    return m_error.empty() ? Status::Message : Status::Malformed;
}

} // namespace ipcpg::rpc
