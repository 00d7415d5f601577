#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>
#include <sys/ipc.h>
#include <sys/msg.h>
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

constexpr const char* kMsgMax = "/proc/sys/kernel/msgmax";
constexpr const char* kMsgMnb = "/proc/sys/kernel/msgmnb";
constexpr const char* kMsgMni = "/proc/sys/kernel/msgmni";
constexpr std::uint64_t kDefaultMsgMax = 8192; // the kernel defaults, when /proc cannot say
constexpr std::uint64_t kDefaultMsgMnb = 16384;
constexpr long kTypeToB = 1; // message types: one queue carries both directions of a ping-pong
constexpr long kTypeToA = 2;
constexpr std::size_t kTypeBytes = sizeof(long); // struct msgbuf starts with its type

// One System V queue per pair, created IPC_PRIVATE (no key another process could guess) with
// IPC_EXCL and mode 0600. Ping-pong tells the directions apart by message type. Each message is
// one whole frame behind the type word: built in a private buffer, copied into the kernel by
// msgsnd and out by msgrcv (two copies).
class SysvMqTransport final : public FrameTransport {
public:
    SysvMqTransport(const TransportConfig& config, RunResources& resources)
        : m_frameBytes(config.frameBytes)
        , m_sendBuffer(kTypeBytes + config.frameBytes)
        , m_receiveBuffer(kTypeBytes + config.frameBytes)
    {
        m_queue = msgget(IPC_PRIVATE, IPC_CREAT | IPC_EXCL | 0600);
        if (m_queue < 0) {
            if (errno == ENOSPC)
                throw Error("cannot create a System V message queue: " + std::string(std::strerror(errno))
                    + ": the system-wide number of queues kernel.msgmni ("
                    + std::to_string(readProcNumber(kMsgMni).value_or(0))
                    + ") is in use; raise it with sysctl kernel.msgmni=N (as root), or remove stale queues "
                      "(`ipcs -q`, `ipcrm -q ID`)");
            throwSystemError("cannot create a System V message queue (msgget)", errno);
        }
        resources.addSysvMessageQueue(m_queue);
    }

    void attach(Side side) override
    {
        const long sendType = side == Side::A ? kTypeToB : kTypeToA;
        std::memcpy(m_sendBuffer.data(), &sendType, kTypeBytes);
        m_receiveType = side == Side::A ? kTypeToA : kTypeToB;
    }

    SendSlot beginSend() override
    {
        const bool built = m_sendBufferBuilt;
        m_sendBufferBuilt = true;
        return { m_sendBuffer.span().subspan(kTypeBytes), built };
    }

    void commitSend() override
    {
        while (msgsnd(m_queue, m_sendBuffer.data(), m_frameBytes, 0) != 0) {
            if (errno != EINTR)
                throwSystemError("sysv-mq: msgsnd failed", errno);
        }
    }

    Received receive() override
    {
        if (m_peekedBytes) {
            const std::size_t got = *std::exchange(m_peekedBytes, std::nullopt);
            return { Received::Status::Frame, m_receiveBuffer.span().subspan(kTypeBytes, got) };
        }
        for (;;) {
            // MSG_NOERROR: a message longer than a frame is cut to the frame and the verifier
            // reports it, rather than msgrcv failing with E2BIG and the message staying queued.
            const ssize_t got = msgrcv(m_queue, m_receiveBuffer.data(), m_frameBytes, m_receiveType, MSG_NOERROR);
            if (got >= 0)
                return { Received::Status::Frame,
                    m_receiveBuffer.span().subspan(kTypeBytes, static_cast<std::size_t>(got)) };
            if (errno != EINTR)
                throwSystemError("sysv-mq: msgrcv failed", errno);
        }
    }

    // A fan-in's receiver looks at each publisher's queue in turn: msgrcv without waiting.
    bool canPeek() const override { return true; }
    bool holdsReceivedFrame() const override { return m_peekedBytes.has_value(); }
    bool peekReceive() override
    {
        if (m_peekedBytes)
            return true;
        const ssize_t got
            = msgrcv(m_queue, m_receiveBuffer.data(), m_frameBytes, m_receiveType, MSG_NOERROR | IPC_NOWAIT);
        if (got >= 0) {
            m_peekedBytes = static_cast<std::size_t>(got);
            return true;
        }
        if (errno != ENOMSG && errno != EINTR)
            throwSystemError("sysv-mq: msgrcv failed", errno);
        return false;
    }

private:
    int m_queue = -1;
    std::optional<std::size_t> m_peekedBytes; // a frame peekReceive() took, for the next receive()
    std::size_t m_frameBytes;
    long m_receiveType = kTypeToB;
    AlignedBuffer m_sendBuffer;
    AlignedBuffer m_receiveBuffer;
    bool m_sendBufferBuilt = false;
};

class SysvMqMechanism final : public Mechanism {
public:
    const MechanismInfo& info() const override
    {
        static const MechanismInfo info {
            "sysv-mq",
            "System V message queue",
            "msgget(2) queue: typed messages with kept boundaries, limited to kernel.msgmax; ping-pong uses one "
            "queue and a message type per direction",
            { Mode::PingPong, Mode::Stream },
            {},
            { true, "one queue per subscriber: every message is sent once per subscriber" },
            { true,
                "one queue per publisher: a System V queue has no descriptor to poll, so the receiver looks at each "
                "in turn without waiting (IPC_NOWAIT) and never sleeps" },
        };
        return info;
    }

    // Into the kernel and out of it again.
    std::optional<double> payloadCopies(const RunSpec&) const override { return 2.0; }

    SizeLimit sizeLimit(const MechanismOptions&) const override
    {
        const auto msgmax = readProcNumber(kMsgMax);
        const auto msgmnb = readProcNumber(kMsgMnb);
        const std::uint64_t message = msgmax.value_or(kDefaultMsgMax);
        const std::uint64_t queue = msgmnb.value_or(kDefaultMsgMnb);
        // A message larger than the queue's capacity would never fit: msgsnd would wait for ever.
        const std::uint64_t frame = std::min(message, queue);
        return { 1, frame > kFrameHeaderSize ? frame - kFrameHeaderSize : 0,
            "a System V message holds at most kernel.msgmax = " + std::to_string(message)
                + " B and a queue kernel.msgmnb = " + std::to_string(queue) + " B"
                + (msgmax && msgmnb ? "" : " (defaults: /proc/sys/kernel is unreadable)")
                + ", 32 B of a message being the frame header; raise them with sysctl kernel.msgmax=N and sysctl "
                + "kernel.msgmnb=N (as root)" };
    }

    std::unique_ptr<Transport> createTransport(const TransportConfig& config, RunResources& resources) const override
    {
        return std::make_unique<SysvMqTransport>(config, resources);
    }
};

} // namespace

const Mechanism& sysvMqMechanism()
{
    static const SysvMqMechanism mechanism;
    return mechanism;
}

} // namespace ipcpg
