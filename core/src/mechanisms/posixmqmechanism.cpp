#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <mqueue.h>
#include <sys/resource.h>
#include <utility>

#include "ipcpg/error.h"
#include "ipcpg/frame.h"
#include "ipcpg/runresources.h"
#include "ipcpg/transport.h"
#include "mechanisms/mechanismlist.h"
#include "sys/alignedbuffer.h"
#include "sys/kernellimits.h"

namespace ipcpg {

namespace {

constexpr const char* kMsgSizeMax = "/proc/sys/fs/mqueue/msgsize_max";
constexpr const char* kMsgMax = "/proc/sys/fs/mqueue/msg_max";
constexpr const char* kQueuesMax = "/proc/sys/fs/mqueue/queues_max";
constexpr std::uint64_t kDefaultMsgSizeMax = 8192; // the kernel's default, when /proc cannot say
constexpr long kStreamDepth = 10; // the kernel's default queue depth (fs.mqueue.msg_default)

std::string procText(const char* path)
{
    const auto value = readProcNumber(path);
    return value ? std::to_string(*value) : std::string("unknown");
}

// Why mq_open refused, naming the limit and how to raise it.
[[noreturn]] void refuseQueue(const std::string& name, const mq_attr& attr, int err)
{
    const std::string what = "cannot create the POSIX message queue " + name + " (" + std::to_string(attr.mq_maxmsg)
        + " messages of " + std::to_string(attr.mq_msgsize) + " B)";
    std::string hint;
    switch (err) {
    case EMFILE:
        // mq_open says EMFILE for two limits: tell them apart by whether descriptors ran out.
        if (openFileLimitReached())
            throwSystemError(what, err);
        hint = "the per-user limit RLIMIT_MSGQUEUE on bytes in message queues (`ulimit -q`, now "
            + softLimitText(RLIMIT_MSGQUEUE) + " B) was reached; raise it with `ulimit -q N`";
        break;
    case ENOSPC:
        hint = "the system-wide number of queues fs.mqueue.queues_max (" + procText(kQueuesMax)
            + ") was reached; raise it with sysctl fs.mqueue.queues_max=N (as root)";
        break;
    case EINVAL:
        hint = "the queue exceeds fs.mqueue.msg_max (" + procText(kMsgMax) + " messages) or fs.mqueue.msgsize_max ("
            + procText(kMsgSizeMax) + " B); raise them with sysctl fs.mqueue.msg_max=N or "
            + "sysctl fs.mqueue.msgsize_max=N (as root)";
        break;
    case ENOMEM:
        hint = "out of memory, or the per-user limit RLIMIT_MSGQUEUE (`ulimit -q`, now "
            + softLimitText(RLIMIT_MSGQUEUE) + " B) was reached; raise it with `ulimit -q N`";
        break;
    default:
        throwSystemError(what, err);
    }
    throw Error(what + ": " + std::strerror(err) + ": " + hint);
}

// Owns one queue descriptor. Only closes: the name is RunResources' to remove.
class QueueDescriptor {
public:
    QueueDescriptor() = default;
    explicit QueueDescriptor(mqd_t queue)
        : m_queue(queue)
    {
    }
    ~QueueDescriptor()
    {
        if (m_queue != kNone)
            mq_close(m_queue);
    }
    QueueDescriptor(const QueueDescriptor&) = delete;
    QueueDescriptor& operator=(const QueueDescriptor&) = delete;
    QueueDescriptor(QueueDescriptor&& other) noexcept
        : m_queue(std::exchange(other.m_queue, kNone))
    {
    }
    QueueDescriptor& operator=(QueueDescriptor&& other) noexcept
    {
        std::swap(m_queue, other.m_queue);
        return *this;
    }
    mqd_t get() const { return m_queue; }

private:
    static constexpr mqd_t kNone = static_cast<mqd_t>(-1);
    mqd_t m_queue = kNone;
};

// Two queues in ping-pong (A -> B and B -> A), one in stream. Each message is one whole frame:
// the sender builds it in a private buffer, mq_send copies it into the kernel and mq_receive out
// into the receiver's buffer, where it is verified (two copies).
class PosixMqTransport final : public FrameTransport {
public:
    PosixMqTransport(const TransportConfig& config, RunResources& resources)
        : m_sendBuffer(config.frameBytes)
        , m_receiveBuffer(config.frameBytes)
    {
        mq_attr attr {};
        // Ping-pong never has more than one message in a queue; a deeper queue would only use
        // up the per-user RLIMIT_MSGQUEUE budget.
        const long depthLimit = static_cast<long>(readProcNumber(kMsgMax).value_or(kStreamDepth));
        attr.mq_maxmsg = config.mode == Mode::PingPong ? 1 : std::clamp(depthLimit, 1L, kStreamDepth);
        attr.mq_msgsize = static_cast<long>(config.frameBytes);
        const std::string pair = "p" + std::to_string(config.pair);
        m_queues[0] = create(resources, pair + "-ab", attr);
        if (config.mode == Mode::PingPong)
            m_queues[1] = create(resources, pair + "-ba", attr);
    }

