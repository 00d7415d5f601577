// torn: one writer keeps updating a multi-word record; readers copy it and check it. A read that
// overlaps a write sees part old, part new record: a torn read.
#include <algorithm>
#include <array>
#include <unistd.h>

#include "race/racescenario.h"
#include "race/racetools.h"
#include "race/sharedlocks.h"

namespace ipcpg {

namespace {

constexpr std::uint64_t kMaxRecordBytes = 4096; // one page on every Linux platform we target
constexpr std::size_t kMaxWords = kMaxRecordBytes / 8;

struct TornState {
    alignas(64) std::atomic<std::uint64_t> sequence; // seqlock: odd while a write is in progress
    alignas(64) std::atomic<std::uint32_t> writerDone;
    alignas(64) SharedMutex mutex;
};

// The record follows the state, on its own cache lines. Its words are plain memory accessed
// through atomic_ref: each word is read and written whole, the record as a whole is not.
constexpr std::size_t kRecordOffset = (sizeof(TornState) + 63) / 64 * 64;

std::uint64_t* recordOf(void* area)
{
    return reinterpret_cast<std::uint64_t*>(static_cast<char*>(area) + kRecordOffset);
}

// Word j of version n. Every word depends on n, so a record mixing two versions cannot pass.
constexpr std::uint64_t patternWord(std::uint64_t version, std::size_t j)
{
    return j == 0 ? version : (version + j) * 0x9E3779B97F4A7C15ULL;
}

bool intact(const std::uint64_t* record, std::size_t words)
{
    const std::uint64_t version = record[0];
    for (std::size_t j = 1; j < words; ++j) {
        if (record[j] != patternWord(version, j))
            return false;
    }
    return true;
}

enum class Sync { None, Seqlock, Mutex };

Sync syncOf(const RaceSpec& spec)
{
    if (spec.sync == "seqlock")
        return Sync::Seqlock;
    if (spec.sync == "mutex")
        return Sync::Mutex;
    return Sync::None;
}

// Each reader checks at least this many copies (or `iterations`, if fewer) while the writer writes.
constexpr std::uint64_t kCheckedReadsPerReader = 10'000;

// Reader slot counters.
enum Count { TornReads = 0, Retries = 1 };

class TornScenario final : public RaceScenario {
public:
    TornScenario()
    {
        m_info.id = "torn";
        m_info.title = "Torn reads of a shared record";
        m_info.summary = "a writer updates a multi-word record while readers check every copy they take";
        m_info.counted = "torn reads";
        m_info.modes = {
            { "none", "No synchronisation", true, "readers copy the record while the writer may be half-way through" },
            { "seqlock", "Sequence lock", false,
                "the writer bumps a sequence number before and after; readers retry a copy that saw it change" },
            { "mutex", "Mutex", false, "writer and readers take a process-shared robust mutex around each access" },
        };
        m_info.workers = { 2, kMaxRaceWorkers, 2 };
        m_info.workersHelp = "processes: one writer, the rest readers";
        m_info.iterations = { 1, 100'000'000, 200'000 };
        m_info.iterationsHelp = "record updates by the writer (more until each reader has checked 10,000 copies)";
        m_info.demoIterations = 20'000'000;
        m_info.windowNs = { 0, 1'000'000, 100 };
        m_info.windowHelp = "busy delay in the middle of each record update, and again between updates";
        m_info.recordSize = RaceRange { 16, std::min<std::uint64_t>(kMaxRecordBytes, pageSize()), 256 };
        m_info.recordAlignment = 8;
    }

    const RaceScenarioInfo& info() const override { return m_info; }

    std::size_t sharedBytes(const RaceSpec& spec) const override
    {
        return kRecordOffset + static_cast<std::size_t>(*spec.recordSize);
    }

    void initialise(void* area, const RaceSpec& spec) const override
    {
        auto* state = new (area) TornState {};
        state->mutex.initialise();
        std::uint64_t* record = recordOf(area);
        for (std::size_t j = 0; j < *spec.recordSize / 8; ++j)
            record[j] = patternWord(0, j);
    }

    void destroy(void* area, const RaceSpec&) const override { static_cast<TornState*>(area)->mutex.destroy(); }

    std::string role(const RaceSpec&, unsigned index) const override
    {
        return index == 0 ? "writer" : "reader " + std::to_string(index);
    }

    void run(RaceWorker& worker) const override
    {
        if (worker.index == 0)
            write(worker);
        else
            read(worker);
    }

    RaceTally tally(const RaceControl& control, const void*, const RaceSpec& spec, bool) const override
    {
        RaceTally tally;
        std::uint64_t retries = 0;
        for (unsigned i = 1; i < *spec.workers; ++i) {
            const RaceWorkerSlot& reader = control.workers[i];
            // Torn first, reads after: a read is published after its verdict, so torn <= reads.
            const std::uint64_t torn = reader.counts[TornReads].load(std::memory_order_acquire);
            const std::uint64_t reads = reader.done.load(std::memory_order_acquire);
            tally.syncErrors += torn;
            tally.expected += reads;
            tally.observed += reads - std::min(reads, torn);
            retries += reader.counts[Retries].load(std::memory_order_relaxed);
        }
        tally.details["writes"] = control.workers[0].done.load(std::memory_order_relaxed);
        tally.details["reads"] = tally.expected;
        tally.details["torn_reads"] = tally.syncErrors;
        if (syncOf(spec) == Sync::Seqlock)
            tally.details["seqlock_retries"] = retries;
        return tally;
    }

private:
    static std::uint64_t pageSize()
    {
        const long size = sysconf(_SC_PAGESIZE);
        return size > 0 ? static_cast<std::uint64_t>(size) : kMaxRecordBytes;
    }

    static void writeRecord(std::uint64_t* record, std::size_t words, std::uint64_t version, std::uint64_t window)
    {
        // Word by word, with the window half-way: a reader arriving then finds half a new record.
        for (std::size_t j = 0; j < words; ++j) {
            if (j == words / 2)
                busyDelay(window);
            std::atomic_ref<std::uint64_t>(record[j]).store(patternWord(version, j), std::memory_order_relaxed);
        }
    }

    static void copyRecord(std::uint64_t* record, std::size_t words, std::uint64_t* into)
    {
        for (std::size_t j = 0; j < words; ++j)
            into[j] = std::atomic_ref<std::uint64_t>(record[j]).load(std::memory_order_relaxed);
    }

    void write(RaceWorker& worker) const
    {
        auto& state = *static_cast<TornState*>(worker.area);
        std::uint64_t* record = recordOf(worker.area);
        const Sync sync = syncOf(worker.spec);
        const std::size_t words = *worker.spec.recordSize / 8;
        const std::uint64_t window = *worker.spec.windowNs;
        const std::uint64_t iterations = *worker.spec.iterations;
        // Readers compete with the writer for the CPUs: on a busy machine they may be scheduled
        // only after most updates. The writer goes on past `iterations` until every reader has
        // checked its share of copies taken while the record was changing.
        const std::uint64_t readsEach = std::min(iterations, kCheckedReadsPerReader);
        const auto readersCaughtUp = [&] {
            for (unsigned i = 1; i < *worker.spec.workers; ++i)
                if (worker.control.workers[i].done.load(std::memory_order_relaxed) < readsEach)
                    return false;
            return true;
        };
        for (std::uint64_t version = 1; !worker.stopRequested() && (version <= iterations || !readersCaughtUp());
             ++version) {
            switch (sync) {
            case Sync::None:
                writeRecord(record, words, version, window);
                break;
            case Sync::Seqlock: {
                // Odd while writing. The release fence keeps the record's stores after the odd
                // number; the release store keeps them before the even one.
                const std::uint64_t sequence = state.sequence.load(std::memory_order_relaxed);
                state.sequence.store(sequence + 1, std::memory_order_relaxed);
                std::atomic_thread_fence(std::memory_order_release);
                writeRecord(record, words, version, window);
                state.sequence.store(sequence + 2, std::memory_order_release);
                break;
            }
            case Sync::Mutex:
                state.mutex.lock();
                writeRecord(record, words, version, window);
                state.mutex.unlock();
                break;
            }
            worker.publish(worker.slot.done, version);
            // As long again between updates: a record that is rewritten without pause would
            // starve the seqlock's readers, which retry every copy that overlaps a write.
            busyDelay(window);
        }
        state.writerDone.store(1, std::memory_order_release);
    }

    void read(RaceWorker& worker) const
    {
        auto& state = *static_cast<TornState*>(worker.area);
        std::uint64_t* record = recordOf(worker.area);
        const Sync sync = syncOf(worker.spec);
        const std::size_t words = *worker.spec.recordSize / 8;
        std::array<std::uint64_t, kMaxWords> copy {};
        std::uint64_t reads = 0, torn = 0, retries = 0;
        // Until the writer is done, then once more: every reader checks at least one record.
        bool last = false;
        while (!last) {
            last = state.writerDone.load(std::memory_order_acquire) != 0 || worker.stopRequested();
            switch (sync) {
            case Sync::None:
                copyRecord(record, words, copy.data());
                break;
            case Sync::Seqlock:
                for (Backoff backoff;;) {
                    const std::uint64_t before = state.sequence.load(std::memory_order_acquire);
                    if ((before & 1U) == 0) {
                        copyRecord(record, words, copy.data());
                        std::atomic_thread_fence(std::memory_order_acquire);
                        if (state.sequence.load(std::memory_order_relaxed) == before)
                            break;
                    }
                    ++retries;
                    backoff.pause();
                }
                break;
            case Sync::Mutex:
                state.mutex.lock();
                copyRecord(record, words, copy.data());
                state.mutex.unlock();
                break;
            }
            if (!intact(copy.data(), words))
                worker.publish(worker.slot.counts[TornReads], ++torn);
            worker.publish(worker.slot.done, ++reads);
            if ((reads & 1023U) == 0)
                worker.publish(worker.slot.counts[Retries], retries);
        }
        worker.publish(worker.slot.counts[Retries], retries);
    }

    RaceScenarioInfo m_info;
};

} // namespace

const RaceScenario& tornScenario()
{
    static const TornScenario scenario;
    return scenario;
}

} // namespace ipcpg
