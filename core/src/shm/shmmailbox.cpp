#include "shm/shmmailbox.h"

#include <algorithm>
#include <new>

#include "ipcpg/error.h"

namespace ipcpg {

namespace {

constexpr std::size_t kLine = 64;
constexpr std::size_t kRingBudget = 32ULL << 20; // stream rings of large frames stay near this
constexpr std::size_t kMaxSlots = 16;

constexpr std::size_t roundUp(std::size_t bytes) { return (bytes + kLine - 1) / kLine * kLine; }

static_assert(std::atomic<std::uint64_t>::is_always_lock_free, "the mailbox needs address-free atomics");

} // namespace

std::size_t ShmMailbox::slotCount(Mode mode, std::size_t frameBytes)
{
    if (mode == Mode::PingPong)
        return 2;
    return std::clamp<std::size_t>(kRingBudget / (kLine + roundUp(frameBytes)), 2, kMaxSlots);
}

ShmMailbox::ShmMailbox(const TransportConfig& config, std::unique_ptr<Notifier> notifier, std::string name)
    : m_name(std::move(name))
    , m_notifier(std::move(notifier))
    , m_frameBytes(config.frameBytes)
    , m_slots(slotCount(config.mode, config.frameBytes))
    , m_stride(kLine + roundUp(config.frameBytes))
    , m_rings(config.mode == Mode::PingPong ? 2 : 1)
    , m_memory(static_cast<std::size_t>(m_rings) * (sizeof(RingControl) + m_slots * m_stride),
          "the " + m_name + " shared-memory mailbox")
{
    // The mapping is zero-filled: head, tail and flags start at 0. Construct the atomics in place
    // so their lifetime begins before either side touches them.
    for (int ring = 0; ring < m_rings; ++ring)
        new (m_memory.data() + static_cast<std::size_t>(ring) * sizeof(RingControl)) RingControl {};
}

ShmMailbox::End ShmMailbox::endOf(int ring) const
{
    End end;
    end.control
        = reinterpret_cast<RingControl*>(m_memory.data() + static_cast<std::size_t>(ring) * sizeof(RingControl));
    end.slots = m_memory.data() + static_cast<std::size_t>(m_rings) * sizeof(RingControl)
        + static_cast<std::size_t>(ring) * m_slots * m_stride;
    end.dataChannel = ring == 0 ? Channel::ToB : Channel::ToA;
    end.freeChannel = ring == 0 ? Channel::FreeForA : Channel::FreeForB;
    return end;
}

void ShmMailbox::attach(Side side)
{
    m_notifier->attach(side);
    // Ring 0 carries A -> B; ring 1 (ping-pong only) B -> A.
    if (side == Side::A) {
        m_out = endOf(0);
        if (m_rings == 2)
            m_in = endOf(1);
    } else {
        m_in = endOf(0);
        if (m_rings == 2)
            m_out = endOf(1);
    }
}

std::atomic_ref<std::uint64_t> ShmMailbox::lengthOf(const End& end) const
{
    auto* length = reinterpret_cast<std::uint64_t*>(end.slots + (end.index % m_slots) * m_stride);
    return std::atomic_ref<std::uint64_t>(*length);
}

std::byte* ShmMailbox::frameOf(const End& end) const { return end.slots + (end.index % m_slots) * m_stride + kLine; }

void ShmMailbox::corrupt(const std::string& what) const
{
    throw Error(m_name + " (payload=shm): " + what
        + " in the shared mailbox is impossible: the peer process wrote garbage into shared memory");
}

std::uint64_t ShmMailbox::framesInFlight(const End& producer) const
{
    const std::uint64_t tail = producer.control->tail.value.load(std::memory_order_acquire);
    if (tail > producer.index || producer.index - tail > m_slots)
        corrupt("tail " + std::to_string(tail) + " with " + std::to_string(producer.index) + " frames sent and "
            + std::to_string(m_slots) + " slots");
    return producer.index - tail;
}

std::uint64_t ShmMailbox::framesAvailable(const End& consumer) const
{
    const std::uint64_t head = consumer.control->head.value.load(std::memory_order_acquire);
    if (head < consumer.index || head - consumer.index > m_slots)
        corrupt("head " + std::to_string(head) + " with " + std::to_string(consumer.index) + " frames received and "
            + std::to_string(m_slots) + " slots");
    return head - consumer.index;
}

template <typename Ready> bool ShmMailbox::sleepUntil(Word& sleeping, Channel channel, Ready ready)
{
    while (!ready()) {
        sleeping.value.store(1, std::memory_order_relaxed);
        // Pairs with the fence in wake(): either the waker sees the flag and posts, or this
        // re-check sees what the waker published. A post can therefore not fall between the
        // check and the sleep.
        std::atomic_thread_fence(std::memory_order_seq_cst);
        if (ready()) {
            sleeping.value.store(0, std::memory_order_relaxed);
            return true;
        }
        if (m_notifier->wait(channel).status == Received::Status::TimedOut)
            return false; // the flag stays up: the next post is only an early wake-up, re-checked
    }
    return true;
}

void ShmMailbox::wake(Word& sleeping, Channel channel)
{
    std::atomic_thread_fence(std::memory_order_seq_cst);
    // Taking the flag makes this the only post for this sleep, so posts never pile up.
    if (sleeping.value.load(std::memory_order_relaxed) != 0
        && sleeping.value.exchange(0, std::memory_order_relaxed) != 0)
        m_notifier->post(channel, 1);
}

SendSlot ShmMailbox::beginSend()
{
    if (!m_out.control)
        throw Error(m_name + ": this side does not send in this mode");
    const auto hasRoom = [this] { return framesInFlight(m_out) < m_slots; };
    // The producer has nothing else to do: a poll timeout just means wait on.
    while (!sleepUntil(m_out.control->producerSleeping, m_out.freeChannel, hasRoom)) { }
    // Only this side ever writes its slots, so a slot used before still holds its last frame.
    return { { frameOf(m_out), m_frameBytes }, m_out.index >= m_slots };
}

void ShmMailbox::commitSend()
{
    lengthOf(m_out).store(m_frameBytes, std::memory_order_relaxed);
    ++m_out.index;
    m_out.control->head.value.store(m_out.index, std::memory_order_release);
    wake(m_out.control->consumerSleeping, m_out.dataChannel);
}

Received ShmMailbox::receive()
{
    if (!m_in.control)
        throw Error(m_name + ": this side does not receive in this mode");
    const auto hasFrame = [this] { return framesAvailable(m_in) > 0; };
    if (!sleepUntil(m_in.control->consumerSleeping, m_in.dataChannel, hasFrame))
        return { Received::Status::TimedOut, {} };
    const std::uint64_t length = lengthOf(m_in).load(std::memory_order_relaxed);
    if (length > m_frameBytes)
        corrupt("a frame length of " + std::to_string(length) + " B in a " + std::to_string(m_frameBytes) + " B slot");
    // Verified in place: the slot stays the consumer's until releaseReceive().
    return { Received::Status::Frame, { frameOf(m_in), static_cast<std::size_t>(length) } };
}

void ShmMailbox::releaseReceive()
{
    ++m_in.index;
    m_in.control->tail.value.store(m_in.index, std::memory_order_release);
    wake(m_in.control->producerSleeping, m_in.freeChannel);
}

} // namespace ipcpg
