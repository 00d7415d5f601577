#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <zmq.h>

#include "sys/uniquefd.h"

namespace ipcpg {

// libzmq's C API, owned. Every refusal becomes an Error of one line that names zeromq, what it
// refused and libzmq's reason ("zeromq refused to connect the SUB socket of subscriber 2 to
// ipc:///run/...: No such file or directory").

// The libzmq context of one process: its I/O thread, which moves the messages of every socket
// made in it between the socket's queues and the kernel. libzmq's threads do not survive fork(),
// so a context never crosses one: each side makes its own in attach(), after the fork.
class ZmqContext {
public:
    ZmqContext(); // throws Error when libzmq cannot start one (no descriptors, no threads)
    // Waits until every socket made in it was closed and has handed over what it held, for at
    // most the sockets' linger.
    ~ZmqContext();
    ZmqContext(const ZmqContext&) = delete;
    ZmqContext& operator=(const ZmqContext&) = delete;

    void* handle() const { return m_context; }

private:
    void* m_context = nullptr;
};

// One message (one part of a multipart message) received from a socket. The bytes stay valid,
// unmoved, until the message is closed or receives again: a received frame is verified in place.
class ZmqMessage {
public:
    ZmqMessage();
    ~ZmqMessage();
    ZmqMessage(ZmqMessage&& other) noexcept;
    ZmqMessage& operator=(ZmqMessage&& other) noexcept;
    ZmqMessage(const ZmqMessage&) = delete;
    ZmqMessage& operator=(const ZmqMessage&) = delete;

    std::span<const std::byte> bytes() const;
    std::size_t size() const;
    // Drops the content, keeping an empty message.
    void clear();
    zmq_msg_t* handle() { return &m_message; }

private:
    zmq_msg_t m_message {};
};

// One socket of a context; closed (zmq_close) by its destructor, before its context ends.
class ZmqSocket {
public:
    // `name` is how messages call it: "the PUSH socket of publisher 3".
    ZmqSocket(ZmqContext& context, int type, std::string name);
    ~ZmqSocket();
    ZmqSocket(const ZmqSocket&) = delete;
    ZmqSocket& operator=(const ZmqSocket&) = delete;

    const std::string& name() const { return m_name; }

    // `option` names the option in a refusal ("ZMQ_SNDHWM").
    void setOption(int id, int value, std::string_view option);
    void setOption(int id, std::int64_t value, std::string_view option);
    void setOption(int id, std::string_view bytes, std::string_view option);

    // Binds to `address` through `listener`, the listening descriptor made for it before the fork
    // (ZMQ_USE_FD): libzmq then owns the descriptor and closes it with the socket.
    void bind(UniqueFd listener, const std::string& address);
    // Connecting returns at once: libzmq's I/O thread connects, and reconnects, on its own.
    void connect(const std::string& address);

    // Hands one part to libzmq, which copies it into a message of its own; ZMQ_SNDMORE says
    // another part of the same message follows. Blocks while the queue is at its high-water mark
    // (a PUB socket drops instead). Throws Error when libzmq refuses.
    void send(std::span<const std::byte> bytes, int flags);
    // Receives one part into `message`; false when none came within the socket's receive timeout
    // (ZMQ_RCVTIMEO) or, with ZMQ_DONTWAIT, none was there.
    bool receive(ZmqMessage& message, int flags);
    // The part received last is followed by another part of the same message.
    bool moreParts() const;
    // A message can be received now without waiting (ZMQ_EVENTS). Asking also lets libzmq catch
    // up with its I/O thread, after which the descriptor signals the next change again.
    bool readable() const;
    // The descriptor that polls readable when the socket's state changed (ZMQ_FD): edge-
    // triggered, so it says "ask readable()", never "a message waits".
    int descriptor() const;

private:
    [[noreturn]] void refused(const std::string& what) const;

    void* m_socket = nullptr;
    std::string m_name;
};

} // namespace ipcpg
