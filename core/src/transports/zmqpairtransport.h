#pragma once

#include <optional>

#include "ipcpg/mechanism.h"
#include "ipcpg/transport.h"
#include "sys/alignedbuffer.h"
#include "transports/zmqendpoint.h"
#include "transports/zmqsettings.h"
#include "transports/zmqsocket.h"

namespace ipcpg {

class RunResources;

// One pair over ZeroMQ: REQ/REP in ping-pong, where the strict send-then-receive alternation
// libzmq enforces on both sockets is the ping-pong itself; PUSH/PULL in stream, where a full queue
// (the high-water mark) blocks the sender and nothing is dropped. B binds, as a server does, to
// an endpoint the lead made (ZmqEndpoint); A connects. One frame is one single-part message.
//
// The lead creates only the endpoint; each side makes its context and socket in attach(), after
// the fork. The destructor closes the socket, which delivers what it still holds (for at most
// ZmqSettings::kLingerMs), then ends the context. libzmq tells no side that its peer died: a side
// blocks until the lead, which sees the death, ends the run.
class ZmqPairTransport final : public FrameTransport {
public:
    // Throws Error when the endpoint cannot be made.
    ZmqPairTransport(const TransportConfig& config, RunResources& resources);

    void attach(Side side) override;
    bool holdsSentMessages() const override { return true; }
    SendSlot beginSend() override;
    void commitSend() override;
    Received receive() override;
    void releaseReceive() override { m_received.clear(); }

private:
    ZmqSettings m_settings;
    Mode m_mode;
    int m_pair;
    ZmqEndpoint m_endpoint;
    AlignedBuffer m_sendBuffer;
    bool m_sendBufferBuilt = false;
    // Declared in the order they are made, so they end in the reverse one: the received message,
    // then the socket, then its context.
    std::optional<ZmqContext> m_context;
    std::optional<ZmqSocket> m_socket;
    ZmqMessage m_received;
};

} // namespace ipcpg
