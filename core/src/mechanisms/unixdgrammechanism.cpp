#include <algorithm>
#include <cerrno>
#include <climits>
#include <map>
#include <mutex>
#include <sys/socket.h>
#include <utility>
#include <vector>

#include "ipcpg/frame.h"
#include "ipcpg/runresources.h"
#include "ipcpg/units.h"
#include "mechanisms/mechanismlist.h"
#include "sys/kernellimits.h"
#include "sys/socketutil.h"
#include "transports/datagramtransport.h"

namespace ipcpg {

namespace {

constexpr const char* kWmemMax = "/proc/sys/net/core/wmem_max";
// The kernel refuses an AF_UNIX datagram longer than the sender's socket buffer minus this much
// (unix_dgram_sendmsg: len > sk_sndbuf - 32 fails with EMSGSIZE).
constexpr std::uint64_t kSndbufReserve = 32;

int socketTypeOf(const MechanismOptions& options)
{
    const auto type = options.find("type");
    return type != options.end() && type->second == "dgram" ? SOCK_DGRAM : SOCK_SEQPACKET;
}

// The largest datagram one send() can carry on an AF_UNIX socket of `type` with the biggest
// SO_SNDBUF allowed. Two things bound it: the send buffer (doubled net.core.wmem_max, minus 32 B)
// and what the kernel can allocate for one datagram (a linear part of at most a few MiB of
// contiguous memory plus MAX_SKB_FRAGS pages), which depends on its configuration. Rather than
// hard-code the second, this asks the kernel: it sends probe datagrams through a socketpair.
struct DatagramCeiling {
    std::uint64_t frameBytes = 0; // the largest datagram that went through
    std::uint64_t sendBuffer = 0; // SO_SNDBUF as the kernel set it (already doubled)
    bool allocationBound = false; // smaller than the send buffer allows: no sysctl raises it
};

DatagramCeiling probeCeiling(int type)
{
    int fds[2];
    if (::socketpair(AF_UNIX, type | SOCK_CLOEXEC, 0, fds) != 0) {
        // Without a probe (out of descriptors), fall back to the send-buffer rule alone; a run
        // at a size the kernel cannot allocate then fails with a message saying so.
        const std::uint64_t sendBuffer = 2 * readProcNumber(kWmemMax).value_or(0);
        return { sendBuffer > kSndbufReserve ? sendBuffer - kSndbufReserve : 0, sendBuffer, false };
    }
    const UniqueFd sender(fds[0]);
    const UniqueFd receiver(fds[1]);
    // The kernel caps SO_SNDBUF at net.core.wmem_max (and doubles it), so this asks for the most allowed.
    setSocketOption(sender.get(), SOL_SOCKET, SO_SNDBUF, INT_MAX, "unix-dgram probe");
    DatagramCeiling ceiling;
    ceiling.sendBuffer
        = static_cast<std::uint64_t>(socketOption(sender.get(), SOL_SOCKET, SO_SNDBUF, "unix-dgram probe"));
    const std::uint64_t byBuffer = ceiling.sendBuffer - kSndbufReserve;
    std::vector<char> buffer(byBuffer);
    const auto fits = [&](std::uint64_t length) {
        if (::send(sender.get(), buffer.data(), length, MSG_DONTWAIT | MSG_NOSIGNAL) != static_cast<ssize_t>(length))
            return false;
        ::recv(receiver.get(), buffer.data(), buffer.size(), MSG_DONTWAIT);
        return true;
    };
    if (fits(byBuffer)) {
        ceiling.frameBytes = byBuffer;
        return ceiling;
    }
    std::uint64_t works = 0;
    std::uint64_t fails = byBuffer;
    while (fails - works > 1) {
        const std::uint64_t middle = works + (fails - works) / 2;
        (fits(middle) ? works : fails) = middle;
    }
    ceiling.frameBytes = works;
    ceiling.allocationBound = true;
    return ceiling;
}

// Probing costs a few milliseconds and front ends ask for the limit often (a size menu asks once
// per entry), so the answer is kept until net.core.wmem_max changes.
DatagramCeiling ceilingFor(int type)
{
    static std::mutex mutex;
    static std::map<std::pair<int, std::uint64_t>, DatagramCeiling> known;
    const std::pair key { type, readProcNumber(kWmemMax).value_or(0) };
    const std::lock_guard lock(mutex);
    const auto found = known.find(key);
    if (found != known.end())
        return found->second;
    return known[key] = probeCeiling(type);
}

// Grows the send buffer only as far as the frame needs: room for two datagrams in flight, so the
// sender can prepare the next while the receiver reads one. The kernel default is kept when it is
// enough, as every other mechanism keeps it: a connected AF_UNIX datagram socket queues as much as
// its send buffer holds, and the largest buffer for every run would queue some ten thousand small
// messages in stream mode, measuring the queue's depth instead of the mechanism.
void fitSendBuffer(int fd, std::size_t frameBytes)
{
    // SO_SNDBUF reads back doubled: the kernel doubles what is asked for, to cover its bookkeeping.
    const std::uint64_t request = frameBytes + 2 * kSndbufReserve;
    const auto current = static_cast<std::uint64_t>(socketOption(fd, SOL_SOCKET, SO_SNDBUF, "unix-dgram"));
    if (current >= 2 * request)
        return;
    // The kernel caps the request at net.core.wmem_max; a frame the cap leaves room for only once
    // still fits, since sizeLimit checked it against that cap.
    setSocketOption(
        fd, SOL_SOCKET, SO_SNDBUF, static_cast<int>(std::min<std::uint64_t>(request, INT_MAX)), "unix-dgram");
}

// AF_UNIX with the message boundaries kept: every frame is one datagram, so a message cannot be
// split and the largest message is the largest datagram. SOCK_SEQPACKET is connection-oriented
// (listen, connect, accept through a socket file, like unix-stream); SOCK_DGRAM is connectionless,
// with each socket bound to its own file and connected to the other's. On Linux neither loses a
// datagram: a sender whose peer's queue is full (net.unix.max_dgram_qlen datagrams, or its own
// send buffer) blocks, so both count every gap as an integrity error.
class UnixDgramMechanism final : public Mechanism {
public:
    const MechanismInfo& info() const override
    {
        static const MechanismInfo info {
            "unix-dgram",
            "Unix domain datagram socket",
            "AF_UNIX SOCK_SEQPACKET or SOCK_DGRAM: local messages with their boundaries kept, one per datagram",
            { Mode::PingPong, Mode::Stream },
            { { "type", { "seqpacket", "dgram" }, "seqpacket",
                "seqpacket: connected, ordered, reliable; dgram: connectionless (on Linux AF_UNIX it blocks rather "
                "than drop)" } },
            { true, "one socket pair per subscriber: one send per subscriber per message" },
            { true, "one socket pair per publisher: the receiver polls them all" },
        };
        return info;
    }

