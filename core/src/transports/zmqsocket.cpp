#include "transports/zmqsocket.h"

#include <cerrno>
#include <utility>

#include "ipcpg/error.h"

namespace ipcpg {

namespace {

// libzmq's reason for the last refusal, with the hint of throwSystemError where it is a limit of
// the process (descriptors, memory).
std::string reasonForLastError()
{
    const int err = zmq_errno();
    std::string reason = zmq_strerror(err);
    if (const std::string hint = limitHint(err); !hint.empty())
        reason += " (" + hint + ")";
    return reason;
}

} // namespace

ZmqContext::ZmqContext()
    : m_context(zmq_ctx_new())
{
    if (m_context == nullptr)
        throw Error("zeromq refused to start a context (its I/O thread): " + reasonForLastError());
}

ZmqContext::~ZmqContext()
{
    while (zmq_ctx_term(m_context) != 0 && zmq_errno() == EINTR) { }
}

ZmqMessage::ZmqMessage() { zmq_msg_init(&m_message); }

ZmqMessage::~ZmqMessage() { zmq_msg_close(&m_message); }

ZmqMessage::ZmqMessage(ZmqMessage&& other) noexcept
{
    zmq_msg_init(&m_message);
    zmq_msg_move(&m_message, &other.m_message);
}

ZmqMessage& ZmqMessage::operator=(ZmqMessage&& other) noexcept
{
    if (this != &other)
        zmq_msg_move(&m_message, &other.m_message); // releases what this message held
    return *this;
}

std::span<const std::byte> ZmqMessage::bytes() const
{
    // zmq_msg_data and zmq_msg_size take a non-const message but do not change it.
    auto* message = const_cast<zmq_msg_t*>(&m_message);
    return { static_cast<const std::byte*>(zmq_msg_data(message)), zmq_msg_size(message) };
}

std::size_t ZmqMessage::size() const { return zmq_msg_size(const_cast<zmq_msg_t*>(&m_message)); }

void ZmqMessage::clear()
{
    zmq_msg_close(&m_message);
    zmq_msg_init(&m_message);
}

ZmqSocket::ZmqSocket(ZmqContext& context, int type, std::string name)
    : m_socket(zmq_socket(context.handle(), type))
    , m_name(std::move(name))
{
    if (m_socket == nullptr)
        throw Error("zeromq refused to create " + m_name + ": " + reasonForLastError());
}

ZmqSocket::~ZmqSocket() { zmq_close(m_socket); }

void ZmqSocket::refused(const std::string& what) const
{
    throw Error("zeromq refused to " + what + " " + m_name + ": " + reasonForLastError());
}

void ZmqSocket::setOption(int id, int value, std::string_view option)
{
    if (zmq_setsockopt(m_socket, id, &value, sizeof value) != 0)
        refused("set " + std::string(option) + "=" + std::to_string(value) + " on");
}

void ZmqSocket::setOption(int id, std::int64_t value, std::string_view option)
{
    if (zmq_setsockopt(m_socket, id, &value, sizeof value) != 0)
        refused("set " + std::string(option) + "=" + std::to_string(value) + " on");
}

void ZmqSocket::setOption(int id, std::string_view bytes, std::string_view option)
{
    if (zmq_setsockopt(m_socket, id, bytes.data(), bytes.size()) != 0)
        refused("set " + std::string(option) + "=\"" + std::string(bytes) + "\" on");
}

void ZmqSocket::bind(UniqueFd listener, const std::string& address)
{
    setOption(ZMQ_USE_FD, listener.get(), "ZMQ_USE_FD");
    if (zmq_bind(m_socket, address.c_str()) != 0) {
        const std::string reason = reasonForLastError();
        throw Error("zeromq refused to bind " + m_name + " to " + address + ": " + reason);
    }
    listener.release(); // libzmq closes it with the socket
}

void ZmqSocket::connect(const std::string& address)
{
    if (zmq_connect(m_socket, address.c_str()) != 0)
        throw Error("zeromq refused to connect " + m_name + " to " + address + ": " + reasonForLastError());
}

void ZmqSocket::send(std::span<const std::byte> bytes, int flags)
{
    while (zmq_send(m_socket, bytes.data(), bytes.size(), flags) < 0) {
        // A signal (a stop and continue of this side) interrupts a blocked send; the part was
        // not taken, so it is handed over again.
        if (zmq_errno() != EINTR)
            refused("send a " + std::to_string(bytes.size()) + "-byte message part through");
    }
}

bool ZmqSocket::receive(ZmqMessage& message, int flags)
{
    while (zmq_msg_recv(message.handle(), m_socket, flags) < 0) {
        const int err = zmq_errno();
        if (err == EAGAIN)
            return false;
        if (err != EINTR)
            refused("receive from");
    }
    return true;
}

bool ZmqSocket::moreParts() const
{
    int more = 0;
    std::size_t length = sizeof more;
    if (zmq_getsockopt(m_socket, ZMQ_RCVMORE, &more, &length) != 0)
        refused("report ZMQ_RCVMORE of");
    return more != 0;
}

bool ZmqSocket::readable() const
{
    int events = 0;
    std::size_t length = sizeof events;
    while (zmq_getsockopt(m_socket, ZMQ_EVENTS, &events, &length) != 0) {
        if (zmq_errno() != EINTR)
            refused("report ZMQ_EVENTS of");
    }
    return (events & ZMQ_POLLIN) != 0;
}

int ZmqSocket::descriptor() const
{
    int fd = -1;
    std::size_t length = sizeof fd;
    if (zmq_getsockopt(m_socket, ZMQ_FD, &fd, &length) != 0)
        refused("report ZMQ_FD of");
    return fd;
}

} // namespace ipcpg
