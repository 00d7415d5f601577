#include "ipcpg/units.h"
#include "mechanisms/mechanismlist.h"
#include "transports/rpctransport.h"

namespace ipcpg {

namespace {

// What a procedure-call interface costs on top of the socket it runs over: marshalling typed
// arguments, a call header, dispatch by name, results and error replies.
class RpcMechanism final : public Mechanism {
public:
    const MechanismInfo& info() const override
    {
        static const MechanismInfo info {
            "rpc",
            "Remote procedure call",
            "a client stub calls echo(bytes) on a server over a Unix stream socket: marshalling, dispatch by "
            "name, typed results; stream pipelines the calls",
            { Mode::PingPong, Mode::Stream },
            {},
            { true, "one connection per subscriber: every call is made once per subscriber" },
            { false, "the rpc server serves one connection at a time; it does not poll several" },
        };
        return info;
    }

    SizeLimit sizeLimit(const MechanismOptions&) const override
    {
        return { 1, RunSpec::kMaxMessageSize,
            "a call carries the frame as one bytes argument; ipcpg caps messages at "
                + formatBytes(RunSpec::kMaxMessageSize) };
    }

    std::unique_ptr<Transport> createTransport(const TransportConfig& config, RunResources& resources) const override
    {
        return std::make_unique<RpcTransport>(config, resources);
    }
};

} // namespace

const Mechanism& rpcMechanism()
{
    static const RpcMechanism mechanism;
    return mechanism;
}

} // namespace ipcpg
