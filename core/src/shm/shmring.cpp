#include "shm/shmring.h"

#include <algorithm>
#include <cerrno>
#include <ctime>
#include <new>
#include <optional>
#include <sched.h>
#include <string>

#include "ipcpg/error.h"
#include "shm/ringwait.h"
#include "sys/clock.h"

namespace ipcpg {

using namespace ringwait;

static_assert(
    std::atomic<std::uint32_t>::is_always_lock_free, "ring words are shared between processes: they must be lock-free");

// 128 bytes apart, not just 64: the adjacent-line prefetcher fetches cache lines in 128-byte pairs,
// so two words written by different sides in one pair would still bounce between the cores.
struct ShmRing::Control {
    alignas(128) std::atomic<std::uint32_t> head;
    alignas(128) std::atomic<std::uint32_t> tail;
    alignas(128) std::atomic<std::uint32_t> consumerSleeping; // futex: the consumer may sleep on head
    alignas(128) std::atomic<std::uint32_t> producerSleeping; // futex: the producer may sleep on tail
    alignas(128) sem_t filled;
    alignas(128) sem_t free;
};

namespace {

constexpr std::size_t kLine = 64;
constexpr std::size_t kLinePair = 2 * kLine;
std::size_t roundUp(std::size_t value, std::size_t to) { return (value + to - 1) / to * to; }

void checkFits(std::span<std::byte> memory, const ShmRing::Geometry& geometry)
{
    if (memory.size() < geometry.bytes())
        throw Error("shm: the ring's memory (" + std::to_string(memory.size()) + " B) is smaller than its layout ("
            + std::to_string(geometry.bytes()) + " B)");
    if (reinterpret_cast<std::uintptr_t>(memory.data()) % ShmRing::kAlignment != 0)
        throw Error("shm: the ring's memory is not aligned to " + std::to_string(ShmRing::kAlignment) + " bytes");
}

} // namespace

std::size_t ShmRing::Geometry::bytes() const
{
    return kControlBytes + static_cast<std::size_t>(slotCount) * slotStride;
}

ShmRing::Geometry ShmRing::Geometry::forFrames(std::size_t frameBytes, RingSync sync)
{
    Geometry geometry;
    geometry.frameBytes = frameBytes;
    // Whole 128-byte pairs of lines: the adjacent-line prefetcher fetches both lines of a pair,
    // and with 64-byte slots a consumer polling one slot would pull in the next, which the
    // producer is about to write, and make it fetch the line back (measured: 64 B slots cost
    // 201-231 ns per cross-core spin round trip, 128 B slots 181 ns).
    geometry.slotStride = roundUp(kSlotHeaderBytes + frameBytes, kLinePair);
    const std::size_t fitting = kBudgetBytes / geometry.slotStride;
    // Unsynchronised, the ring is a double buffer, the shape a naive hand-written exchange
    // usually has: a producer only a little ahead of the consumer then rewrites the slot being
    // read, so the race shows whatever the two processes' relative speed.
    const std::size_t most = sync == RingSync::None ? 2 : kMaxSlots;
    geometry.slotCount = static_cast<std::uint32_t>(std::clamp<std::size_t>(fitting, 2, most));
    return geometry;
}

void ShmRing::format(std::span<std::byte> memory, const Geometry& geometry, RingSync sync)
{
    static_assert(sizeof(Control) == kControlBytes && alignof(Control) == kAlignment);
    checkFits(memory, geometry);
    auto* control = new (memory.data()) Control;
    control->head.store(0, std::memory_order_relaxed);
    control->tail.store(0, std::memory_order_relaxed);
    control->consumerSleeping.store(0, std::memory_order_relaxed);
    control->producerSleeping.store(0, std::memory_order_relaxed);
    if (sync == RingSync::Semaphore) {
        if (sem_init(&control->filled, 1, 0) != 0 || sem_init(&control->free, 1, geometry.slotCount) != 0)
            throwSystemError("shm: cannot initialise the ring's process-shared semaphores", errno);
    }
    std::byte* slots = memory.data() + sizeof(Control);
    for (std::uint32_t i = 0; i < geometry.slotCount; ++i)
        new (slots + static_cast<std::size_t>(i) * geometry.slotStride) RingSlotHeader {};
}

ShmRing::ShmRing(std::span<std::byte> memory, const Geometry& geometry, RingSync sync, RingWait wait)
    : m_control(std::launder(reinterpret_cast<Control*>(memory.data())))
    , m_slots(memory.data() + sizeof(Control))
    , m_geometry(geometry)
    , m_sync(sync)
    , m_wait(wait)
{
    checkFits(memory, geometry);
}

template <class Look>
auto ShmRing::waitFor(Look look, std::atomic<std::uint32_t>& word, std::atomic<std::uint32_t>& sleeping,
    std::uint64_t timeoutNs) -> decltype(look())
{
    const auto announce = [&](bool asleep) {
        sleeping.store(asleep ? 1 : 0, asleep ? std::memory_order_seq_cst : std::memory_order_relaxed);
    };
    return ringwait::waitFor(
        look, word, announce, m_sync == RingSync::Futex && m_wait != RingWait::Spin, m_wait, timeoutNs);
}

bool ShmRing::waitSemaphore(sem_t& semaphore, std::uint64_t timeoutNs)
{
    return ringwait::waitSemaphore(semaphore, m_wait, timeoutNs);
}

std::span<std::byte> ShmRing::claim()
{
    const std::uint32_t slots = m_geometry.slotCount;
    switch (m_sync) {
    case RingSync::Semaphore:
        waitSemaphore(m_control->free, 0);
        break;
    case RingSync::Futex:
    case RingSync::Spin: {
        // The cached tail spares a cross-core read while the ring is known to have room.
        const auto roomAt = [&]() -> std::optional<std::uint32_t> {
            const std::uint32_t tail = m_control->tail.load(std::memory_order_acquire);
            if (m_head - tail > slots)
                throw Error("shm: the ring's tail index (" + std::to_string(tail) + ") is impossible with "
                    + std::to_string(m_head) + " frames published into " + std::to_string(slots)
                    + " slots: the shared memory was overwritten");
            if (m_head - tail < slots)
                return tail;
            return std::nullopt;
        };
        if (m_head - m_cachedTail >= slots) {
            auto tail = roomAt();
            if (!tail)
                tail = waitFor(roomAt, m_control->tail, m_control->producerSleeping, 0);
            m_cachedTail = *tail;
        }
        break;
    }
    case RingSync::None:
        break; // the race: overwrite whatever the slot holds, read or not
    }
    return { slot(m_headSlot) + kSlotHeaderBytes, m_geometry.frameBytes };
}

void ShmRing::publish()
{
    RingSlotHeader& header = slotHeaderOf(slot(m_headSlot));
    const std::uint32_t next = m_head + 1;
    header.length.store(static_cast<std::uint32_t>(m_geometry.frameBytes), std::memory_order_relaxed);
    switch (m_sync) {
    case RingSync::Semaphore:
        header.sequence.store(next, std::memory_order_relaxed);
        m_control->head.store(next, std::memory_order_relaxed);
        postSemaphore(m_control->filled); // the release that orders the frame before the count
        break;
    case RingSync::Futex:
        header.sequence.store(next, std::memory_order_release);
        m_control->head.store(next, std::memory_order_seq_cst);
        if (m_control->consumerSleeping.load(std::memory_order_seq_cst) != 0)
            futexWake(m_control->head);
        break;
    case RingSync::Spin:
        header.sequence.store(next, std::memory_order_release);
        m_control->head.store(next, std::memory_order_relaxed); // nobody polls it: the slot says it all
        break;
    case RingSync::None:
        header.sequence.store(next, std::memory_order_relaxed);
        m_control->head.store(next, std::memory_order_relaxed);
        break;
    }
    m_head = next;
    if (++m_headSlot == m_geometry.slotCount) {
        m_headSlot = 0;
        m_headLapped = true;
    }
}

// Inline (it is only used here) so that -fPIC's interposition rules do not force a call onto the
// path that runs right after a frame is seen: measured, the call cost about 120 ns per round trip.
inline ShmRing::Read ShmRing::readSlot()
{
    const std::uint32_t length = slotHeaderOf(slot(m_tailSlot)).length.load(std::memory_order_relaxed);
    m_holding = true;
    // Every frame of a run has the same length, so any other value is damage; the frame is read
    // with this process's own frameBytes, never with the length found in shared memory.
    if (length != m_geometry.frameBytes)
        return { Read::Status::Damaged, {} };
    return { Read::Status::Frame, { slot(m_tailSlot) + kSlotHeaderBytes, m_geometry.frameBytes } };
}

ShmRing::Read ShmRing::acquire(std::uint64_t timeoutNs)
{
    m_holding = false;
    switch (m_sync) {
    case RingSync::Semaphore:
        if (!waitSemaphore(m_control->filled, timeoutNs))
            return { Read::Status::TimedOut, {} };
        // A count was taken, so this slot is consumed whatever its header says.
        if (slotHeaderOf(slot(m_tailSlot)).sequence.load(std::memory_order_relaxed) != m_tail + 1) {
            m_holding = true;
            return { Read::Status::Damaged, {} };
        }
        return readSlot();
    case RingSync::Futex:
    case RingSync::Spin:
        return acquirePolled(timeoutNs);
    case RingSync::None:
        return acquireUnsynchronised(timeoutNs);
    }
    return { Read::Status::TimedOut, {} };
}

ShmRing::Read ShmRing::acquirePolled(std::uint64_t timeoutNs)
{
    const RingSlotHeader& header = slotHeaderOf(slot(m_tailSlot));
    const std::uint32_t expected = m_tail + 1;
    const std::uint32_t notYet = m_tailLapped ? expected - m_geometry.slotCount : 0; // the previous lap's number
    const auto look = [&]() -> std::optional<Read> {
        const std::uint32_t sequence = header.sequence.load(std::memory_order_acquire);
        if (sequence == expected)
            return readSlot();
        if (sequence == notYet)
            return std::nullopt;
        // Neither this frame nor the one before: the header was overwritten. Consuming the slot
        // keeps the consumer in step with the producer.
        m_holding = true;
        return Read { Read::Status::Damaged, {} };
    };
    if (auto found = look())
        return *found;
    if (auto found = waitFor(look, m_control->head, m_control->consumerSleeping, timeoutNs))
        return *found;
    return { Read::Status::TimedOut, {} };
}

ShmRing::Read ShmRing::acquireUnsynchronised(std::uint64_t timeoutNs)
{
    const std::uint32_t slots = m_geometry.slotCount;
    Deadline deadline(timeoutNs);
    Poller poller(deadline);
    std::uint32_t head = m_control->head.load(std::memory_order_relaxed);
    while (head == m_tail) {
        if (!poller.pause())
            return { Read::Status::TimedOut, {} };
        head = m_control->head.load(std::memory_order_relaxed);
    }
    if (head - m_tail > slots) {
        // Lapped: the frames in between were overwritten. Skip to the oldest slot that may still
        // hold an unread one.
        const std::uint32_t skipped = head - slots - m_tail;
        m_tail += skipped;
        m_tailSlot = (m_tailSlot + skipped % slots) % slots;
    }
    return readSlot();
}

void ShmRing::release()
{
    if (!m_holding)
        return;
    m_holding = false;
    const std::uint32_t next = m_tail + 1;
    m_tail = next;
    if (++m_tailSlot == m_geometry.slotCount) {
        m_tailSlot = 0;
        m_tailLapped = true;
    }
    switch (m_sync) {
    case RingSync::Semaphore:
        m_control->tail.store(next, std::memory_order_relaxed);
        postSemaphore(m_control->free);
        break;
    case RingSync::Futex:
        m_control->tail.store(next, std::memory_order_seq_cst);
        if (m_control->producerSleeping.load(std::memory_order_seq_cst) != 0)
            futexWake(m_control->tail);
        break;
    case RingSync::Spin:
        m_control->tail.store(next, std::memory_order_release);
        break;
    case RingSync::None:
        m_control->tail.store(next, std::memory_order_relaxed);
        break;
    }
}

} // namespace ipcpg
