#include "ipcpg/frame.h"
#include "mechanisms/mechanismlist.h"
#include "transports/dbusbus.h"
#include "transports/dbustransport.h"

namespace ipcpg {

namespace {

// D-Bus (libdbus-1) between the sides, through a private dbus-daemon the lead starts for the run:
// a method call Echo(ay) -> ay in ping-pong, unicast Frame(ay) signals with acknowledgements in
// stream. Every message goes from a side to the daemon and from the daemon to the other side over
// Unix stream sockets in the run's private directory, so the kernel mechanism beneath is
// unix-stream, crossed twice.
class DbusMechanism final : public Mechanism {
public:
    const MechanismInfo& info() const override
    {
        static const MechanismInfo info {
            "dbus",
            "D-Bus (libdbus-1, private bus)",
            "method calls and signals through a private dbus-daemon: marshalling, names, policy, a broker hop",
            { Mode::PingPong, Mode::Stream },
            {},
            { false, "dbus runs pairs only: a fan-out (one signal broadcast to N subscribers) is not offered yet" },
            { false, "dbus runs pairs only: a fan-in (N callers of one service) is not offered yet" },
            { { {}, "unix-stream" } },
        };
        return info;
    }

    SizeLimit sizeLimit(const MechanismOptions&) const override
    {
        const std::uint64_t max
            = std::min<std::uint64_t>(RunSpec::kMaxMessageSize, DbusBus::kMaxMessageBytes - DbusBus::kHeaderReserve)
            - kFrameHeaderSize;
        return { 1, max,
            "the run's bus sets max_message_size to " + std::to_string(DbusBus::kMaxMessageBytes)
                + " bytes (ipcpg's 16 MiB plus the D-Bus header); a frame also carries ipcpg's "
                + std::to_string(kFrameHeaderSize)
                + "-byte header. D-Bus itself allows messages up to 128 MiB and arrays up to 64 MiB" };
    }

    // libdbus copies the payload into the message when it marshals it, the kernel copies it into
    // and out of the daemon and again into and out of the receiver; the receiver reads it in place.
    std::optional<double> payloadCopies(const RunSpec&) const override { return 5.0; }

    std::unique_ptr<Transport> createTransport(const TransportConfig& config, RunResources& resources) const override
    {
        return std::make_unique<DbusTransport>(config, resources);
    }
};

} // namespace

const Mechanism& dbusMechanism()
{
    static const DbusMechanism mechanism;
    return mechanism;
}

} // namespace ipcpg
