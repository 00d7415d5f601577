#include "ipcpg/frame.h"
#include "mechanisms/mechanismlist.h"
#include "transports/zmqfanintransport.h"
#include "transports/zmqfanouttransport.h"
#include "transports/zmqpairtransport.h"
#include "transports/zmqsettings.h"

namespace ipcpg {

namespace {

// libzmq's output batch (ZMQ_OUT_BATCH_SIZE): its I/O thread copies smaller messages into it to
// write several with one call; larger ones go to the kernel from the message itself.
constexpr std::size_t kOutputBatchBytes = 8192;

// ZeroMQ (libzmq) between the sides: messaging patterns on top of a socket, the one a mode and
// topology fits. libzmq frames each message, queues it in its own memory up to a high-water mark,
// and moves it to and from the kernel in an I/O thread of its own in each process. Over
// transport=ipc the socket is a Unix stream socket file in the run's private directory, over tcp
// a TCP connection on 127.0.0.1 (ZmqEndpoint).
class ZeromqMechanism final : public Mechanism {
public:
    const MechanismInfo& info() const override
    {
        static const MechanismInfo info {
            "zeromq",
            "ZeroMQ (libzmq)",
            "libzmq sockets over ipc or tcp: REQ/REP, PUSH/PULL, PUB/SUB; framing and queues in an I/O thread",
            { Mode::PingPong, Mode::Stream },
            {
                { "transport", { "ipc", "tcp" }, "ipc",
                    "ipc: a Unix socket file in the run's private directory; tcp: TCP on 127.0.0.1" },
                { "hwm", ZmqSettings::hwmValues(), "auto",
                    "high-water mark: messages each queue holds before a sender blocks (PUB drops); auto: libzmq's "
                    "1000, fewer above 64 KiB" },
            },
            { true,
                "PUB/SUB: the publisher sends each message once and libzmq queues it for every subscriber; a "
                "subscriber whose queue is full misses messages, counted as lost; ping-pong replies come back "
                "PUSH into one PULL" },
            { true,
                "every publisher's PUSH into one PULL (REQ into one ROUTER in ping-pong), queued fairly by libzmq; "
                "each message names its publisher, whose order is checked on its own" },
            { { { { "transport", "ipc" } }, "unix-stream" }, { { { "transport", "tcp" } }, "tcp" } },
        };
        return info;
    }

    SizeLimit sizeLimit(const MechanismOptions&) const override
    {
        return { 1, RunSpec::kMaxMessageSize,
            "ZeroMQ frames messages of any length itself: one message is one frame, however large" };
    }

    // PUB/SUB drops for a subscriber whose queue is full: what it missed is lost by design. Every
    // other pattern blocks the sender instead, so any gap there is damage.
    ErrorAccounting accounting(const RunSpec& spec) const override
    {
        return spec.topology == Topology::FanOut ? ErrorAccounting::LossAllowed : ErrorAccounting::Integrity;
    }

    // zmq_send copies the payload into a message of libzmq's (in a fan-out once, for every
    // subscriber); the kernel copies it in and out; below the output batch the I/O thread copies
    // it once more, into the batch.
    std::optional<double> payloadCopies(const RunSpec& spec) const override
    {
        const double intoMessage = spec.topology == Topology::FanOut ? 1.0 / spec.members() : 1.0;
        const double intoBatch = frameBytesFor(spec.messageSize) < kOutputBatchBytes ? 1.0 : 0.0;
        return intoMessage + 2.0 + intoBatch;
    }

    std::optional<std::string> checkSpec(const RunSpec& spec) const override
    {
        return ZmqSettings::hwmRefusal(spec.option("hwm").value_or("auto"), frameBytesFor(spec.messageSize));
    }

    std::unique_ptr<Transport> createTransport(const TransportConfig& config, RunResources& resources) const override
    {
        return std::make_unique<ZmqPairTransport>(config, resources);
    }

    std::vector<std::unique_ptr<Transport>> createFanOutTransports(
        TransportConfig config, unsigned subscribers, RunResources& resources) const override
    {
        return ZmqFanOutTransport::createAll(config, subscribers, resources);
    }

    std::vector<std::unique_ptr<Transport>> createFanInTransports(
        TransportConfig config, unsigned publishers, RunResources& resources) const override
    {
        return ZmqFanInTransport::createAll(config, publishers, resources);
    }
};

} // namespace

const Mechanism& zeromqMechanism()
{
    static const ZeromqMechanism mechanism;
    return mechanism;
}

} // namespace ipcpg
