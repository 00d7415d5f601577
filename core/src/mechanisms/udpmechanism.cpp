#include <climits>
#include <sys/socket.h>

#include "ipcpg/frame.h"
#include "mechanisms/mechanismlist.h"
#include "sys/socketutil.h"
#include "transports/datagramtransport.h"

namespace ipcpg {

namespace {

// The largest UDP payload over IPv4: a 65535-byte IP datagram minus its 20-byte IP header and the
// 8-byte UDP header.
constexpr std::uint64_t kMaxUdpPayload = 65507;

// UDP through the loopback interface. It promises nothing: a datagram that finds the receiver's
// buffer full is dropped, and the sender is not told. The measurement shows that instead of hiding
// it: gaps are counted as lost, a receiver waits at most 100 ms before it asks whether the run is
// over, and in ping-pong a request or reply that does not come back is given up on and counted.
// Both sockets are bound to 127.0.0.1 and connected to each other, so the kernel discards
// datagrams from any other process.
class UdpMechanism final : public Mechanism {
public:
    const MechanismInfo& info() const override
    {
        static const MechanismInfo info {
            "udp",
            "UDP over loopback",
            "UDP on 127.0.0.1: one datagram per message, no delivery guarantee (losses are counted)",
            { Mode::PingPong, Mode::Stream },
            {},
            { true,
                "one socket pair per subscriber: one send per subscriber per message, losses counted per subscriber" },
            { true, "one socket pair per publisher: the receiver polls them all, losses counted per publisher" },
        };
        return info;
    }

    // Into the kernel and out of it again.
    std::optional<double> payloadCopies(const RunSpec&) const override { return 2.0; }

    SizeLimit sizeLimit(const MechanismOptions&) const override
    {
        return { 1, kMaxUdpPayload - kFrameHeaderSize,
            "one message is one UDP datagram, which over IPv4 carries at most 65507 B (65535 minus the IP and "
            "UDP headers), and the 32-byte frame header leaves 65475 B; it is the protocol's limit, no setting "
            "raises it" };
    }

    ErrorAccounting accounting(const RunSpec&) const override { return ErrorAccounting::LossAllowed; }

    std::unique_ptr<Transport> createTransport(const TransportConfig& config, RunResources&) const override
    {
        SocketPair sockets = connectedLoopbackPair(SOCK_DGRAM, "udp");
        // A stream sender outruns its receiver, and a datagram that finds the receive buffer full
        // is dropped. The largest buffer allowed delays that as long as the kernel lets it: SO_RCVBUF
        // is capped at net.core.rmem_max (then doubled). The send buffer does not matter on
        // loopback, which hands each datagram to the receiver at once.
        for (const UniqueFd* end : { &sockets.a, &sockets.b })
            setSocketOption(end->get(), SOL_SOCKET, SO_RCVBUF, INT_MAX, "udp");
        return std::make_unique<DatagramTransport>(
            config, std::move(sockets), "udp", DatagramTransport::Delivery::Lossy);
    }
};

} // namespace

const Mechanism& udpMechanism()
{
    static const UdpMechanism mechanism;
    return mechanism;
}

} // namespace ipcpg
