#pragma once

#include <cstdint>
#include <string>

#include "ipcpg/mechanism.h"
#include "ipcpg/transport.h"
#include "sys/alignedbuffer.h"

struct DBusConnection;
struct DBusMessage;

namespace ipcpg {

class RunResources;

// One pair over D-Bus (libdbus-1), on a private bus daemon of its own (DbusBus).
//
// Ping-pong is a method call: B owns the well-known name org.ipcpg.Pair<N> and answers
// Echo(ay) -> ay; A calls it with the frame as the byte array. Stream is signals: A emits
// Frame(ay) addressed to B's well-known name (a unicast signal, routed to B alone). The daemon
// queues for each connection and disconnects one whose queue passes its limit, so a fast sender
// would be cut off rather than slowed down: A keeps at most a window of frames unacknowledged,
// and B answers every half window with an Ack(t) signal carrying how many frames it received.
// Nothing is dropped; a frame that went missing all the same shows as a gap to the verifier.
//
// The lead creates the bus before the fork (its daemon is then the run's, see DbusBus); each side
// opens a private connection to it in attach() (never the machine's session or system bus). A
// received frame is read in place from the message, which is kept until releaseReceive(). A
// side's destructor only closes its connection.
class DbusTransport final : public FrameTransport {
public:
    // Throws Error naming dbus when the bus cannot be started.
    DbusTransport(const TransportConfig& config, RunResources& resources);
    ~DbusTransport() override;
    DbusTransport(const DbusTransport&) = delete;
    DbusTransport& operator=(const DbusTransport&) = delete;

    void attach(Side side) override;
    bool holdsSentMessages() const override { return true; }
    SendSlot beginSend() override;
    void commitSend() override;
    Received receive() override;
    void releaseReceive() override;

    // The frames A may send in a stream before B acknowledges them, for frames of `frameBytes`.
    static std::uint64_t windowFor(std::size_t frameBytes);

private:
    void connect();
    void awaitPeerName();
    void send(DBusMessage* message);
    // The next message addressed to this side's work, or nullptr after `timeoutMs` (or when the
    // connection closed: m_closed).
    DBusMessage* nextMessage(int timeoutMs);
    void awaitCredit();

    Mode m_mode;
    std::string m_peerName; // org.ipcpg.Pair<N>: B's well-known name
    std::string m_address;
    Side m_side = Side::A;
    DBusConnection* m_connection = nullptr;
    AlignedBuffer m_sendBuffer;
    bool m_sendBufferBuilt = false;
    DBusMessage* m_received = nullptr; // holds the frame handed out by receive()
    DBusMessage* m_call = nullptr; // B in ping-pong: the call the next send answers
    std::uint32_t m_callSerial = 0; // A in ping-pong: the call whose reply comes next
    bool m_closed = false;
    std::uint64_t m_window;
    std::uint64_t m_sent = 0; // A in stream
    std::uint64_t m_acknowledged = 0; // A in stream: as B last reported
    std::uint64_t m_receivedCount = 0; // B in stream
};

} // namespace ipcpg
