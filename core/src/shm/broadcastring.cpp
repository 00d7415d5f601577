#include "shm/broadcastring.h"

#include <climits>
#include <new>
#include <optional>
#include <string>

#include "ipcpg/error.h"
#include "shm/ringwait.h"

namespace ipcpg {

using ringwait::futexWake;
using ringwait::postSemaphore;

// 128 bytes apart: see ShmRing::Control.
struct BroadcastRing::Control {
    alignas(128) std::atomic<std::uint32_t> head;
    // The reader whose tail the producer sleeps on, plus one; 0 when it does not sleep.
    alignas(128) std::atomic<std::uint32_t> producerWaitsOn;
    alignas(128) std::atomic<std::uint32_t> readersAsleep; // readers that may sleep on head
};

struct BroadcastRing::ReaderControl {
    alignas(128) std::atomic<std::uint32_t> tail;
    alignas(128) sem_t filled;
    alignas(128) sem_t free;
};

namespace {

constexpr std::size_t kControlBytes = std::size_t { 3 } * 128;
constexpr std::size_t kReaderBytes = std::size_t { 3 } * 128;

void checkLayout(std::span<std::byte> memory, const ShmRing::Geometry& geometry, unsigned readers)
{
    if (readers == 0 || readers > BroadcastRing::kMaxReaders)
        throw Error("shm: a broadcast ring takes 1 to " + std::to_string(BroadcastRing::kMaxReaders) + " readers, not "
            + std::to_string(readers));
    if (memory.size() < BroadcastRing::bytesFor(geometry, readers))
        throw Error("shm: the broadcast ring's memory (" + std::to_string(memory.size())
            + " B) is smaller than its layout (" + std::to_string(BroadcastRing::bytesFor(geometry, readers)) + " B)");
    if (reinterpret_cast<std::uintptr_t>(memory.data()) % ShmRing::kAlignment != 0)
        throw Error(
            "shm: the broadcast ring's memory is not aligned to " + std::to_string(ShmRing::kAlignment) + " bytes");
}

} // namespace

std::size_t BroadcastRing::bytesFor(const ShmRing::Geometry& geometry, unsigned readers)
{
    return kControlBytes + std::size_t { readers } * kReaderBytes
        + std::size_t { geometry.slotCount } * geometry.slotStride;
}

void BroadcastRing::format(
    std::span<std::byte> memory, const ShmRing::Geometry& geometry, unsigned readers, RingSync sync)
{
    static_assert(sizeof(Control) == kControlBytes && sizeof(ReaderControl) == kReaderBytes);
    if (sync == RingSync::None)
        throw Error("shm: a broadcast ring is always synchronised (sync=none is the race demo of one pair)");
    checkLayout(memory, geometry, readers);
    auto* control = new (memory.data()) Control;
    control->head.store(0, std::memory_order_relaxed);
    control->producerWaitsOn.store(0, std::memory_order_relaxed);
    control->readersAsleep.store(0, std::memory_order_relaxed);
    for (unsigned reader = 0; reader < readers; ++reader) {
        auto* mine = new (memory.data() + kControlBytes + std::size_t { reader } * kReaderBytes) ReaderControl;
        mine->tail.store(0, std::memory_order_relaxed);
        if (sync == RingSync::Semaphore
            && (sem_init(&mine->filled, 1, 0) != 0 || sem_init(&mine->free, 1, geometry.slotCount) != 0))
            throwSystemError("shm: cannot initialise the broadcast ring's process-shared semaphores", errno);
    }
    std::byte* slots = memory.data() + kControlBytes + std::size_t { readers } * kReaderBytes;
    for (std::uint32_t i = 0; i < geometry.slotCount; ++i)
        new (slots + static_cast<std::size_t>(i) * geometry.slotStride) RingSlotHeader {};
}

BroadcastRing::BroadcastRing(std::span<std::byte> memory, const ShmRing::Geometry& geometry, unsigned readers,
    int reader, RingSync sync, RingWait wait)
    : m_control(std::launder(reinterpret_cast<Control*>(memory.data())))
    , m_readerControls(memory.data() + kControlBytes)
    , m_slots(memory.data() + kControlBytes + std::size_t { readers } * kReaderBytes)
    , m_geometry(geometry)
    , m_readers(readers)
    , m_reader(reader)
    , m_sync(sync)
    , m_wait(wait)
{
    checkLayout(memory, geometry, readers);
    if (reader >= static_cast<int>(readers))
        throw Error("shm: reader " + std::to_string(reader) + " of a broadcast ring with " + std::to_string(readers)
            + " readers");
}

BroadcastRing::ReaderControl& BroadcastRing::readerControl(unsigned reader) const
{
    return *std::launder(reinterpret_cast<ReaderControl*>(m_readerControls + std::size_t { reader } * kReaderBytes));
}

std::uint32_t BroadcastRing::slowestTail(unsigned& slowest) const
{
    std::uint32_t furthestBehind = 0;
    for (unsigned reader = 0; reader < m_readers; ++reader) {
        const std::uint32_t tail = readerControl(reader).tail.load(std::memory_order_acquire);
        const std::uint32_t behind = m_head - tail;
        if (behind > m_geometry.slotCount)
            throw Error("shm: reader " + std::to_string(reader) + "'s tail index (" + std::to_string(tail)
                + ") is impossible with " + std::to_string(m_head) + " frames published into "
                + std::to_string(m_geometry.slotCount) + " slots: the shared memory was overwritten");
        if (reader == 0 || behind > furthestBehind) {
            furthestBehind = behind;
            slowest = reader;
        }
    }
    return m_head - furthestBehind;
}

void BroadcastRing::waitForRoom()
{
    unsigned slowest = 0;
    for (;;) {
        // Sleep (or poll) on the slowest reader's tail: only its release can make room. When
        // another reader turns out to be the slowest after a wake-up, wait on that one instead,
        // since only its release wakes the producer.
        const unsigned waitedOn = slowest;
        const auto roomOrNewSlowest = [&]() -> std::optional<bool> {
            const std::uint32_t tail = slowestTail(slowest);
            if (m_head - tail < m_geometry.slotCount) {
                m_cachedTail = tail;
                return true;
            }
            if (slowest != waitedOn)
                return false;
            return std::nullopt;
        };
        const auto announce = [&](bool asleep) {
            m_control->producerWaitsOn.store(
                asleep ? waitedOn + 1 : 0, asleep ? std::memory_order_seq_cst : std::memory_order_relaxed);
        };
        const bool maySleep = m_sync == RingSync::Futex && m_wait != RingWait::Spin;
        const auto found
            = ringwait::waitFor(roomOrNewSlowest, readerControl(waitedOn).tail, announce, maySleep, m_wait, 0);
        if (found && *found)
            return;
    }
}

std::span<std::byte> BroadcastRing::claim()
{
    if (m_sync == RingSync::Semaphore) {
        for (unsigned reader = 0; reader < m_readers; ++reader)
            ringwait::waitSemaphore(readerControl(reader).free, m_wait, 0);
    } else if (m_head - m_cachedTail >= m_geometry.slotCount) {
        // The slowest tail seen last time spares reading every reader's while there is room.
        unsigned slowest = 0;
        const std::uint32_t tail = slowestTail(slowest);
        if (m_head - tail < m_geometry.slotCount)
            m_cachedTail = tail;
        else
            waitForRoom();
    }
    return { slot(m_headSlot) + ShmRing::kSlotHeaderBytes, m_geometry.frameBytes };
}

void BroadcastRing::publish()
{
    RingSlotHeader& header = slotHeaderOf(slot(m_headSlot));
    const std::uint32_t next = m_head + 1;
    header.length.store(static_cast<std::uint32_t>(m_geometry.frameBytes), std::memory_order_relaxed);
    header.sequence.store(next, std::memory_order_release);
    switch (m_sync) {
    case RingSync::Semaphore:
        m_control->head.store(next, std::memory_order_relaxed);
        for (unsigned reader = 0; reader < m_readers; ++reader)
            postSemaphore(readerControl(reader).filled);
        break;
    case RingSync::Futex:
        m_control->head.store(next, std::memory_order_seq_cst);
        if (m_control->readersAsleep.load(std::memory_order_seq_cst) != 0)
            syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(&m_control->head), FUTEX_WAKE, INT_MAX, nullptr,
                nullptr, 0);
        break;
    case RingSync::Spin:
    case RingSync::None:
        m_control->head.store(next, std::memory_order_relaxed); // readers poll the slot, not head
        break;
    }
    m_head = next;
    if (++m_headSlot == m_geometry.slotCount) {
        m_headSlot = 0;
        m_headLapped = true;
    }
}

