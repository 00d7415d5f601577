#include "transports/dbustransport.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <dbus/dbus.h>
#include <poll.h>
#include <vector>

#include "ipcpg/error.h"
#include "transports/dbusbus.h"

namespace ipcpg {

namespace {

constexpr const char* kPath = "/org/ipcpg/Pair";
constexpr const char* kInterface = "org.ipcpg.Pair";
constexpr const char* kBusInterface = "org.freedesktop.DBus";
// How long A's receive() waits before it says TimedOut, so its side loop can look at its stop
// flag. B waits without a limit: the daemon forwards a message only once it has all of it, so a
// large frame can leave B without a byte for longer than any interval after A has finished
// sending, and a B told TimedOut then would take the quiet for the end of the stream. Nothing on
// the bus is dropped, so A's end frame always comes.
constexpr int kPollIntervalMs = 100;
// The bytes a stream may have in flight on the bus: far below the daemon's per-connection limit
// (DbusBus's configuration), and enough that B rarely waits for A to refill.
constexpr std::uint64_t kWindowBytes = 8ULL << 20;

// Owns a DBusError for one call and turns a set one into an Error naming dbus.
class ErrorScope {
public:
    ErrorScope() { dbus_error_init(&m_error); }
    ~ErrorScope() { dbus_error_free(&m_error); }
    ErrorScope(const ErrorScope&) = delete;
    ErrorScope& operator=(const ErrorScope&) = delete;
    DBusError* get() { return &m_error; }
    void throwIfSet(const std::string& what)
    {
        if (dbus_error_is_set(&m_error))
            throw Error("dbus: " + what + ": " + m_error.name + ": " + (m_error.message ? m_error.message : ""));
    }

private:
    DBusError m_error {};
};

void appendBytes(DBusMessage* message, std::span<const std::byte> bytes)
{
    const auto* data = reinterpret_cast<const unsigned char*>(bytes.data());
    const int length = static_cast<int>(bytes.size());
    if (!dbus_message_append_args(message, DBUS_TYPE_ARRAY, DBUS_TYPE_BYTE, &data, length, DBUS_TYPE_INVALID))
        throw Error("dbus: out of memory appending a " + std::to_string(bytes.size()) + "-byte array");
}

// The message's byte array in place: valid while the message is.
std::span<const std::byte> bytesOf(DBusMessage* message)
{
    DBusMessageIter iter;
    if (!dbus_message_iter_init(message, &iter) || dbus_message_iter_get_arg_type(&iter) != DBUS_TYPE_ARRAY
        || dbus_message_iter_get_element_type(&iter) != DBUS_TYPE_BYTE)
        return {};
    DBusMessageIter items;
    dbus_message_iter_recurse(&iter, &items);
    const unsigned char* data = nullptr;
    int length = 0;
    dbus_message_iter_get_fixed_array(&items, &data, &length);
    return { reinterpret_cast<const std::byte*>(data), static_cast<std::size_t>(length) };
}

DBusMessage* newMessage(DBusMessage* message)
{
    if (message == nullptr)
        throw Error("dbus: out of memory creating a message");
    return message;
}

// Drops one reference to a message when the scope ends, however it ends.
struct MessageRef {
    explicit MessageRef(DBusMessage* held)
        : message(held)
    {
    }
    DBusMessage* message;
    ~MessageRef()
    {
        if (message != nullptr)
            dbus_message_unref(message);
    }
    MessageRef(const MessageRef&) = delete;
    MessageRef& operator=(const MessageRef&) = delete;
};

} // namespace

std::uint64_t DbusTransport::windowFor(std::size_t frameBytes)
{
    return std::clamp<std::uint64_t>(kWindowBytes / std::max<std::size_t>(frameBytes, 1), 2, 256);
}

DbusTransport::DbusTransport(const TransportConfig& config, RunResources& resources)
    : m_mode(config.mode)
    , m_peerName("org.ipcpg.Pair" + std::to_string(config.pair))
    , m_address(DbusBus("dbus-" + std::to_string(config.pair), resources).address())
    , m_sendBuffer(config.frameBytes)
    , m_window(windowFor(config.frameBytes))
{
}

DbusTransport::~DbusTransport()
{
    releaseReceive();
    if (m_call != nullptr)
        dbus_message_unref(m_call);
    if (m_connection != nullptr) {
        dbus_connection_flush(m_connection);
        dbus_connection_close(m_connection);
        dbus_connection_unref(m_connection);
    }
}

void DbusTransport::connect()
{
    // Never the machine's buses: libdbus would use these for dbus_bus_get, which is not called,
    // but nothing in a side should find them either.
    unsetenv("DBUS_SESSION_BUS_ADDRESS");
    unsetenv("DBUS_SYSTEM_BUS_ADDRESS");
    ErrorScope error;
    m_connection = dbus_connection_open_private(m_address.c_str(), error.get());
    error.throwIfSet("cannot connect to the run's bus at " + m_address);
    // A side that loses the bus must report it, not be exited by libdbus.
    dbus_connection_set_exit_on_disconnect(m_connection, FALSE);
    dbus_connection_set_max_message_size(m_connection, static_cast<long>(DbusBus::kMaxMessageBytes));
    dbus_connection_set_max_received_size(m_connection, static_cast<long>(1ULL << 30));
    if (!dbus_bus_register(m_connection, error.get()))
        error.throwIfSet("cannot register on the run's bus");
}

void DbusTransport::attach(Side side)
{
    m_side = side;
    connect();
    if (side == Side::B) {
        ErrorScope error;
        const int got
            = dbus_bus_request_name(m_connection, m_peerName.c_str(), DBUS_NAME_FLAG_DO_NOT_QUEUE, error.get());
        error.throwIfSet("cannot own the name " + m_peerName);
        if (got != DBUS_REQUEST_NAME_REPLY_PRIMARY_OWNER)
            throw Error("dbus: the name " + m_peerName + " already has an owner on the run's bus");
    } else {
        awaitPeerName();
    }
}

// A must not call or signal B's name before B owns it: the daemon would answer ServiceUnknown,
// or drop the signal. It waits for the NameOwnerChanged that says B took it.
void DbusTransport::awaitPeerName()
{
    ErrorScope error;
    const std::string rule = "type='signal',sender='org.freedesktop.DBus',interface='org.freedesktop.DBus',"
                             "member='NameOwnerChanged',arg0='"
        + m_peerName + "'";
    dbus_bus_add_match(m_connection, rule.c_str(), error.get());
    error.throwIfSet("cannot watch for the name " + m_peerName);
    bool owned = dbus_bus_name_has_owner(m_connection, m_peerName.c_str(), error.get()) != 0;
    error.throwIfSet("cannot ask whether " + m_peerName + " has an owner");
    // The signal may already be queued: libdbus reads it along with the answer to the question
    // above. So the queue is looked at before every wait for more bytes, or A would sleep on a
    // socket that has nothing more to say.
    for (;;) {
        while (DBusMessage* message = dbus_connection_pop_message(m_connection)) {
            const MessageRef ref { message };
            if (dbus_message_is_signal(message, kBusInterface, "NameOwnerChanged"))
                owned = true;
        }
        if (owned)
            break;
        if (!dbus_connection_read_write(m_connection, -1))
            throw Error("dbus: the run's bus closed while waiting for " + m_peerName);
    }
    dbus_bus_remove_match(m_connection, rule.c_str(), nullptr);
}

SendSlot DbusTransport::beginSend()
{
    const bool built = m_sendBufferBuilt;
    m_sendBufferBuilt = true;
    return { m_sendBuffer.span(), built };
}

void DbusTransport::send(DBusMessage* message)
{
    const MessageRef ref { message };
    dbus_uint32_t serial = 0;
    if (!dbus_connection_send(m_connection, message, &serial))
        throw Error("dbus: out of memory queueing a message");
    if (dbus_message_get_type(message) == DBUS_MESSAGE_TYPE_METHOD_CALL)
        m_callSerial = serial;
    // Written out now, so the peer's wait is the bus's cost and not this side's next call; a
    // full socket makes this wait, which is the stream's flow control towards the daemon.
    dbus_connection_flush(m_connection);
    if (!dbus_connection_get_is_connected(m_connection))
        throw Error("dbus: the run's bus closed the connection while sending");
}

void DbusTransport::awaitCredit()
{
    while (m_sent - m_acknowledged >= m_window) {
        DBusMessage* message = nextMessage(-1);
        if (message == nullptr)
            throw Error("dbus: the run's bus closed while waiting for " + m_peerName + " to acknowledge frames");
        const MessageRef ref { message };
        if (!dbus_message_is_signal(message, kInterface, "Ack"))
            continue;
        dbus_uint64_t count = 0;
        if (dbus_message_get_args(message, nullptr, DBUS_TYPE_UINT64, &count, DBUS_TYPE_INVALID))
            m_acknowledged = std::max<std::uint64_t>(m_acknowledged, count);
    }
}

void DbusTransport::commitSend()
{
    if (m_mode == Mode::PingPong && m_side == Side::B) {
        if (m_call == nullptr)
            throw Error("dbus: " + m_peerName + " has no call to answer");
        DBusMessage* reply = newMessage(dbus_message_new_method_return(m_call));
        dbus_message_unref(m_call);
        m_call = nullptr;
        appendBytes(reply, m_sendBuffer.span());
        send(reply);
        return;
    }
    if (m_mode == Mode::PingPong) {
        DBusMessage* call = newMessage(dbus_message_new_method_call(m_peerName.c_str(), kPath, kInterface, "Echo"));
        appendBytes(call, m_sendBuffer.span());
        send(call);
        return;
    }
    if (m_side == Side::B)
        throw Error("dbus: in a stream only A sends frames");
    awaitCredit();
    DBusMessage* signal = newMessage(dbus_message_new_signal(kPath, kInterface, "Frame"));
    dbus_message_set_destination(signal, m_peerName.c_str());
    appendBytes(signal, m_sendBuffer.span());
    send(signal);
    ++m_sent;
}

DBusMessage* DbusTransport::nextMessage(int timeoutMs)
{
    int fd = -1;
    dbus_connection_get_unix_fd(m_connection, &fd);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
    for (;;) {
        if (DBusMessage* message = dbus_connection_pop_message(m_connection)) {
            if (dbus_message_is_signal(message, DBUS_INTERFACE_LOCAL, "Disconnected")) {
                dbus_message_unref(message);
                m_closed = true;
                return nullptr;
            }
            return message;
        }
        int wait = -1;
        if (timeoutMs >= 0) {
            const auto left
                = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
            if (left.count() <= 0)
                return nullptr;
            wait = static_cast<int>(left.count());
        }
        // Quiet means no bytes for the whole interval, not "no complete message": a 16 MiB frame
        // takes longer than one interval to come through the daemon, and a receiver told
        // TimedOut after its sender finished would stop before the frame's last bytes.
        pollfd pfd { fd, POLLIN, 0 };
        const int ready = poll(&pfd, 1, wait);
        if (ready < 0 && errno != EINTR)
            throwSystemError("dbus: cannot wait on the connection to the run's bus", errno);
        if (ready > 0)
            deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
        if (!dbus_connection_read_write(m_connection, 0)) {
            m_closed = true;
            return nullptr;
        }
    }
}

Received DbusTransport::receive()
{
    releaseReceive();
    for (;;) {
        DBusMessage* message = nextMessage(m_side == Side::A ? kPollIntervalMs : -1);
        if (message == nullptr)
            return { m_closed ? Received::Status::Closed : Received::Status::TimedOut, {} };
        const int type = dbus_message_get_type(message);
        if (m_side == Side::A && type == DBUS_MESSAGE_TYPE_ERROR
            && dbus_message_get_reply_serial(message) == m_callSerial) {
            const MessageRef ref { message };
            const char* name = dbus_message_get_error_name(message);
            throw Error("dbus: " + m_peerName + ".Echo failed: " + (name != nullptr ? name : "unknown error"));
        }
        const bool wanted = m_side == Side::A
            ? type == DBUS_MESSAGE_TYPE_METHOD_RETURN && dbus_message_get_reply_serial(message) == m_callSerial
            : m_mode == Mode::PingPong ? dbus_message_is_method_call(message, kInterface, "Echo") != 0
                                       : dbus_message_is_signal(message, kInterface, "Frame") != 0;
        if (!wanted) {
            // The bus's own signals (NameAcquired) and, for A, nothing else it waits for.
            dbus_message_unref(message);
            continue;
        }
        m_received = message;
        if (m_mode == Mode::PingPong && m_side == Side::B)
            m_call = dbus_message_ref(message);
        if (m_mode == Mode::Stream && ++m_receivedCount % std::max<std::uint64_t>(m_window / 2, 1) == 0) {
            const char* sender = dbus_message_get_sender(message);
            DBusMessage* ack = newMessage(dbus_message_new_signal(kPath, kInterface, "Ack"));
            dbus_message_set_destination(ack, sender);
            const dbus_uint64_t count = m_receivedCount;
            dbus_message_append_args(ack, DBUS_TYPE_UINT64, &count, DBUS_TYPE_INVALID);
            send(ack);
        }
        return { Received::Status::Frame, bytesOf(message) };
    }
}

void DbusTransport::releaseReceive()
{
    if (m_received != nullptr) {
        dbus_message_unref(m_received);
        m_received = nullptr;
    }
}

} // namespace ipcpg
