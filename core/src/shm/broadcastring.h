#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <semaphore.h>
#include <span>

#include "shm/shmring.h"

namespace ipcpg {

// A ring of fixed-size slots in shared memory written by one producer and read by several
// readers, each with its own cursor: every reader sees every frame, and a slot is free again only
// once the slowest reader has released it, so the slowest reader holds the producer back (flow
// control, as a subscriber's full pipe would). The producer writes each frame once however many
// readers there are; under zero-copy the readers verify it in place.
//
// Shared layout (offsets multiples of 128): head (frames published), the futex word the producer
// sleeps on, the number of readers asleep, then per reader its tail and its two semaphores (each in
// its own 128-byte pair of lines, so no two writers share one), then the slots in ShmRing's slot
// format (a 16-byte header: publication number, frame length).
//
// Sync: Semaphore gives each reader a `filled` and a `free` semaphore (the producer posts every
// reader's `filled` and takes every reader's `free`); Futex sleeps readers on head and the producer
// on the slowest reader's tail; Spin polls. None is refused: the race demo is a pair's.
//
// Trust is as in ShmRing: every address is computed from this process's private geometry and
// counters; what is read from shared memory is only compared.
class BroadcastRing {
public:
    static constexpr unsigned kMaxReaders = 64;

    // Bytes the ring takes for `readers` readers with ShmRing's slot geometry.
    static std::size_t bytesFor(const ShmRing::Geometry& geometry, unsigned readers);
    // Lays a fresh ring out in zero-filled, kAlignment-aligned memory of at least bytesFor().
    // Throws Error when it does not fit or a semaphore cannot be initialised.
    static void format(std::span<std::byte> memory, const ShmRing::Geometry& geometry, unsigned readers, RingSync sync);

    // The producer's view (reader < 0) or reader `reader`'s view of a formatted ring.
    BroadcastRing(std::span<std::byte> memory, const ShmRing::Geometry& geometry, unsigned readers, int reader,
        RingSync sync, RingWait wait);

    // ---- producer (as ShmRing's) ----
    std::span<std::byte> claim();
    bool claimedSlotHoldsPrevious() const { return m_headLapped; }
    void publish();

    // ---- a reader (as ShmRing's consumer) ----
    ShmRing::Read acquire(std::uint64_t timeoutNs);
    void release();

private:
    struct Control;
    struct ReaderControl;
    std::byte* slot(std::uint32_t index) const
    {
        return m_slots + static_cast<std::size_t>(index) * m_geometry.slotStride;
    }
    ReaderControl& readerControl(unsigned reader) const;
    // The tail of the slowest reader, and which reader it is; throws when a tail is impossible.
    std::uint32_t slowestTail(unsigned& slowest) const;
    void waitForRoom();
    ShmRing::Read readSlot();

    Control* m_control = nullptr;
    std::byte* m_readerControls = nullptr;
    std::byte* m_slots = nullptr;
    ShmRing::Geometry m_geometry;
    unsigned m_readers = 0;
    int m_reader = -1;
    RingSync m_sync;
    RingWait m_wait;

    // Producer state.
    std::uint32_t m_head = 0;
    std::uint32_t m_headSlot = 0;
    std::uint32_t m_cachedTail = 0; // the slowest tail last seen: room is known up to it
    bool m_headLapped = false;

    // Reader state.
    std::uint32_t m_tail = 0;
    std::uint32_t m_tailSlot = 0;
    bool m_tailLapped = false;
    bool m_holding = false;
};

} // namespace ipcpg
