#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace ipcpg {

// The two ends of a pair. In pingpong A is the initiator (sends a request, waits for the reply)
// and B the responder; in stream A is the sender and B the receiver.
enum class Side { A, B };

// Memory handed to the sender for the next frame.
struct SendSlot {
    std::span<std::byte> frame; // exactly TransportConfig::frameBytes long
    // True when the memory still holds the frame this side last built in it, so only the parts
    // that change need rewriting (a private send buffer, or a ring slot only this sender writes).
    bool holdsPreviousFrame = false;
};

struct Received {
    enum class Status {
        Frame, // `frame` holds one message (possibly damaged: the verifier decides)
        Closed, // the peer closed its end: no more messages will come
        TimedOut, // nothing arrived within the transport's poll interval; ask again
    };
    Status status = Status::Frame;
    std::span<const std::byte> frame;
    // Set by a transport that copied the payload out with PayloadPattern::copyAndChecksum: the
    // verifier then need not read it again.
    std::optional<std::uint64_t> payloadChecksum = std::nullopt;
};

class FrameTransport;
class NotificationTransport;

// One mechanism instance connecting the two sides of one pair.
//
// Lifecycle and ownership:
// - The lead worker creates it (Mechanism::createTransport) before forking; the kernel objects
//   it opens are registered with RunResources, which removes them at the end of the run. A
//   transport's destructor only releases this process's handles (close, munmap): it never
//   unlinks, so a side can drop the transports of other pairs safely after fork.
// - Each side then calls attach() once in its own process and uses only its half.
// - When a peer dies, the surviving side's calls end with Closed, fail with an Error, or block;
//   the lead worker notices the death and ends the run, so blocking here is allowed.
//
// Two families derive from it, and each transport is exactly one of them: a FrameTransport
// (pipes, sockets, queues, shared memory, rpc) moves whole frames; a NotificationTransport (a
// semaphore or eventfd with no payload, signals) moves no bytes. The side loops ask which.
class Transport {
public:
    virtual ~Transport() = default;

    // Called once in the side's own process after fork: keep this side's half, drop the rest.
    virtual void attach(Side side) = 0;

    // This transport as its family: exactly one of the two is non-null.
    virtual FrameTransport* frames() { return nullptr; }
    virtual NotificationTransport* notifications() { return nullptr; }

    // What this end sent may still be on its way inside the mechanism after the send returned,
    // and closing this end would drop it: ZeroMQ queues messages for an I/O thread, which
    // discards what it has not yet written to the kernel when its socket closes. The side that
    // sends then keeps its transports open until the processes at the other ends finished.
    virtual bool holdsSentMessages() const { return false; }
};

class FrameTransport : public Transport {
public:
    FrameTransport* frames() final { return this; }

    // beginSend returns memory for the next frame; commitSend hands the frame to the mechanism
    // and blocks until it is accepted (flow control lives here).
    virtual SendSlot beginSend() = 0;
    virtual void commitSend() = 0;
    // Blocks for the next frame. The span is valid until releaseReceive().
    virtual Received receive() = 0;
    virtual void releaseReceive() { }

    // For a receiver that serves several transports at once (the receiver of a fan-in): the
    // descriptor that polls readable (or hung up) when receive() has something for this side, or
    // -1 when the transport has none and cannot be served alongside others. Valid after attach().
    virtual int receiveReadyFd() const { return -1; }
    // The descriptor only wakes the receiver: it polls readable when something changed, which
    // need not be a message for this transport, and stays quiet while messages already wait
    // (ZeroMQ's ZMQ_FD is edge-triggered, and one socket's descriptor serves several links).
    // The receiver then asks peekReceive() before it sleeps and after every wake-up.
    virtual bool readyFdOnlyWakes() const { return false; }
    // receive() would return a frame already read from the kernel, whatever the descriptor says.
    virtual bool holdsReceivedFrame() const { return false; }
    // For a transport with no descriptor to poll: looks for a frame without waiting and keeps it
    // for the next receive() (holdsReceivedFrame() is then true); false when there is none yet.
    // canPeek() says whether the transport can do that at all.
    virtual bool canPeek() const { return false; }
    virtual bool peekReceive() { return false; }
    // A fan-out publisher's end whose sends reach every subscriber at once (one ring written once
    // for all): the publisher sends each message on this link only.
    virtual bool sendsForAllMembers() const { return false; }
};

class NotificationTransport : public Transport {
public:
    NotificationTransport* notifications() final { return this; }

    struct Notification {
        Received::Status status = Received::Status::Frame;
        std::optional<std::uint64_t> token;
        std::uint64_t count = 1; // notifications this wake-up stands for (eventfd coalesces)
    };
    // `token` is what the primitive carries (a signal's 32-bit value, an eventfd's counter); a
    // primitive that carries nothing ignores it and returns nullopt.
    virtual void notify(std::uint64_t token) = 0;
    virtual Notification awaitNotification() = 0;
};

} // namespace ipcpg
