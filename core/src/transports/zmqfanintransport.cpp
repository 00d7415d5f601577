#include "transports/zmqfanintransport.h"

#include "ipcpg/error.h"
#include "transports/zmqendpoint.h"
#include "transports/zmqinbox.h"
#include "transports/zmqsettings.h"

namespace ipcpg {

// What the links of one fan-in share: the endpoint, made by the lead, and in the receiver's
// process the socket every link's B end uses. Members are declared in the order they are made,
// so they end in the reverse one (the inbox's messages, the socket, its context).
struct ZmqFanInTransport::Hub {
    Hub(const TransportConfig& config, unsigned members, RunResources& resources)
        : settings(ZmqSettings::from(config))
        , pingPong(config.mode == Mode::PingPong)
        , publishers(members)
        , endpoint(settings.transport, "zeromq-fanin", resources)
    {
    }

    // Once in the receiver's process.
    void openReceiver()
    {
        if (context)
            return;
        context.emplace();
        socket.emplace(*context, pingPong ? ZMQ_ROUTER : ZMQ_PULL,
            pingPong ? "the ROUTER socket of the receiver" : "the PULL socket of the receiver");
        settings.applyTo(*socket, ZmqSettings::Linger::KeepPeersMessages);
        if (pingPong) {
            // A reply that cannot be routed (its publisher is gone) is an error, not a message
            // quietly dropped.
            socket->setOption(ZMQ_ROUTER_MANDATORY, 1, "ZMQ_ROUTER_MANDATORY");
        }
        socket->bind(endpoint.takeListener(), endpoint.address());
        // Reliable patterns: a link's next message is waited for as long as it takes.
        inbox.emplace(*socket, publishers, pingPong ? ZmqInbox::Envelope::Routed : ZmqInbox::Envelope::Tagged, -1);
    }

    ZmqSettings settings;
    bool pingPong;
    unsigned publishers;
    ZmqEndpoint endpoint;
    std::optional<ZmqContext> context;
    std::optional<ZmqSocket> socket;
    std::optional<ZmqInbox> inbox;
};

std::vector<std::unique_ptr<Transport>> ZmqFanInTransport::createAll(
    const TransportConfig& config, unsigned publishers, RunResources& resources)
{
    const auto hub = std::make_shared<Hub>(config, publishers, resources);
    std::vector<std::unique_ptr<Transport>> transports;
    for (unsigned member = 0; member < publishers; ++member)
        transports.push_back(std::make_unique<ZmqFanInTransport>(hub, member));
    return transports;
}

ZmqFanInTransport::ZmqFanInTransport(std::shared_ptr<Hub> hub, unsigned member)
    : m_hub(std::move(hub))
    , m_member(member)
    , m_tag(zmqMemberTag(member))
    , m_sendBuffer(m_hub->settings.frameBytes)
{
}

ZmqFanInTransport::~ZmqFanInTransport() = default;

void ZmqFanInTransport::attach(Side side)
{
    m_side = side;
    if (side == Side::A) {
        attachPublisher();
        return;
    }
    m_hub->openReceiver();
    m_readyFd = m_hub->socket->descriptor();
}

void ZmqFanInTransport::attachPublisher()
{
    Hub& hub = *m_hub;
    const std::string who = "publisher " + std::to_string(m_member);
    m_context.emplace();
    m_socket.emplace(*m_context, hub.pingPong ? ZMQ_REQ : ZMQ_PUSH,
        std::string("the ") + (hub.pingPong ? "REQ" : "PUSH") + " socket of " + who);
    hub.settings.applyTo(*m_socket, ZmqSettings::Linger::Deliver);
    if (hub.pingPong) {
        // The ROUTER puts this name before each request, and routes the reply by it.
        m_socket->setOption(ZMQ_ROUTING_ID, m_tag, "ZMQ_ROUTING_ID");
    }
    hub.endpoint.closeListener();
    m_socket->connect(hub.endpoint.address());
}

SendSlot ZmqFanInTransport::beginSend()
{
    if (m_side == Side::B && !m_hub->pingPong)
        throw Error("zeromq fan-in: the receiver sends only replies, in ping-pong");
    const bool built = m_sendBufferBuilt;
    m_sendBufferBuilt = true;
    return { m_sendBuffer.span(), built };
}

void ZmqFanInTransport::commitSend()
{
    const auto tag = std::as_bytes(std::span(m_tag));
    if (m_side == Side::B) {
        // [routing id][empty delimiter][reply]: the envelope a REQ expects its reply in.
        ZmqSocket& router = *m_hub->socket;
        router.send(tag, ZMQ_SNDMORE);
        router.send({}, ZMQ_SNDMORE);
        router.send(m_sendBuffer.span(), 0);
        return;
    }
    if (!m_hub->pingPong)
        m_socket->send(tag, ZMQ_SNDMORE); // a REQ is named by its routing id instead
    m_socket->send(m_sendBuffer.span(), 0);
}

Received ZmqFanInTransport::receive()
{
    const bool got = m_side == Side::B ? m_hub->inbox->next(m_member, m_received) : m_socket->receive(m_received, 0);
    if (!got)
        return { Received::Status::TimedOut, {} };
    return { Received::Status::Frame, m_received.bytes() };
}

bool ZmqFanInTransport::holdsReceivedFrame() const { return m_side == Side::B && m_hub->inbox->holds(m_member); }

bool ZmqFanInTransport::peekReceive() { return m_side == Side::B && m_hub->inbox->peek(m_member); }

} // namespace ipcpg
