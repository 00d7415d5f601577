#include "transports/zmqpairtransport.h"

#include <string>

#include "ipcpg/error.h"

namespace ipcpg {

ZmqPairTransport::ZmqPairTransport(const TransportConfig& config, RunResources& resources)
    : m_settings(ZmqSettings::from(config))
    , m_mode(config.mode)
    , m_pair(config.pair)
    , m_endpoint(m_settings.transport, "zeromq-" + std::to_string(config.pair), resources)
    , m_sendBuffer(config.frameBytes)
{
}

void ZmqPairTransport::attach(Side side)
{
    const bool pingPong = m_mode == Mode::PingPong;
    const bool binds = side == Side::B;
    const int type = pingPong ? (binds ? ZMQ_REP : ZMQ_REQ) : (binds ? ZMQ_PULL : ZMQ_PUSH);
    const char* typeName = pingPong ? (binds ? "REP" : "REQ") : (binds ? "PULL" : "PUSH");
    m_context.emplace();
    const char* role = pingPong ? (binds ? "responder" : "initiator") : (binds ? "receiver" : "sender");
    m_socket.emplace(*m_context, type,
        std::string("the ") + typeName + " socket of the " + role + " of pair " + std::to_string(m_pair));
    // The initiator's or sender's last messages (the end frame) must arrive, also when it has
    // ended before they were read.
    m_settings.applyTo(*m_socket, binds ? ZmqSettings::Linger::KeepPeersMessages : ZmqSettings::Linger::Deliver);
    if (pingPong && binds) {
        // REP replies through a ROUTER, which drops a message rather than block when its queue
        // looks full, and libzmq learns that its I/O thread took the previous reply only from a
        // command it may not have read yet: with a small SNDHWM a reply now and then vanishes and
        // both sides wait for ever (libzmq issue 4750, seen here at hwm=1, 2, 3 and 4 with libzmq
        // 4.3.4). One message is in flight in a round trip, so REP's own limit is never needed:
        // it has none, and hwm still bounds the initiator's queue and both receive queues.
        m_socket->setOption(ZMQ_SNDHWM, 0, "ZMQ_SNDHWM");
    }
    if (binds) {
        m_socket->bind(m_endpoint.takeListener(), m_endpoint.address());
    } else {
        m_endpoint.closeListener();
        m_socket->connect(m_endpoint.address());
    }
}

SendSlot ZmqPairTransport::beginSend()
{
    const bool built = m_sendBufferBuilt;
    m_sendBufferBuilt = true;
    return { m_sendBuffer.span(), built };
}

void ZmqPairTransport::commitSend() { m_socket->send(m_sendBuffer.span(), 0); }

Received ZmqPairTransport::receive()
{
    // No receive timeout: REQ/REP and PUSH/PULL never drop, so waiting is all there is to do,
    // and the end frame always comes.
    if (!m_socket->receive(m_received, 0))
        return { Received::Status::TimedOut, {} };
    return { Received::Status::Frame, m_received.bytes() };
}

} // namespace ipcpg
