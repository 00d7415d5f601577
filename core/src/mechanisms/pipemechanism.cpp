#include <cerrno>
#include <fcntl.h>
#include <unistd.h>

#include "ipcpg/error.h"
#include "mechanisms/mechanismlist.h"
#include "transports/streamfdtransport.h"

namespace ipcpg {

namespace {

// An anonymous pipe carries bytes one way only, so ping-pong needs a second pipe for the reply.
// Both are made by the lead before fork and inherited by the sides, the way a shell connects a
// pipeline.
class PipeMechanism final : public Mechanism {
public:
    const MechanismInfo& info() const override
    {
        static const MechanismInfo info {
            "pipe",
            "Anonymous pipe",
            "pipe(2): a one-way kernel byte buffer between related processes; ping-pong uses two",
            { Mode::PingPong, Mode::Stream },
            {},
            { true, "one pipe per subscriber: the publisher writes every message once per subscriber" },
            { true, "one pipe per publisher: the receiver polls them all" },
        };
        return info;
    }

    // Into the kernel and out of it again.
    std::optional<double> payloadCopies(const RunSpec&) const override { return 2.0; }

    SizeLimit sizeLimit(const MechanismOptions&) const override
    {
        return { 1, RunSpec::kMaxMessageSize,
            "pipes carry any size: frames larger than the pipe buffer are written in parts" };
    }

    std::unique_ptr<Transport> createTransport(const TransportConfig& config, RunResources&) const override
    {
        StreamFdTransport::Ends a, b;
        int forward[2];
        if (pipe2(forward, O_CLOEXEC) != 0)
            throwSystemError("cannot create a pipe", errno);
        b.read.reset(forward[0]);
        a.write.reset(forward[1]);
        if (config.mode == Mode::PingPong) {
            int backward[2];
            if (pipe2(backward, O_CLOEXEC) != 0)
                throwSystemError("cannot create the reply pipe", errno);
            a.read.reset(backward[0]);
            b.write.reset(backward[1]);
        }
        return std::make_unique<StreamFdTransport>(config, std::move(a), std::move(b), "pipe");
    }
};

} // namespace

const Mechanism& pipeMechanism()
{
    static const PipeMechanism mechanism;
    return mechanism;
}

} // namespace ipcpg
