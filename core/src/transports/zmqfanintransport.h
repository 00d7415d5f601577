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

// A fan-in over ZeroMQ: every publisher's PUSH socket into the receiver's one PULL in stream, every
// publisher's REQ into one ROUTER (the REP that can hold several requests at once) in ping-pong.
// libzmq queues fairly between the publishers' connections; each message names its publisher (a
// tag part from PUSH, the REQ's routing id at the ROUTER) and the receiver's ZmqInbox hands each
// link only its own publisher's messages, so each publisher's order is verified on its own.
//
// The receiver serves its links as ChannelPoller asks: all of them share the socket's ZMQ_FD,
// which is edge-triggered and shared, so it only wakes the receiver (readyFdOnlyWakes) and each
// link answers peekReceive() from ZMQ_EVENTS and the inbox. That keeps the receiver asleep in
// poll() while nothing comes, where looking at each link in turn without a descriptor would keep
// it spinning.
//
// The lead makes one transport per publisher's link, all sharing the endpoint it made before the
// fork. The receiver holds the B end of each; publisher i holds the A end of link i.
class ZmqFanInTransport final : public FrameTransport {
public:
    struct Hub;

    // The transports of all `publishers` links. Throws Error when the kernel refuses (what was
    // made is still removed by `resources`).
    static std::vector<std::unique_ptr<Transport>> createAll(
        const TransportConfig& config, unsigned publishers, RunResources& resources);

    ZmqFanInTransport(std::shared_ptr<Hub> hub, unsigned member);
    ~ZmqFanInTransport() override;
    ZmqFanInTransport(const ZmqFanInTransport&) = delete;
    ZmqFanInTransport& operator=(const ZmqFanInTransport&) = delete;

    void attach(Side side) override;
    bool holdsSentMessages() const override { return true; }
    SendSlot beginSend() override;
    void commitSend() override;
    Received receive() override;
    void releaseReceive() override { m_received.clear(); }
    int receiveReadyFd() const override { return m_readyFd; }
    bool readyFdOnlyWakes() const override { return m_side == Side::B; }
    bool holdsReceivedFrame() const override;
    bool canPeek() const override { return m_side == Side::B; }
    bool peekReceive() override;

private:
    void attachPublisher();

    std::shared_ptr<Hub> m_hub;
    unsigned m_member;
    std::string m_tag; // this publisher's name on the receiver's socket (zmqMemberTag)
    Side m_side = Side::A;
    int m_readyFd = -1;
    AlignedBuffer m_sendBuffer;
    bool m_sendBufferBuilt = false;
    // A publisher's own socket (the receiver's lives in the Hub), in the order they end last.
    std::optional<ZmqContext> m_context;
    std::optional<ZmqSocket> m_socket; // PUSH, or REQ in ping-pong
    ZmqMessage m_received;
};

} // namespace ipcpg
