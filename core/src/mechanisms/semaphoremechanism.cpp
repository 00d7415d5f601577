#include <cerrno>
#include <sched.h>
#include <semaphore.h>

#include "ipcpg/error.h"
#include "mechanisms/mechanismlist.h"
#include "mechanisms/notifiermechanism.h"
#include "sys/sharedmapping.h"

namespace ipcpg {

namespace {

constexpr std::size_t kSemaphoreStride = 64; // one cache line each: the two directions never share one
static_assert(sizeof(sem_t) <= kSemaphoreStride);

// One unnamed process-shared semaphore per channel (sem_init with pshared = 1) in anonymous
// shared memory mapped before fork: nothing is named, so nothing can be left behind.
class SemaphoreNotifier final : public Notifier {
public:
    SemaphoreNotifier()
        : m_memory(kChannelCount * kSemaphoreStride, "the semaphores")
    {
        for (int channel = 0; channel < kChannelCount; ++channel) {
            if (sem_init(semaphore(static_cast<Channel>(channel)), 1, 0) != 0)
                throwSystemError("cannot initialise a process-shared semaphore (sem_init)", errno);
        }
    }

    // Process-shared semaphores in anonymous memory need no sem_destroy: they vanish with the
    // last mapping, and destroying one while the peer may still wait on it would be undefined.
    ~SemaphoreNotifier() override = default;

    void attach(Side) override { }

    void post(Channel channel, std::uint64_t) override
    {
        while (sem_post(semaphore(channel)) != 0) {
            // At SEM_VALUE_MAX the waiter is two billion posts behind: let it catch up rather
            // than lose a post.
            if (errno != EOVERFLOW)
                throwSystemError("sem_post failed", errno);
            sched_yield();
        }
    }

    NotificationTransport::Notification wait(Channel channel) override
    {
        while (sem_wait(semaphore(channel)) != 0) {
            if (errno != EINTR)
                throwSystemError("sem_wait failed", errno);
        }
        return { Received::Status::Frame, std::nullopt, 1 };
    }

private:
    sem_t* semaphore(Channel channel) const
    {
        return reinterpret_cast<sem_t*>(m_memory.data() + static_cast<std::size_t>(channel) * kSemaphoreStride);
    }

    SharedMapping m_memory;
};

class SemaphoreMechanism final : public NotifierMechanism {
public:
    const MechanismInfo& info() const override
    {
        static const MechanismInfo info {
            "semaphore",
            "POSIX semaphore",
            "sem_post/sem_wait on process-shared semaphores: payload=none is the pure wake-up cost; payload=shm "
            "moves the payload through shared memory and the semaphore only signals",
            { Mode::PingPong, Mode::Stream },
            { payloadOption("the semaphore") },
            { true,
                "one semaphore (and mailbox, with payload=shm) per subscriber, posted once per subscriber per "
                "message" },
            { false, "a receiver sleeps on one semaphore at a time, so it cannot serve one per publisher" },
        };
        return info;
    }

protected:
    SizeLimit bareLimit(const MechanismOptions&) const override
    {
        return { 0, 0,
            "with payload=none a semaphore carries no data, only a wake-up, so the message size is 0; use "
            "payload=shm to move 1 B to 16 MiB through shared memory with the semaphore as the signal" };
    }

    std::unique_ptr<Notifier> createNotifier(const TransportConfig&) const override
    {
        return std::make_unique<SemaphoreNotifier>();
    }
};

} // namespace

const Mechanism& semaphoreMechanism()
{
    static const SemaphoreMechanism mechanism;
    return mechanism;
}

} // namespace ipcpg
