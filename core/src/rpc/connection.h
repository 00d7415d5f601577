#pragma once

#include <cstddef>
#include <span>
#include <string_view>

#include "rpc/wire.h"
#include "sys/alignedbuffer.h"

namespace ipcpg::rpc {

// One end of a byte-stream connection (a Unix stream socket) that carries rpc messages.
//
// Receiving is buffered: one read() takes whatever the kernel has, so a reply and the small
// messages behind it usually cost a single system call, and a received message is decoded where
// it lies (its bytes values are views into the buffer, no copy). Sending is one gather write of
// the encoded part and, optionally, a detached bytes value taken from where the caller keeps it.
//
// Does not own the descriptor.
class Connection {
public:
    // `maxBodyBytes`: the largest message this end accepts; a peer announcing more is refused.
    Connection(int fd, std::size_t maxBodyBytes);

    // Sends `encoded` followed by `detached`. Returns false when the peer has closed its end
    // (EPIPE or ECONNRESET; SIGPIPE is never raised); throws Error on other failures.
    bool send(std::span<const std::byte> encoded, Bytes detached = {});

    enum class Status {
        Message, // message() holds it, valid until the next receive()
        Closed, // the peer closed the connection between two messages
        Malformed, // the message was framed correctly but does not decode: error() says why
    };
    // Blocks for the next message. Throws Error when the peer announces a message larger than
    // the limit or closes the connection in the middle of one: the stream cannot be trusted after.
    Status receive();
    const Message& message() const { return m_message; }
    std::string_view error() const { return m_error; }

private:
    bool fill(std::size_t needed);

    int m_fd;
    std::size_t m_maxBody;
    AlignedBuffer m_buffer;
    std::size_t m_begin = 0; // the current message starts here
    std::size_t m_end = 0; // bytes read so far end here
    std::size_t m_consumed = 0; // length of the current message, dropped at the next receive()
    Message m_message;
    std::string_view m_error;
};

} // namespace ipcpg::rpc
