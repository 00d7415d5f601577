#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <new>
#include <semaphore.h>
#include <span>

namespace ipcpg {

// The first bytes of every slot of a ring (ShmRing, BroadcastRing). Written only by the producer; the consumer checks
// both fields against what it expects before it touches the frame.
struct RingSlotHeader {
    std::atomic<std::uint32_t> sequence; // the publication number of the frame in the slot (head after publishing it)
    std::atomic<std::uint32_t> length; // always the run's frame length
    std::uint64_t reserved;
};
static_assert(sizeof(RingSlotHeader) == 16);

inline RingSlotHeader& slotHeaderOf(std::byte* slot) { return *std::launder(reinterpret_cast<RingSlotHeader*>(slot)); }

// How the producer and the consumer of a ring coordinate.
enum class RingSync {
    Semaphore, // process-shared counting semaphores: `free` slots and `filled` slots
    Futex, // the indices are futex words; a side sleeps on one only after registering as a waiter
    Spin, // acquire/release atomics, busy-polled
    None, // deliberately unsynchronised: the race demo (see ShmRing)
};

// How a side waits for its peer under Semaphore and Futex (Spin and None always poll).
enum class RingWait {
    Block, // sleep in the kernel at once
    Spin, // poll without ever sleeping: the CPU cost shows in the CPU columns, by design
    Hybrid, // poll for a bounded time, then sleep
};

// A single-producer single-consumer ring of fixed-size slots in shared memory, one per direction.
//
// Shared layout (all offsets multiples of 64): six control words, each in its own 128-byte pair
// of cache lines so the producer's and the consumer's writes never share one -- head (frames
// published, written by the producer), tail (frames consumed, written by the consumer), two futex
// waiter flags and the two semaphores, in that order -- then `slotCount` slots of `slotStride` bytes: a 16-byte slot
// header (the slot's publication number and the frame length), then the frame. head, tail and publication numbers are
// free-running 32-bit counters (a futex word is 32 bits); a slot's index is the counter modulo slotCount, kept
// incrementally by each side.
//
// Finding out that a frame has arrived: the producer stamps each slot with its publication number
// (head after publishing) before it advances head. A consumer under Spin or Futex polls that
// number in the slot it expects next rather than head, so the cache line that says "it is there"
// is the line that holds the frame's start (and the adjacent-line prefetcher brings the next):
// one cache-line transfer per small frame instead of two. Futex sleeps on head; Semaphore counts
// filled slots; None polls head, as a naive ring would.
//
// Trust: the memory is shared with a peer that may be buggy or hostile. Every place this class
// reads or writes is computed from its own private copy of the geometry and its own private
// counters; what it reads from shared memory (tail, a publication number, a length, under None
// head) is only compared, never used as an address. A consumer that finds an impossible
// publication number or length in the slot it expects consumes the slot and reports it Damaged
// (the verifier counts a bad-size frame); a producer that reads an impossible tail throws Error.
// Neither reads or writes outside its ring.
//
// sync=None: the producer never waits for a free slot and publishes with relaxed stores; the
// consumer polls head with relaxed loads and reads slots while they may be rewritten. Frames get
// overwritten before they are read, torn while being read, or read twice: that is the race the
// demo shows. A consumer lapped by the producer skips to the oldest slot that can still hold an
// unread frame (what it skipped shows as gaps), so it never falls more than one lap behind and a
// run always drains in bounded time. Ping-pong under None still finishes: with one frame in flight
// per direction the producer never laps, every request gets exactly one reply whatever it held (a
// torn or stale frame is counted and answered like any other), and a consumer that sees nothing
// new returns TimedOut after its timeout, so the side loop can notice the end of the run.
class ShmRing {
public:
    static constexpr std::size_t kControlBytes = std::size_t { 6 } * 128; // the control words; the slots follow
    static constexpr std::size_t kAlignment = 128; // of the memory a ring is laid out in
    // The slot header: u32 publication number, u32 frame length, 8 reserved bytes. 16 bytes keep
    // the frame 16-byte aligned for vector copies.
    static constexpr std::size_t kSlotHeaderBytes = 16;
    static constexpr std::uint32_t kMaxSlots = 64;
    // Slots are added while the ring stays within this many bytes (at least 2 slots). The ring
    // should stay in the last-level cache: with 1 MiB frames on a quiet 2-CPU machine, a 16 MiB
    // ring (15 slots) streamed 19 GB/s copying and 47 GB/s zero-copy across cores, a 64 MiB one
    // (63 slots) 10 and 15 GB/s, because every frame went out to memory and back. A 4 MiB ring
    // (3 slots) was as fast when both sides ran undisturbed and collapsed to a tenth whenever one
    // was descheduled: too few slots to ride out a pause. It also bounds the memory a pair pins.
    static constexpr std::size_t kBudgetBytes = 16ULL << 20;