ShmRing::Read BroadcastRing::readSlot()
{
    const std::uint32_t length = slotHeaderOf(slot(m_tailSlot)).length.load(std::memory_order_relaxed);
    m_holding = true;
    if (length != m_geometry.frameBytes)
        return { ShmRing::Read::Status::Damaged, {} };
    return { ShmRing::Read::Status::Frame, { slot(m_tailSlot) + ShmRing::kSlotHeaderBytes, m_geometry.frameBytes } };
}

ShmRing::Read BroadcastRing::acquire(std::uint64_t timeoutNs)
{
    using Status = ShmRing::Read::Status;
    m_holding = false;
    const RingSlotHeader& header = slotHeaderOf(slot(m_tailSlot));
    const std::uint32_t expected = m_tail + 1;
    if (m_sync == RingSync::Semaphore) {
        if (!ringwait::waitSemaphore(readerControl(static_cast<unsigned>(m_reader)).filled, m_wait, timeoutNs))
            return { Status::TimedOut, {} };
        if (header.sequence.load(std::memory_order_acquire) != expected) {
            m_holding = true;
            return { Status::Damaged, {} };
        }
        return readSlot();
    }
    const std::uint32_t notYet = m_tailLapped ? expected - m_geometry.slotCount : 0;
    const auto look = [&]() -> std::optional<ShmRing::Read> {
        const std::uint32_t sequence = header.sequence.load(std::memory_order_acquire);
        if (sequence == expected)
            return readSlot();
        if (sequence == notYet)
            return std::nullopt;
        m_holding = true; // overwritten: consume the slot to stay in step
        return ShmRing::Read { Status::Damaged, {} };
    };
    if (auto found = look())
        return *found;
    const auto announce = [&](bool asleep) {
        if (asleep)
            m_control->readersAsleep.fetch_add(1, std::memory_order_seq_cst);
        else
            m_control->readersAsleep.fetch_sub(1, std::memory_order_relaxed);
    };
    if (auto found = ringwait::waitFor(
            look, m_control->head, announce, m_sync == RingSync::Futex && m_wait != RingWait::Spin, m_wait, timeoutNs))
        return *found;
    return { Status::TimedOut, {} };
}

void BroadcastRing::release()
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
    ReaderControl& mine = readerControl(static_cast<unsigned>(m_reader));
    switch (m_sync) {
    case RingSync::Semaphore:
        mine.tail.store(next, std::memory_order_relaxed);
        postSemaphore(mine.free);
        break;
    case RingSync::Futex:
        mine.tail.store(next, std::memory_order_seq_cst);
        if (m_control->producerWaitsOn.load(std::memory_order_seq_cst) == static_cast<std::uint32_t>(m_reader) + 1)
            futexWake(mine.tail);
        break;
    case RingSync::Spin:
    case RingSync::None:
        mine.tail.store(next, std::memory_order_release);
        break;
    }
}

} // namespace ipcpg