    // Into the kernel and out of it again.
    std::optional<double> payloadCopies(const RunSpec&) const override { return 2.0; }

    SizeLimit sizeLimit(const MechanismOptions& options) const override
    {
        const DatagramCeiling ceiling = ceilingFor(socketTypeOf(options));
        const std::uint64_t wmemMax = readProcNumber(kWmemMax).value_or(0);
        const std::uint64_t maxPayload
            = ceiling.frameBytes > kFrameHeaderSize ? ceiling.frameBytes - kFrameHeaderSize : 0;
        std::string reason
            = "one message is one datagram (" + std::to_string(kFrameHeaderSize) + "-byte header included), and ";
        if (ceiling.allocationBound) {
            reason += "the kernel cannot allocate an AF_UNIX datagram larger than " + std::to_string(ceiling.frameBytes)
                + " B in one piece; the socket buffer (" + formatBytes(ceiling.sendBuffer)
                + ") is not what limits it, so no setting raises it: use unix-stream for larger messages";
        } else {
            reason += "the kernel refuses a datagram larger than the send buffer minus 32 B; SO_SNDBUF is capped at "
                      "net.core.wmem_max ("
                + std::to_string(wmemMax) + " B, doubled to " + std::to_string(ceiling.sendBuffer)
                + " B): raise it with sysctl net.core.wmem_max=N (the kernel allocates at most about 4 MiB per "
                  "datagram whatever N is)";
        }
        return { 1, maxPayload, reason };
    }

    std::unique_ptr<Transport> createTransport(const TransportConfig& config, RunResources& resources) const override
    {
        const int type = socketTypeOf(config.options);
        const std::string purpose = "unix-dgram-" + std::to_string(config.pair);
        SocketPair sockets = type == SOCK_SEQPACKET ? connectedUnixPair(SOCK_SEQPACKET, purpose, resources)
                                                    : connectedUnixDatagramPair(purpose, resources);
        fitSendBuffer(sockets.a.get(), config.frameBytes);
        fitSendBuffer(sockets.b.get(), config.frameBytes);
        return std::make_unique<DatagramTransport>(
            config, std::move(sockets), "unix-dgram", DatagramTransport::Delivery::Reliable);
    }
};

} // namespace

const Mechanism& unixDgramMechanism()
{
    static const UnixDgramMechanism mechanism;
    return mechanism;
}

} // namespace ipcpg