    struct Geometry {
        std::uint32_t slotCount = 0;
        std::size_t slotStride = 0; // a multiple of 128 (whole pairs of cache lines)
        std::size_t frameBytes = 0;

        std::size_t bytes() const; // control lines and slots
        static Geometry forFrames(std::size_t frameBytes, RingSync sync);
    };

    // Lays a fresh ring out in `memory` (zero-filled, kAlignment-aligned, at least
    // geometry.bytes() long). Throws Error when the memory does not fit or a semaphore cannot be
    // initialised.
    static void format(std::span<std::byte> memory, const Geometry& geometry, RingSync sync);

    // A view of a ring laid out by format(); one object per process and role. Does not own the
    // memory. Throws Error when `memory` does not fit the geometry.
    ShmRing(std::span<std::byte> memory, const Geometry& geometry, RingSync sync, RingWait wait);

    const Geometry& geometry() const { return m_geometry; }

    // ---- producer ----
    // Waits for a free slot (not under None) and returns its frame area, frameBytes long. Throws
    // Error when the consumer's tail index is impossible.
    std::span<std::byte> claim();
    // True when the slot of the last claim() still holds the frame this producer wrote there a
    // lap ago (only the producer writes its ring's slots).
    bool claimedSlotHoldsPrevious() const { return m_headLapped; }
    // Makes the claimed slot's frame visible to the consumer (and wakes it where needed).
    void publish();

    // ---- consumer ----
    struct Read {
        enum class Status {
            Frame, // `frame` is the slot's frame, valid until release()
            Damaged, // the slot's header read from shared memory is impossible
            TimedOut, // nothing new within the timeout
        };
        Status status = Status::TimedOut;
        std::span<const std::byte> frame;
    };
    // Waits up to timeoutNs (0: no limit) for the next frame.
    Read acquire(std::uint64_t timeoutNs);
    // Hands the slot of the last acquire() back to the producer. Safe to call when acquire()
    // returned nothing to hand back.
    void release();

private:
    struct Control;
    std::byte* slot(std::uint32_t index) const
    {
        return m_slots + static_cast<std::size_t>(index) * m_geometry.slotStride;
    }
    // Calls look() until it returns a value, polling and/or sleeping on `word` as sync and wait
    // say; returns an empty value once timeoutNs has passed (0: no timeout). `sleeping` is the
    // futex waiter flag the peer checks before waking.
    template <class Look>
    auto waitFor(Look look, std::atomic<std::uint32_t>& word, std::atomic<std::uint32_t>& sleeping,
        std::uint64_t timeoutNs) -> decltype(look());
    // Takes one count of `semaphore`; false once timeoutNs has passed (0: no timeout).
    bool waitSemaphore(sem_t& semaphore, std::uint64_t timeoutNs);
    Read readSlot();
    Read acquirePolled(std::uint64_t timeoutNs);
    Read acquireUnsynchronised(std::uint64_t timeoutNs);

    Control* m_control = nullptr;
    std::byte* m_slots = nullptr;
    Geometry m_geometry;
    RingSync m_sync;
    RingWait m_wait;

    // Producer state (private to the producing process).
    std::uint32_t m_head = 0;
    std::uint32_t m_headSlot = 0;
    std::uint32_t m_cachedTail = 0;
    bool m_headLapped = false;

    // Consumer state.
    std::uint32_t m_tail = 0;
    std::uint32_t m_tailSlot = 0;
    bool m_tailLapped = false;
    bool m_holding = false; // the last acquire() took a slot that release() must hand back
};

} // namespace ipcpg
