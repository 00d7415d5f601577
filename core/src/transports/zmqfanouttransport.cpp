#include "transports/zmqfanouttransport.h"

#include <string>

#include "ipcpg/error.h"
#include "sys/clock.h"
#include "transports/zmqendpoint.h"
#include "transports/zmqinbox.h"
#include "transports/zmqsettings.h"

namespace ipcpg {

namespace {

// How long the publisher waits for every subscription: within the lead's 10 s for the sides to
// get ready, so that this failure, which names what was missing, is the one reported.
constexpr std::uint64_t kSubscriptionWaitNs = 9'000'000'000ULL;
constexpr int kSubscriptionPollMs = 100;

} // namespace

// What the links of one fan-out share: the endpoints, made by the lead, and in the publisher's
// process the sockets every link's A end uses. Members are declared in the order they are made,
// so they end in the reverse one (the inbox's messages, the sockets, their context).
struct ZmqFanOutTransport::Hub {
    Hub(const TransportConfig& config, unsigned members, RunResources& resources)
        : settings(ZmqSettings::from(config))
        , pingPong(config.mode == Mode::PingPong)
        , subscribers(members)
        , publications(settings.transport, "zeromq-fanout", resources)
    {
        if (pingPong)
            replies.emplace(settings.transport, "zeromq-fanout-replies", resources);
    }

    // Once in the publisher's process: bind both sockets, then wait for every subscription.
    void openPublisher()
    {
        if (context)
            return;
        context.emplace();
        publisher.emplace(*context, ZMQ_XPUB, "the XPUB socket of the publisher");
        settings.applyTo(*publisher, ZmqSettings::Linger::Deliver);
        // Every subscription is passed up, the same one from several subscribers included: they
        // are what the publisher counts.
        publisher->setOption(ZMQ_XPUB_VERBOSE, 1, "ZMQ_XPUB_VERBOSE");
        publisher->setOption(ZMQ_RCVTIMEO, kSubscriptionPollMs, "ZMQ_RCVTIMEO");
        publisher->bind(publications.takeListener(), publications.address());
        if (pingPong) {
            replySocket.emplace(*context, ZMQ_PULL, "the PULL socket the publisher takes replies on");
            settings.applyTo(*replySocket, ZmqSettings::Linger::KeepPeersMessages);
            replySocket->bind(replies->takeListener(), replies->address());
            inbox.emplace(*replySocket, subscribers, ZmqInbox::Envelope::Tagged, ZmqSettings::kLossyPollMs);
        }
        awaitSubscriptions();
    }

    void awaitSubscriptions()
    {
        const std::uint64_t deadline = monotonicNs() + kSubscriptionWaitNs;
        unsigned subscribed = 0;
        ZmqMessage message;
        while (subscribed < subscribers) {
            if (publisher->receive(message, 0)) {
                // A subscription is the byte 1 followed by its topic (here empty: everything).
                const auto bytes = message.bytes();
                if (!bytes.empty() && bytes.front() == std::byte { 1 })
                    ++subscribed;
                continue;
            }
            if (monotonicNs() > deadline)
                throw Error("zeromq: " + std::to_string(subscribed) + " of " + std::to_string(subscribers)
                    + " subscribers had subscribed to the publisher after 9 s, and PUB/SUB sends nothing to a "
                      "subscriber it has not heard from");
        }
    }

    ZmqSettings settings;
    bool pingPong;
    unsigned subscribers;
    ZmqEndpoint publications;
    std::optional<ZmqEndpoint> replies;
    std::optional<ZmqContext> context;
    std::optional<ZmqSocket> publisher;
    std::optional<ZmqSocket> replySocket;
    std::optional<ZmqInbox> inbox;
};

std::vector<std::unique_ptr<Transport>> ZmqFanOutTransport::createAll(
    const TransportConfig& config, unsigned subscribers, RunResources& resources)
{
    const auto hub = std::make_shared<Hub>(config, subscribers, resources);
    std::vector<std::unique_ptr<Transport>> transports;
    for (unsigned member = 0; member < subscribers; ++member)
        transports.push_back(std::make_unique<ZmqFanOutTransport>(hub, member));
    return transports;
}

ZmqFanOutTransport::ZmqFanOutTransport(std::shared_ptr<Hub> hub, unsigned member)
    : m_hub(std::move(hub))
    , m_member(member)
    , m_tag(zmqMemberTag(member))
    , m_sendBuffer(m_hub->settings.frameBytes)
{
}

ZmqFanOutTransport::~ZmqFanOutTransport() = default;

void ZmqFanOutTransport::attach(Side side)
{
    m_side = side;
    if (side == Side::A)
        m_hub->openPublisher();
    else
        attachSubscriber();
}

void ZmqFanOutTransport::attachSubscriber()
{
    Hub& hub = *m_hub;
    const std::string who = "subscriber " + std::to_string(m_member);
    m_context.emplace();
    m_subscription.emplace(*m_context, ZMQ_SUB, "the SUB socket of " + who);
    hub.settings.applyTo(*m_subscription, ZmqSettings::Linger::Drop);
    m_subscription->setOption(ZMQ_RCVTIMEO, ZmqSettings::kLossyPollMs, "ZMQ_RCVTIMEO");
    m_subscription->setOption(ZMQ_SUBSCRIBE, "", "ZMQ_SUBSCRIBE"); // every message
    hub.publications.closeListener();
    m_subscription->connect(hub.publications.address());
    if (hub.pingPong) {
        m_replies.emplace(*m_context, ZMQ_PUSH, "the PUSH socket " + who + " replies on");
        hub.settings.applyTo(*m_replies, ZmqSettings::Linger::Drop);
        hub.replies->closeListener();
        m_replies->connect(hub.replies->address());
    }
}

SendSlot ZmqFanOutTransport::beginSend()
{
    if (m_side == Side::A && m_member != 0)
        throw Error("zeromq fan-out: only the first link's end sends, for every subscriber at once");
    if (m_side == Side::B && !m_replies)
        throw Error("zeromq fan-out: a subscriber sends only replies, in ping-pong");
    const bool built = m_sendBufferBuilt;
    m_sendBufferBuilt = true;
    return { m_sendBuffer.span(), built };
}

void ZmqFanOutTransport::commitSend()
{
    if (m_side == Side::A) {
        m_hub->publisher->send(m_sendBuffer.span(), 0);
        return;
    }
    m_replies->send(std::as_bytes(std::span(m_tag)), ZMQ_SNDMORE);
    m_replies->send(m_sendBuffer.span(), 0);
}

Received ZmqFanOutTransport::receive()
{
    if (m_side == Side::A) {
        if (!m_hub->inbox)
            throw Error("zeromq fan-out: the publisher receives only replies, in ping-pong");
        if (!m_hub->inbox->next(m_member, m_received))
            return { Received::Status::TimedOut, {} };
    } else if (!m_subscription->receive(m_received, 0)) {
        return { Received::Status::TimedOut, {} };
    }
    return { Received::Status::Frame, m_received.bytes() };
}

} // namespace ipcpg
