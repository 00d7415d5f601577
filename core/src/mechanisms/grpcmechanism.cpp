#include "ipcpg/frame.h"
#include "mechanisms/mechanismlist.h"
#include "transports/grpcsettings.h"
#include "transports/grpctransport.h"

namespace ipcpg {

namespace {

// gRPC (its C++ library) between the sides: a service of our own (core/proto/ipcpgpair.proto),
// B the server and A the client, every frame a protobuf message in an HTTP/2 stream. Over
// transport=unix the connection is a Unix stream socket in the run's private directory, over tcp a
// TCP connection on 127.0.0.1, so the kernel mechanisms beneath are unix-stream and tcp.
class GrpcMechanism final : public Mechanism {
public:
    const MechanismInfo& info() const override
    {
        static const MechanismInfo info {
            "grpc",
            "gRPC (C++, protobuf over HTTP/2)",
            "a unary Echo call per round trip, one client-streaming call for a stream: protobuf, HTTP/2, flow "
            "control",
            { Mode::PingPong, Mode::Stream },
            {
                { "transport", { "unix", "tcp" }, "unix",
                    "unix: a unix: socket in the run's private directory; tcp: TCP on 127.0.0.1" },
                { "max-message", { "4M", "16M" }, "4M",
                    "the largest message gRPC accepts: 4M is its default (grpc.max_receive_message_length), 16M "
                    "raises it on both sides to carry ipcpg's largest messages" },
            },
            { false, "grpc runs pairs only: a fan-out (one server calling N clients) is not offered yet" },
            { false, "grpc runs pairs only: a fan-in (N clients of one server) is not offered yet" },
            { { { { "transport", "unix" } }, "unix-stream" }, { { { "transport", "tcp" } }, "tcp" } },
        };
        return info;
    }

    SizeLimit sizeLimit(const MechanismOptions& options) const override
    {
        const GrpcSettings settings = GrpcSettings::from(options);
        return { 1, settings.maxPayload(), settings.limitReason() };
    }

    // A builds the frame in the request message; gRPC serializes it into its own buffer, the kernel
    // copies it in and out, and B's gRPC parses it into the received message, read in place.
    std::optional<double> payloadCopies(const RunSpec&) const override { return 4.0; }

    std::unique_ptr<Transport> createTransport(const TransportConfig& config, RunResources& resources) const override
    {
        return std::make_unique<GrpcTransport>(config, resources);
    }
};

} // namespace

const Mechanism& grpcMechanism()
{
    static const GrpcMechanism mechanism;
    return mechanism;
}

} // namespace ipcpg
