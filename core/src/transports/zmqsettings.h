#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ipcpg/mechanism.h"

namespace ipcpg {

class ZmqSocket;

// What the zeromq mechanism's options (transport, hwm) make of its sockets, shared by every
// zeromq transport.
struct ZmqSettings {
    enum class Transport {
        Ipc, // a Unix stream socket file in the run's private 0700 directory
        Tcp, // TCP on 127.0.0.1
    };

    // libzmq's own default high-water mark, ZMQ_SNDHWM and ZMQ_RCVHWM alike.
    static constexpr int kLibzmqHwm = 1000;
    // A high-water mark counts messages, not bytes: hwm=auto keeps libzmq's 1000 unless that
    // would let one queue hold more than this (above 64 KiB a message).
    static constexpr std::uint64_t kAutoQueueBytes = 64ULL << 20;
    // What an explicit hwm may let one queue hold: every socket has a queue each way, so this is
    // memory a run can really take.
    static constexpr std::uint64_t kMaxQueueBytes = 1ULL << 30;
    // How long a closing socket keeps delivering what it still holds (ZMQ_LINGER), when its
    // last messages are waited for. The lead gives a receiver 1 s after its sender ended to
    // finish: a sender that waited longer could not be waited for.
    static constexpr int kLingerMs = 1000;
    // How long a receiver of a lossy pattern (PUB/SUB) waits before it asks whether the run is
    // over, as udp's does: what never comes is then counted as lost.
    static constexpr int kLossyPollMs = 100;

    // The values of option hwm, in the order `ipcpg list` shows them.
    static const std::vector<std::string>& hwmValues();
    // Why hwm=`value` cannot carry frames of `frameBytes`, naming what can; nothing when it can.
    static std::optional<std::string> hwmRefusal(std::string_view value, std::size_t frameBytes);

    // From resolved options; throws Error for a value the mechanism does not declare.
    static ZmqSettings from(const TransportConfig& config);

    Transport transport = Transport::Ipc;
    int hwm = kLibzmqHwm; // messages each queue of each socket holds
    std::size_t frameBytes = 0;

    // What becomes of the messages on their way when a connection ends (ZMQ_LINGER).
    enum class Linger {
        // A sender's own last messages (the end frame among them) are waited for: it delivers
        // them as it closes, for at most kLingerMs.
        Deliver,
        // A bound receiver: when a peer disconnects, libzmq keeps the messages it had sent and
        // this socket has not yet read for only as long as this socket's linger, so a sender that
        // ended right after its last messages would take them along. It keeps them until read.
        KeepPeersMessages,
        // Nothing it could still hold is waited for (a subscriber's subscriptions, a reply whose
        // initiator gave up on it): a side that ended does not linger for a peer that ended too,
        // which libzmq would go on reconnecting to.
        Drop,
    };

    // High-water marks both ways, the linger, and the largest message part the socket accepts (a
    // frame and room for the protocol's own: a peer that sends more is disconnected rather than
    // buffered).
    void applyTo(ZmqSocket& socket, Linger linger) const;
};

} // namespace ipcpg
