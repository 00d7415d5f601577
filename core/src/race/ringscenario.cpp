// ring: a producer passes numbered items to a consumer through a shared ring of slots. Without
// synchronisation neither waits for the other: the producer overwrites items not yet consumed and
// the consumer reads slots that hold nothing new.
#include <algorithm>

#include "race/racescenario.h"
#include "race/racetools.h"
#include "race/sharedlocks.h"

namespace ipcpg {

namespace {

constexpr std::uint64_t kSlots = 64;

struct RingState {
    alignas(64) std::atomic<std::uint64_t> head; // items written (producer's index)
    alignas(64) std::atomic<std::uint64_t> tail; // items taken (consumer's index)
    alignas(64) std::atomic<std::uint32_t> producerDone;
    alignas(64) SharedSemaphore empty; // bounded buffer: free slots
    alignas(64) SharedSemaphore full; // bounded buffer: filled slots
    alignas(64) std::atomic<std::uint64_t> slots[kSlots]; // item numbers, from 1
    alignas(64) std::atomic<std::uint64_t> taken[kSlots]; // the item last taken from each slot (accounting only)
};

enum class Sync { None, Semaphore, LockFree };

Sync syncOf(const RaceSpec& spec)
{
    if (spec.sync == "semaphore")
        return Sync::Semaphore;
    if (spec.sync == "lockfree")
        return Sync::LockFree;
    return Sync::None;
}

// Slot counters: the producer's and the consumer's.
enum ProducerCount { Overwritten = 0 };
enum ConsumerCount { Delivered = 0, Duplicated = 1, Skipped = 2 };

constexpr int kWaitSliceMs = 20; // how often a blocked side looks for a stop request

// The consumer's view of the item numbers it takes, in order.
class SequenceCheck {
public:
    void take(std::uint64_t item)
    {
        if (item == m_next) {
            ++m_delivered;
            ++m_next;
        } else if (item > m_next) {
            m_skipped += item - m_next; // items m_next .. item-1 went past unseen
            ++m_delivered;
            m_next = item + 1;
        } else {
            ++m_duplicated; // an item already taken or passed, or an empty slot (0)
        }
    }
    std::uint64_t delivered() const { return m_delivered; }
    std::uint64_t duplicated() const { return m_duplicated; }
    std::uint64_t skipped() const { return m_skipped; }

private:
    std::uint64_t m_next = 1;
    std::uint64_t m_delivered = 0, m_duplicated = 0, m_skipped = 0;
};

class RingScenario final : public RaceScenario {
public:
    RingScenario()
    {
        m_info.id = "ring";
        m_info.title = "Producer and consumer on a shared ring";
        m_info.summary = "numbered items pass through a 64-slot ring in shared memory from a producer to a consumer";
        m_info.counted = "items skipped or read twice";
        m_info.modes = {
            { "none", "No synchronisation", true,
                "neither side waits: the producer overwrites unread slots, the consumer rereads stale ones" },
            { "semaphore", "Semaphores (bounded buffer)", false,
                "the classic bounded buffer: one semaphore counts empty slots, one counts full slots" },
            { "lockfree", "Lock-free (acquire/release)", false,
                "single producer, single consumer: each publishes its index with a release store" },
        };
        m_info.workers = { 2, 2, 2 };
        m_info.workersHelp = "processes: one producer and one consumer";
        m_info.iterations = { 1, 100'000'000, 200'000 };
        m_info.iterationsHelp = "items produced";
        m_info.demoIterations = 10'000'000;
        m_info.windowNs = { 0, 1'000'000, 100 };
        m_info.windowHelp = "time the consumer spends on each item; the producer spends half as long";
    }

    const RaceScenarioInfo& info() const override { return m_info; }

    std::size_t sharedBytes(const RaceSpec&) const override { return sizeof(RingState); }

    void initialise(void* area, const RaceSpec&) const override
    {
        auto* state = new (area) RingState {};
        state->empty.initialise(kSlots);
        state->full.initialise(0);
    }

    void destroy(void* area, const RaceSpec&) const override
    {
        auto* state = static_cast<RingState*>(area);
        state->empty.destroy();
        state->full.destroy();
    }

    std::string role(const RaceSpec&, unsigned index) const override { return index == 0 ? "producer" : "consumer"; }

    void run(RaceWorker& worker) const override
    {
        if (worker.index == 0)
            produce(worker);
        else
            consume(worker);
    }

    RaceTally tally(const RaceControl& control, const void*, const RaceSpec&, bool final) const override
    {
        const RaceWorkerSlot& producer = control.workers[0];
        const RaceWorkerSlot& consumer = control.workers[1];
        RaceTally tally;
        tally.expected = producer.done.load(std::memory_order_acquire);
        tally.observed = consumer.counts[Delivered].load(std::memory_order_acquire);
        const std::uint64_t duplicated = consumer.counts[Duplicated].load(std::memory_order_relaxed);
        // While running, items still in the ring are not lost: count only what the consumer has
        // seen go past. At the end every produced item not delivered in order was skipped.
        const std::uint64_t skipped = final ? tally.expected - std::min(tally.expected, tally.observed)
                                            : consumer.counts[Skipped].load(std::memory_order_relaxed);
        tally.syncErrors = skipped + duplicated;
        tally.details["overwritten"] = producer.counts[Overwritten].load(std::memory_order_relaxed);
        tally.details["duplicated"] = duplicated;
        tally.details["skipped"] = skipped;
        return tally;
    }

private:
    void produce(RaceWorker& worker) const
    {
        auto& state = *static_cast<RingState*>(worker.area);
        const Sync sync = syncOf(worker.spec);
        const std::uint64_t iterations = *worker.spec.iterations;
        const std::uint64_t window = *worker.spec.windowNs;
        std::uint64_t overwritten = 0;
        Backoff backoff;
        for (std::uint64_t item = 1; item <= iterations && !worker.stopRequested(); ++item) {
            const std::uint64_t head = state.head.load(std::memory_order_relaxed);
            const std::uint64_t slot = head % kSlots;
            if (sync == Sync::Semaphore) {
                if (!state.empty.waitFor(kWaitSliceMs)) {
                    --item; // no free slot yet: try this item again
                    continue;
                }
            } else if (sync == Sync::LockFree) {
                if (head - state.tail.load(std::memory_order_acquire) == kSlots) {
                    --item;
                    backoff.pause();
                    continue;
                }
            }
            // Accounting, not synchronisation: was the item in this slot ever taken?
            if (state.slots[slot].load(std::memory_order_relaxed) != state.taken[slot].load(std::memory_order_relaxed))
                worker.publish(worker.slot.counts[Overwritten], ++overwritten);
            state.slots[slot].store(item, std::memory_order_relaxed);
            state.head.store(head + 1, std::memory_order_release);
            if (sync == Sync::Semaphore)
                state.full.post();
            worker.publish(worker.slot.done, item);
            backoff.reset();
            busyDelay(window / 2); // the producer is twice as fast as the consumer
        }
        state.producerDone.store(1, std::memory_order_release);
    }

    void consume(RaceWorker& worker) const
    {
        auto& state = *static_cast<RingState*>(worker.area);
        const Sync sync = syncOf(worker.spec);
        const std::uint64_t iterations = *worker.spec.iterations;
        const std::uint64_t window = *worker.spec.windowNs;
        // A correct consumer, once stopped, still drains what was produced, so a stopped race
        // does not count items in flight as lost.
        const auto drained = [&] {
            return state.producerDone.load(std::memory_order_acquire) != 0
                && state.tail.load(std::memory_order_relaxed) == state.head.load(std::memory_order_acquire);
        };
        SequenceCheck check;
        Backoff backoff;
        for (std::uint64_t taken = 0; taken < iterations;) {
            const std::uint64_t tail = state.tail.load(std::memory_order_relaxed);
            if (sync == Sync::None) {
                if (worker.stopRequested())
                    break;
            } else if (sync == Sync::Semaphore) {
                if (!state.full.waitFor(kWaitSliceMs)) {
                    if (worker.stopRequested() && drained())
                        break;
                    continue;
                }
            } else if (tail == state.head.load(std::memory_order_acquire)) {
                if (worker.stopRequested() && drained())
                    break;
                backoff.pause();
                continue;
            }
            const std::uint64_t item = state.slots[tail % kSlots].load(std::memory_order_relaxed);
            state.taken[tail % kSlots].store(item, std::memory_order_relaxed);
            state.tail.store(tail + 1, std::memory_order_release);
            if (sync == Sync::Semaphore)
                state.empty.post();
            check.take(item);
            ++taken;
            backoff.reset();
            worker.publish(worker.slot.counts[Duplicated], check.duplicated());
            worker.publish(worker.slot.counts[Skipped], check.skipped());
            worker.publish(worker.slot.counts[Delivered], check.delivered());
            worker.publish(worker.slot.done, taken);
            busyDelay(window);
        }
    }

    RaceScenarioInfo m_info;
};

} // namespace

const RaceScenario& ringScenario()
{
    static const RingScenario scenario;
    return scenario;
}

} // namespace ipcpg
