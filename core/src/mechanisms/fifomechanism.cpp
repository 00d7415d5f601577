#include <cerrno>
#include <fcntl.h>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

#include "ipcpg/error.h"
#include "ipcpg/runresources.h"
#include "mechanisms/mechanismlist.h"
#include "transports/streamfdtransport.h"

namespace ipcpg {

namespace {

struct FifoEnds {
    UniqueFd read;
    UniqueFd write;
};

// Creates a FIFO in the run's private directory and opens both ends. Opening a FIFO blocks until
// the other end is open too, which one process cannot wait for; a non-blocking read open succeeds
// at once, after which the write open finds a reader. The read end is then made blocking again,
// because the side loop waits in read().
FifoEnds makeFifo(const std::string& purpose, RunResources& resources)
{
    const std::string path = resources.filePath(purpose);
    // mkfifo fails if anything already exists at the path, so it never reuses a planted file, and
    // the umask can only narrow its 0600.
    if (::mkfifo(path.c_str(), 0600) != 0)
        throwSystemError("cannot create the FIFO " + path, errno);
    resources.addFile(path);
    FifoEnds ends;
    ends.read.reset(::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOFOLLOW));
    if (!ends.read.valid())
        throwSystemError("cannot open the FIFO " + path + " for reading", errno);
    ends.write.reset(::open(path.c_str(), O_WRONLY | O_CLOEXEC | O_NOFOLLOW));
    if (!ends.write.valid())
        throwSystemError("cannot open the FIFO " + path + " for writing", errno);
    const int flags = ::fcntl(ends.read.get(), F_GETFL);
    if (flags < 0 || ::fcntl(ends.read.get(), F_SETFL, flags & ~O_NONBLOCK) != 0)
        throwSystemError("cannot make the read end of " + path + " blocking", errno);
    return ends;
}

// A named pipe is a pipe with a name in the file system, so unrelated processes can find it. The
// lead creates it in the run's private 0700 directory and opens both ends before forking; the
// bytes then move exactly as through an anonymous pipe, and ping-pong needs a second FIFO.
class FifoMechanism final : public Mechanism {
public:
    const MechanismInfo& info() const override
    {
        static const MechanismInfo info {
            "fifo",
            "Named pipe (FIFO)",
            "mkfifo(3): a pipe reached through a file in a private directory; ping-pong uses two",
            { Mode::PingPong, Mode::Stream },
            {},
            { true, "one FIFO per subscriber: the publisher writes every message once per subscriber" },
            { true, "one FIFO per publisher: the receiver polls them all" },
        };
        return info;
    }

    // Into the kernel and out of it again.
    std::optional<double> payloadCopies(const RunSpec&) const override { return 2.0; }

    SizeLimit sizeLimit(const MechanismOptions&) const override
    {
        return { 1, RunSpec::kMaxMessageSize,
            "FIFOs carry any size: frames larger than the pipe buffer are written in parts" };
    }

    std::unique_ptr<Transport> createTransport(const TransportConfig& config, RunResources& resources) const override
    {
        const std::string pair = std::to_string(config.pair);
        StreamFdTransport::Ends a, b;
        FifoEnds forward = makeFifo("fifo-" + pair + "-forward", resources);
        b.read = std::move(forward.read);
        a.write = std::move(forward.write);
        if (config.mode == Mode::PingPong) {
            FifoEnds backward = makeFifo("fifo-" + pair + "-reply", resources);
            a.read = std::move(backward.read);
            b.write = std::move(backward.write);
        }
        return std::make_unique<StreamFdTransport>(config, std::move(a), std::move(b), "fifo");
    }
};

} // namespace

const Mechanism& fifoMechanism()
{
    static const FifoMechanism mechanism;
    return mechanism;
}

} // namespace ipcpg
