#include <array>
#include <cerrno>
#include <sys/eventfd.h>
#include <unistd.h>

#include "ipcpg/error.h"
#include "mechanisms/mechanismlist.h"
#include "mechanisms/notifiermechanism.h"
#include "sys/uniquefd.h"

namespace ipcpg {

namespace {

// What a ping-pong end marker writes: an eventfd cannot carry 0 (a write of 0 wakes nobody), and
// tokens (sequence + 1) never come near this.
constexpr std::uint64_t kEndValue = 1ULL << 62;

// One eventfd per channel, created before fork and inherited by both sides. In ping-pong each
// write is read whole before the next one, so the counter's value is the token. In stream mode
// the sender's writes add up in the counter and one read takes them all: the value read is the
// number of notifications it stands for.
class EventfdNotifier final : public Notifier {
public:
    explicit EventfdNotifier(Mode mode)
        : m_counting(mode == Mode::Stream)
    {
        for (UniqueFd& fd : m_fds) {
            fd.reset(eventfd(0, EFD_CLOEXEC));
            if (!fd.valid())
                throwSystemError("cannot create an eventfd", errno);
        }
    }

    void attach(Side) override { }

    void post(Channel channel, std::uint64_t token) override
    {
        const std::uint64_t value = m_counting ? 1 : token == 0 ? kEndValue : token;
        while (write(fd(channel), &value, sizeof value) != static_cast<ssize_t>(sizeof value)) {
            if (errno != EINTR)
                throwSystemError("eventfd write failed", errno);
        }
    }

    NotificationTransport::Notification wait(Channel channel) override
    {
        std::uint64_t value = 0;
        while (read(fd(channel), &value, sizeof value) != static_cast<ssize_t>(sizeof value)) {
            if (errno != EINTR)
                throwSystemError("eventfd read failed", errno);
        }
        if (m_counting)
            return { Received::Status::Frame, std::nullopt, value };
        return { Received::Status::Frame, value == kEndValue ? 0 : value, 1 };
    }

private:
    int fd(Channel channel) const { return m_fds[static_cast<std::size_t>(channel)].get(); }

    bool m_counting;
    std::array<UniqueFd, kChannelCount> m_fds;
};

class EventfdMechanism final : public NotifierMechanism {
public:
    const MechanismInfo& info() const override
    {
        static const MechanismInfo info {
            "eventfd",
            "eventfd counter",
            "eventfd(2): a 64-bit kernel counter to write and read, Linux's lightest wake-up; payload=shm moves "
            "the payload through shared memory and the eventfd only signals",
            { Mode::PingPong, Mode::Stream },
            { payloadOption("the eventfd") },
            { true,
                "one eventfd (and mailbox, with payload=shm) per subscriber, written once per subscriber per message" },
            { false, "the receiver waits on one eventfd at a time; it does not poll one per publisher" },
        };
        return info;
    }

protected:
    SizeLimit bareLimit(const MechanismOptions&) const override
    {
        return { 0, 0,
            "with payload=none an eventfd carries a counter, not data (in stream mode writes add up), so the "
            "message size is 0; use payload=shm to move 1 B to 16 MiB through shared memory with the eventfd as "
            "the signal" };
    }

    std::unique_ptr<Notifier> createNotifier(const TransportConfig& config) const override
    {
        return std::make_unique<EventfdNotifier>(config.mode);
    }
};

} // namespace

const Mechanism& eventfdMechanism()
{
    static const EventfdMechanism mechanism;
    return mechanism;
}

} // namespace ipcpg
