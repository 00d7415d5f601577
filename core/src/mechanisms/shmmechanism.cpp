#include "ipcpg/units.h"
#include "mechanisms/mechanismlist.h"
#include "shm/shmbroadcasttransport.h"
#include "shm/shmtransport.h"

namespace ipcpg {

namespace {

// The fastest way to move bytes between processes and the one that needs the most care: both
// sides touch the same memory, so correctness depends entirely on how they synchronise. The sync
// option shows the cost of each way, and sync=none shows what happens without one.
class ShmMechanism final : public Mechanism {
public:
    const MechanismInfo& info() const override
    {
        static const MechanismInfo info {
            "shm",
            "Shared-memory ring",
            "shm_open + mmap: a ring of fixed-size slots per direction; sync=none is the race demo",
            { Mode::PingPong, Mode::Stream },
            {
                { "sync", { "semaphore", "futex", "spin", "none" }, "semaphore",
                    "How sender and receiver coordinate: process-shared semaphores, futex words, busy-polled "
                    "atomics, or none (unsynchronised: overwritten and torn messages count as sync errors)" },
                { "wait", { "block", "spin", "hybrid" }, "block",
                    "How a side waits under sync=semaphore or futex: sleep in the kernel, busy-poll, or poll "
                    "briefly then sleep (sync=spin and none always poll)" },
                { "copy", { "copy", "zero-copy" }, "copy",
                    "copy: frames are copied into and out of the ring (2 copies); zero-copy: built and verified "
                    "in the ring slot (0 copies)" },
            },
            { true,
                "one ring written once per message and read by every subscriber with its own cursor: the slowest holds "
                "the publisher back; ping-pong replies come on one ring per subscriber" },
            { true,
                "one ring per publisher: no descriptor covers several rings, so the receiver looks at each in turn and "
                "never sleeps" },
        };
        return info;
    }

    // copy: into the ring and out of it again (a fan-out's write into the ring is shared by all
    // its subscribers); zero-copy: built and verified in place.
    std::optional<double> payloadCopies(const RunSpec& spec) const override
    {
        if (spec.option("copy") == "zero-copy")
            return 0.0;
        return 1.0 + 1.0 / spec.members();
    }

    std::optional<std::string> checkSpec(const RunSpec& spec) const override
    {
        if (spec.topology != Topology::Pair && spec.option("sync") == "none")
            return "shm " + std::string(toString(spec.topology))
                + " needs synchronised rings: sync=none is the race demo of one pair; use semaphore, futex or spin";
        return std::nullopt;
    }

    std::vector<std::unique_ptr<Transport>> createFanOutTransports(
        TransportConfig config, unsigned subscribers, RunResources& resources) const override
    {
        return ShmBroadcastTransport::createAll(config, subscribers, resources);
    }

    SizeLimit sizeLimit(const MechanismOptions&) const override
    {
        return { 1, RunSpec::kMaxMessageSize,
            "every ring slot holds one whole frame; ipcpg caps messages at " + formatBytes(RunSpec::kMaxMessageSize) };
    }

    ErrorAccounting accounting(const RunSpec& spec) const override
    {
        return spec.option("sync") == "none" ? ErrorAccounting::SyncRace : ErrorAccounting::Integrity;
    }

    std::unique_ptr<Transport> createTransport(const TransportConfig& config, RunResources& resources) const override
    {
        return std::make_unique<ShmTransport>(config, resources);
    }
};

} // namespace

const Mechanism& shmMechanism()
{
    static const ShmMechanism mechanism;
    return mechanism;
}

} // namespace ipcpg
