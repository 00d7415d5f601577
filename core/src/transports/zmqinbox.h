#pragma once

#include <cstddef>
#include <deque>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "transports/zmqsocket.h"

namespace ipcpg {

// The name a member's messages carry on a hub's shared socket: the first part of each message a
// member sends into the hub's PULL, and the routing id of a member's REQ socket, which a ROUTER
// puts before every message it receives from it.
std::string zmqMemberTag(unsigned member);

// The receiving end of a hub's one socket, shared by the links of all its members: a fan-in's
// PULL or ROUTER, or the PULL a fan-out's publisher takes ping-pong replies on. libzmq queues
// fairly between the members' connections into that socket; the inbox hands each link only its
// own member's messages, by their tag, keeping those of other links until their turn, so every
// link is verified in its own order as if it had a socket of its own.
//
// A message of another shape (no tag, an unknown tag: not from one of the run's members) goes to
// link 0, whose verifier counts it as damage: nothing that arrives is dropped unseen.
class ZmqInbox {
public:
    enum class Envelope {
        Tagged, // [tag][frame]: from a PUSH socket
        Routed, // [routing id][empty delimiter][frame]: a ROUTER's view of a REQ's message
    };

    // `timeoutMs`: how long next() waits for a link's message (negative: as long as it takes); it
    // becomes the socket's receive timeout.
    ZmqInbox(ZmqSocket& socket, unsigned links, Envelope envelope, int timeoutMs);

    // The next message for `link` into `frame`: one kept for it, or read from the socket (keeping
    // the other links' messages) until one comes. False when nothing for it came in time.
    bool next(unsigned link, ZmqMessage& frame);
    // Whether a message for `link` is kept, reading what the socket has without waiting until one
    // for `link` comes. Messages of other links are read only while fewer than one per link are
    // kept: they are taken in their turn, and the socket's own high-water mark keeps holding the
    // senders back.
    bool peek(unsigned link);
    bool holds(unsigned link) const { return !m_kept[link].empty(); }

private:
    // Reads one whole message (every part) and keeps its frame for its link; the link, or nothing
    // when no message came (within the socket's receive timeout, or at once with ZMQ_DONTWAIT).
    std::optional<unsigned> readOne(int flags);
    unsigned linkOf(std::span<const std::byte> tag) const;

    ZmqSocket& m_socket;
    Envelope m_envelope;
    int m_timeoutMs;
    std::vector<std::string> m_tags; // by link
    std::vector<std::deque<ZmqMessage>> m_kept; // by link, oldest first
    std::size_t m_keptCount = 0;
};

} // namespace ipcpg
