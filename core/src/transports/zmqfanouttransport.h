#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ipcpg/mechanism.h"
#include "ipcpg/transport.h"
#include "sys/alignedbuffer.h"
#include "transports/zmqsocket.h"

namespace ipcpg {

class RunResources;

// A fan-out over ZeroMQ PUB/SUB: the publisher sends each message once, and libzmq queues it
// (one copy, counted by reference) for every subscriber. A subscriber whose queue is at its
// high-water mark misses the message: PUB/SUB drops rather than wait for the slowest, and the
// subscriber's verifier counts the gap as lost. In ping-pong every subscriber replies through a
// PUSH socket into one PULL of the publisher, which hands each link its own subscriber's replies
// (ZmqInbox).
//
// The publisher's socket is an XPUB (a PUB that passes its subscriptions up), so that it can wait
// in attach() until every subscriber has subscribed: libzmq sends nothing to a subscriber whose
// subscription has not yet reached the publisher ("slow joiner"), and without the wait the first
// messages of the run would be missing for a subscriber that connected late.
//
// The lead makes one transport per subscriber's link, all sharing the endpoints it made before the
// fork. The publisher holds the A end of each: the first sends for all of them
// (sendsForAllMembers), every one receives its subscriber's replies. Subscriber i holds the B end
// of link i.
class ZmqFanOutTransport final : public FrameTransport {
public:
    struct Hub;

    // The transports of all `subscribers` links. Throws Error when the kernel refuses (what was
    // made is still removed by `resources`).
    static std::vector<std::unique_ptr<Transport>> createAll(
        const TransportConfig& config, unsigned subscribers, RunResources& resources);

    ZmqFanOutTransport(std::shared_ptr<Hub> hub, unsigned member);
    ~ZmqFanOutTransport() override;
    ZmqFanOutTransport(const ZmqFanOutTransport&) = delete;
    ZmqFanOutTransport& operator=(const ZmqFanOutTransport&) = delete;

    void attach(Side side) override;
    bool holdsSentMessages() const override { return true; }
    bool sendsForAllMembers() const override { return m_side == Side::A && m_member == 0; }
    SendSlot beginSend() override;
    void commitSend() override;
    Received receive() override;
    void releaseReceive() override { m_received.clear(); }

private:
    void attachSubscriber();

    std::shared_ptr<Hub> m_hub;
    unsigned m_member;
    std::string m_tag; // what this subscriber's replies carry first (zmqMemberTag)
    Side m_side = Side::A;
    AlignedBuffer m_sendBuffer;
    bool m_sendBufferBuilt = false;
    // A subscriber's own sockets (the publisher's live in the Hub), in the order they end last.
    std::optional<ZmqContext> m_context;
    std::optional<ZmqSocket> m_subscription; // SUB
    std::optional<ZmqSocket> m_replies; // PUSH, ping-pong only
    ZmqMessage m_received;
};

} // namespace ipcpg
