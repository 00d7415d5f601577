#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include "mechanisms/mechanismlist.h"
#include "sys/socketutil.h"
#include "transports/streamfdtransport.h"

namespace ipcpg {

namespace {

// TCP through the loopback interface: the whole TCP/IP stack (segments, acknowledgements, windows)
// without a wire. Listener, client and accepted
// socket are all made in the lead before fork; the listener is bound to 127.0.0.1, never to a
// wildcard, so nothing outside this machine can connect during the moment it listens.
class TcpMechanism final : public Mechanism {
public:
    const MechanismInfo& info() const override
    {
        static const MechanismInfo info {
            "tcp",
            "TCP over loopback",
            "TCP on 127.0.0.1 with TCP_NODELAY: the full TCP/IP stack, as a network service would use it",
            { Mode::PingPong, Mode::Stream },
            {},
            { true, "one connection per subscriber: the publisher writes every message once per subscriber" },
            { true, "one connection per publisher, as a server with many clients: the receiver polls them all" },
        };
        return info;
    }

    // Into the kernel and out of it again.
    std::optional<double> payloadCopies(const RunSpec&) const override { return 2.0; }

    SizeLimit sizeLimit(const MechanismOptions&) const override
    {
        return { 1, RunSpec::kMaxMessageSize, "TCP is a byte stream: frames larger than a segment are sent in parts" };
    }

    std::unique_ptr<Transport> createTransport(const TransportConfig& config, RunResources&) const override
    {
        SocketPair sockets = connectedLoopbackPair(SOCK_STREAM, "tcp");
        // Without TCP_NODELAY, Nagle's algorithm holds a small reply back until the previous
        // segment is acknowledged, and ping-pong would measure delayed-ACK timers instead of IPC.
        setSocketOption(sockets.a.get(), IPPROTO_TCP, TCP_NODELAY, 1, "tcp");
        setSocketOption(sockets.b.get(), IPPROTO_TCP, TCP_NODELAY, 1, "tcp");
        return std::make_unique<StreamFdTransport>(config, StreamFdTransport::sharedSocket(std::move(sockets.a)),
            StreamFdTransport::sharedSocket(std::move(sockets.b)), "tcp");
    }
};

} // namespace

const Mechanism& tcpMechanism()
{
    static const TcpMechanism mechanism;
    return mechanism;
}

} // namespace ipcpg
