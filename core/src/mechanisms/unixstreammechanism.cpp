#include <sys/socket.h>

#include "ipcpg/runresources.h"
#include "mechanisms/mechanismlist.h"
#include "sys/socketutil.h"
#include "transports/streamfdtransport.h"

namespace ipcpg {

namespace {

// A local stream socket, set up the way a server and its client meet: a listening socket bound to
// a file in the run's private 0700 directory, connect, accept. One connected socket per side
// carries both directions, so ping-pong needs no second channel.
class UnixStreamMechanism final : public Mechanism {
public:
    const MechanismInfo& info() const override
    {
        static const MechanismInfo info {
            "unix-stream",
            "Unix domain stream socket",
            "AF_UNIX SOCK_STREAM: a local two-way byte stream through a socket file, no network stack",
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
        return { 1, RunSpec::kMaxMessageSize,
            "stream sockets carry any size: frames larger than the socket buffer are sent in parts" };
    }

    std::unique_ptr<Transport> createTransport(const TransportConfig& config, RunResources& resources) const override
    {
        SocketPair sockets = connectedUnixPair(SOCK_STREAM, "unix-stream-" + std::to_string(config.pair), resources);
        return std::make_unique<StreamFdTransport>(config, StreamFdTransport::sharedSocket(std::move(sockets.a)),
            StreamFdTransport::sharedSocket(std::move(sockets.b)), "unix-stream");
    }
};

} // namespace

const Mechanism& unixStreamMechanism()
{
    static const UnixStreamMechanism mechanism;
    return mechanism;
}

} // namespace ipcpg