    void attach(Side side) override
    {
        m_send = side == Side::A ? m_queues[0].get() : m_queues[1].get();
        m_receive = side == Side::A ? m_queues[1].get() : m_queues[0].get();
    }

    SendSlot beginSend() override
    {
        const bool built = m_sendBufferBuilt;
        m_sendBufferBuilt = true;
        return { m_sendBuffer.span(), built };
    }

    void commitSend() override
    {
        while (mq_send(m_send, reinterpret_cast<const char*>(m_sendBuffer.data()), m_sendBuffer.size(), 0) != 0) {
            if (errno != EINTR)
                throwSystemError("posix-mq: mq_send failed", errno);
        }
    }

    Received receive() override
    {
        for (;;) {
            auto* buffer = reinterpret_cast<char*>(m_receiveBuffer.data());
            const ssize_t got = mq_receive(m_receive, buffer, m_receiveBuffer.size(), nullptr);
            if (got >= 0)
                return { Received::Status::Frame, m_receiveBuffer.span().first(static_cast<std::size_t>(got)) };
            if (errno != EINTR)
                throwSystemError("posix-mq: mq_receive failed", errno);
        }
    }

    // On Linux a message queue descriptor is a file descriptor that poll() understands.
    int receiveReadyFd() const override { return static_cast<int>(m_receive); }

private:
    static QueueDescriptor create(RunResources& resources, const std::string& purpose, const mq_attr& attr)
    {
        const std::string name = resources.objectName(purpose);
        const mqd_t queue = mq_open(name.c_str(), O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC, 0600, &attr);
        if (queue == static_cast<mqd_t>(-1))
            refuseQueue(name, attr, errno);
        resources.addMessageQueue(name);
        return QueueDescriptor(queue);
    }

    QueueDescriptor m_queues[2];
    mqd_t m_send = static_cast<mqd_t>(-1);
    mqd_t m_receive = static_cast<mqd_t>(-1);
    AlignedBuffer m_sendBuffer;
    AlignedBuffer m_receiveBuffer;
    bool m_sendBufferBuilt = false;
};

class PosixMqMechanism final : public Mechanism {
public:
    const MechanismInfo& info() const override
    {
        static const MechanismInfo info {
            "posix-mq",
            "POSIX message queue",
            "mq_open(3) queues: the kernel keeps message boundaries; one message is limited to "
            "fs.mqueue.msgsize_max; ping-pong uses two queues",
            { Mode::PingPong, Mode::Stream },
            {},
            { true, "one queue per subscriber: every message is sent once per subscriber" },
            { true, "one queue per publisher: the receiver polls them all (a Linux queue descriptor is pollable)" },
        };
        return info;
    }

    // Into the kernel and out of it again.
    std::optional<double> payloadCopies(const RunSpec&) const override { return 2.0; }

    SizeLimit sizeLimit(const MechanismOptions&) const override
    {
        const auto limit = readProcNumber(kMsgSizeMax);
        const std::uint64_t msgsizeMax = limit.value_or(kDefaultMsgSizeMax);
        const std::uint64_t max = msgsizeMax > kFrameHeaderSize ? msgsizeMax - kFrameHeaderSize : 0;
        return { 1, max,
            "a POSIX message queue message holds at most fs.mqueue.msgsize_max = " + std::to_string(msgsizeMax) + " B"
                + (limit ? "" : " (the default; /proc/sys/fs/mqueue/msgsize_max is unreadable)")
                + ", 32 B of it the frame header; raise it with sysctl fs.mqueue.msgsize_max=N (as root, up to "
                + "16777216), and the queues must fit the per-user RLIMIT_MSGQUEUE (`ulimit -q`, now "
                + softLimitText(RLIMIT_MSGQUEUE) + " B)" };
    }

    std::unique_ptr<Transport> createTransport(const TransportConfig& config, RunResources& resources) const override
    {
        return std::make_unique<PosixMqTransport>(config, resources);
    }
};

} // namespace

const Mechanism& posixMqMechanism()
{
    static const PosixMqMechanism mechanism;
    return mechanism;
}

} // namespace ipcpg
