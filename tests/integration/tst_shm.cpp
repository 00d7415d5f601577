// The shared-memory ring beyond "every message arrives": the race demo really races, a hostile
// peer scribbling over the ring is reported and never followed out of bounds, and the segment is
// private while it exists and gone afterwards.
#include <QElapsedTimer>
#include <QTest>
#include <QThread>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <random>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ipcpg/error.h"
#include "ipcpg/frame.h"
#include "shm/broadcastring.h"
#include "shm/shmring.h"
#include "sys/uniquefd.h"
#include "testenvironment.h"

using namespace ipcpg;

Q_DECLARE_METATYPE(ipcpg::RingSync)

namespace {

// Heap memory for a ring, exactly as long as it needs (rounded to the alignment): under
// AddressSanitizer any access past the ring hits the allocation's red zone.
class RingMemory {
public:
    explicit RingMemory(const ShmRing::Geometry& geometry)
        : m_size((geometry.bytes() + ShmRing::kAlignment - 1) / ShmRing::kAlignment * ShmRing::kAlignment)
        , m_data(static_cast<std::byte*>(std::aligned_alloc(ShmRing::kAlignment, m_size)))
    {
        std::memset(m_data, 0, m_size);
    }
    ~RingMemory() { std::free(m_data); }
    RingMemory(const RingMemory&) = delete;
    RingMemory& operator=(const RingMemory&) = delete;
    std::span<std::byte> span() const { return { m_data, m_size }; }
    bool contains(std::span<const std::byte> part) const
    {
        return part.empty() || (part.data() >= m_data && part.data() + part.size() <= m_data + m_size);
    }
    // The shared words a peer can reach, by their offsets in the layout ShmRing documents.
    void poke(std::size_t offset, std::uint32_t value) const { std::memcpy(m_data + offset, &value, sizeof value); }
    std::uint32_t peek(std::size_t offset) const
    {
        std::uint32_t value = 0;
        std::memcpy(&value, m_data + offset, sizeof value);
        return value;
    }

private:
    std::size_t m_size;
    std::byte* m_data;
};

constexpr std::size_t kHeadOffset = 0;
constexpr std::size_t kTailOffset = 128;
std::size_t slotOffset(const ShmRing::Geometry& geometry, std::size_t slot)
{
    return ShmRing::kControlBytes + slot * geometry.slotStride;
}
std::size_t sequenceOffset(const ShmRing::Geometry& geometry, std::size_t slot) { return slotOffset(geometry, slot); }
std::size_t lengthOffset(const ShmRing::Geometry& geometry, std::size_t slot) { return slotOffset(geometry, slot) + 4; }

constexpr std::uint64_t kShortWaitNs = 2'000'000;

// A ring in heap memory with a producer's and a consumer's view of it, both in this thread.
struct RingUnderTest {
    static std::span<std::byte> formatted(const RingMemory& memory, const ShmRing::Geometry& geometry, RingSync sync)
    {
        ShmRing::format(memory.span(), geometry, sync);
        return memory.span();
    }

    RingUnderTest(RingSync sync, RingWait wait, std::size_t payload)
        : geometry(ShmRing::Geometry::forFrames(frameBytesFor(payload), sync))
        , memory(geometry)
        , producer(formatted(memory, geometry, sync), geometry, sync, wait)
        , consumer(memory.span(), geometry, sync, wait)
        , pattern(payload, payload)
    {
    }
    const ShmRing::Geometry geometry;
    const RingMemory memory;
    ShmRing producer;
    ShmRing consumer;
    const PayloadPattern pattern;
};

// One frame through the ring: build `sequence` in the claimed slot and publish it.
void produce(ShmRing& producer, const PayloadPattern& pattern, std::uint64_t sequence)
{
    const auto frame = producer.claim();
    const std::uint64_t checksum = pattern.build(frame.subspan(kFrameHeaderSize), sequence);
    writeHeader(frame, { kFrameMagic, 0, static_cast<std::uint32_t>(pattern.size()), sequence, 0, checksum });
    producer.publish();
}

std::string describe(const RunOutcome& outcome)
{
    if (!outcome.result)
        return outcome.error;
    const RunResult& r = *outcome.result;
    return outcome.error + " messages " + std::to_string(r.messages) + ", integrity "
        + std::to_string(r.integrityErrors) + ", sync " + std::to_string(r.syncErrors) + ", bad size "
        + std::to_string(r.integrity.badSize) + ", bad checksum " + std::to_string(r.integrity.badChecksum) + ", gaps "
        + std::to_string(r.integrity.gaps);
}

} // namespace

class TestShm : public QObject {
    Q_OBJECT

    test::PrivateRuntimeDir m_runtime;

    static bool twoCpus() { return QThread::idealThreadCount() >= 2; }

    static RunSpec streamSpec(std::uint64_t size, MechanismOptions options)
    {
        RunSpec spec;
        spec.mechanism = "shm";
        spec.mode = Mode::Stream;
        spec.messageSize = size;
        spec.warmupS = 0;
        spec.durationS = 1.0;
        spec.options = std::move(options);
        return spec;
    }

private slots:
    // ---- (a) the race demo races, synchronised modes never lose a frame ----------------------

    void withoutSyncTheRaceShows_data()
    {
        QTest::addColumn<QString>("copy");
        QTest::addColumn<int>("placement");
        // Cross-core, the consumer copies and checksums 64 KiB while the producer rewrites the
        // slot: torn frames every run. On one CPU the producer runs whole time slices while the
        // consumer waits, so it always laps it: overwritten frames.
        for (const char* copy : { "copy", "zero-copy" }) {
            QTest::newRow(qPrintable(QStringLiteral("%1 same-core").arg(QLatin1String(copy))))
                << QString::fromLatin1(copy) << int(Placement::SameCore);
            if (twoCpus())
                QTest::newRow(qPrintable(QStringLiteral("%1 cross-core").arg(QLatin1String(copy))))
                    << QString::fromLatin1(copy) << int(Placement::CrossCore);
        }
    }

    void withoutSyncTheRaceShows()
    {
        QFETCH(QString, copy);
        QFETCH(int, placement);
        RunSpec spec = streamSpec(64 * 1024, { { "sync", "none" }, { "copy", copy.toStdString() } });
        spec.messages = 20000;
        spec.durationS = 60;
        spec.placement = static_cast<Placement>(placement);
        const RunOutcome outcome = test::runWorker(spec);
        QVERIFY2(outcome.exitCode == 0 && outcome.result, describe(outcome).c_str());
        const RunResult& result = *outcome.result;
        QVERIFY2(!result.partial, result.error.c_str());
        QCOMPARE(result.integrityErrors, std::uint64_t { 0 }); // the damage is the demo: sync errors
        QVERIFY2(result.syncErrors > 0, describe(outcome).c_str());
        // Every frame the race cost: damaged or repeated ones and each one overwritten unread.
        const IntegrityCounts& found = result.integrity;
        QCOMPARE(result.syncErrors, found.total() - found.gaps + found.missing);
        QVERIFY(result.messages + found.missing >= spec.messages); // every frame sent is accounted for
        QCOMPARE(test::leftoverObjects(result), QStringList {});
    }

    void withSyncNothingIsLost_data()
    {
        QTest::addColumn<QString>("sync");
        QTest::addColumn<QString>("copy");
        for (const char* sync : { "semaphore", "futex", "spin" }) {
            for (const char* copy : { "copy", "zero-copy" })
                QTest::newRow(qPrintable(QStringLiteral("%1 %2").arg(QLatin1String(sync), QLatin1String(copy))))
                    << QString::fromLatin1(sync) << QString::fromLatin1(copy);
        }
    }

    void withSyncNothingIsLost()
    {
        QFETCH(QString, sync);
        QFETCH(QString, copy);
        RunSpec spec = streamSpec(64 * 1024, { { "sync", sync.toStdString() }, { "copy", copy.toStdString() } });
        spec.messages = 3000; // 47 laps of the ring
        spec.durationS = 60;
        spec.placement = twoCpus() ? Placement::CrossCore : Placement::Unpinned;
        const RunOutcome outcome = test::runWorker(spec);
        QVERIFY2(outcome.exitCode == 0 && outcome.result, describe(outcome).c_str());
        const RunResult& result = *outcome.result;
        QCOMPARE(result.syncErrors, std::uint64_t { 0 });
        QCOMPARE(result.integrityErrors, std::uint64_t { 0 });
        QCOMPARE(result.messages, spec.messages);
    }

    // ---- (b) a hostile peer ------------------------------------------------------------------

    void damagedHeadersAreReportedNotFollowed_data()
    {
        QTest::addColumn<RingSync>("sync");
        QTest::newRow("semaphore") << RingSync::Semaphore;
        QTest::newRow("futex") << RingSync::Futex;
        QTest::newRow("spin") << RingSync::Spin;
        QTest::newRow("none") << RingSync::None;
    }

    void damagedHeadersAreReportedNotFollowed()
    {
        QFETCH(RingSync, sync);
        const std::size_t payload = 64;
        RingUnderTest ring(sync, RingWait::Block, payload);
        auto& [geometry, memory, producer, consumer, pattern] = ring;
        FrameVerifier verifier(payload);
        FrameHeader header;

        // A length that is not the run's frame length: reported, and the reader moves on.
        produce(producer, pattern, 0);
        memory.poke(lengthOffset(geometry, 0), 0xFFFFFFF0);
        ShmRing::Read read = consumer.acquire(kShortWaitNs);
        QCOMPARE(read.status, ShmRing::Read::Status::Damaged);
        QCOMPARE(verifier.check(read.frame, header), FrameVerifier::Verdict::BadSize); // what the transport hands on
        consumer.release();
        produce(producer, pattern, 1);
        read = consumer.acquire(kShortWaitNs);
        QCOMPARE(read.status, ShmRing::Read::Status::Frame);
        QVERIFY(memory.contains(read.frame));
        QCOMPARE(verifier.check(read.frame, header), FrameVerifier::Verdict::Gap); // frame 0 was lost
        consumer.release();

        if (sync == RingSync::None) {
            // An absurd head: the reader skips to a slot it computes itself, inside the ring.
            memory.poke(kHeadOffset, 0x7FFFFFFF);
            read = consumer.acquire(kShortWaitNs);
            QVERIFY(read.status != ShmRing::Read::Status::TimedOut);
            QVERIFY(memory.contains(read.frame));
            consumer.release();
            return;
        }

        // A publication number that belongs to neither this lap nor the last.
        produce(producer, pattern, 2);
        memory.poke(sequenceOffset(geometry, 2), 0xABCDEF01);
        read = consumer.acquire(kShortWaitNs);
        QCOMPARE(read.status, ShmRing::Read::Status::Damaged);
        consumer.release();
        produce(producer, pattern, 3);
        read = consumer.acquire(kShortWaitNs);
        QCOMPARE(read.status, ShmRing::Read::Status::Frame);
        QCOMPARE(verifier.check(read.frame, header), FrameVerifier::Verdict::Gap);
        consumer.release();

        // Nothing published: garbage in head must not make the reader read.
        memory.poke(kHeadOffset, 0x12345678);
        read = consumer.acquire(kShortWaitNs);
        QCOMPARE(read.status, ShmRing::Read::Status::TimedOut);

        if (sync != RingSync::Semaphore) {
            // An impossible tail: the writer refuses to write rather than trust it.
            for (std::uint32_t i = 4; i < 4 + geometry.slotCount; ++i)
                produce(producer, pattern, i);
            memory.poke(kTailOffset, 0xDEAD0000);
            QVERIFY_THROWS_EXCEPTION(Error, producer.claim());
        }
    }

    void randomScribblesNeverEscapeTheRing_data() { damagedHeadersAreReportedNotFollowed_data(); }

    void randomScribblesNeverEscapeTheRing()
    {
        QFETCH(RingSync, sync);
        RingUnderTest ring(sync, RingWait::Spin, 200);
        auto& [geometry, memory, producer, consumer, pattern] = ring;
        std::mt19937 random(7);
        // Offsets a hostile peer writes to: head, tail (not under Semaphore: its tail is
        // informational and the semaphores are out of scope) and every slot's header words.
        std::vector<std::size_t> targets { kHeadOffset };
        if (sync != RingSync::Semaphore)
            targets.push_back(kTailOffset);
        for (std::size_t slot = 0; slot < geometry.slotCount; ++slot) {
            targets.push_back(sequenceOffset(geometry, slot));
            targets.push_back(lengthOffset(geometry, slot));
        }
        std::uint64_t published = 0;
        int frames = 0, damaged = 0, refused = 0;
        for (int round = 0; round < 3000; ++round) {
            // Publish unless the ring is exactly full by the tail the writer would read: it would
            // wait for the reader, which is this same thread.
            const bool full = sync != RingSync::None && sync != RingSync::Semaphore
                && static_cast<std::uint32_t>(published) - memory.peek(kTailOffset) == geometry.slotCount;
            if (!full) {
                try {
                    produce(producer, pattern, published);
                    ++published;
                } catch (const Error&) {
                    ++refused; // an impossible tail
                }
            }
            // Then scribble: over the frame just published, too.
            for (int hits = static_cast<int>(random() % 3); hits > 0; --hits)
                memory.poke(targets[random() % targets.size()], random() % 4 == 0 ? random() : random() % 256);
            const ShmRing::Read read = consumer.acquire(20'000);
            QVERIFY(memory.contains(read.frame));
            if (read.status == ShmRing::Read::Status::Frame) {
                QCOMPARE(read.frame.size(), geometry.frameBytes);
                ++frames;
            } else if (read.status == ShmRing::Read::Status::Damaged) {
                ++damaged;
            }
            consumer.release();
        }
        QVERIFY(frames > 0);
        QVERIFY(damaged > 0);
        qInfo("%d frames, %d damaged, %d refused", frames, damaged, refused);
    }

    void aLiveRunUnderAttackReportsDamageAndEnds()
    {
        // A real run; while it is under way this test opens the segment by its name and writes
        // garbage lengths into every slot header of the A->B ring, as a buggy peer would.
        const RunSpec spec = streamSpec(4096, { { "sync", "spin" } });
        const auto geometry = ShmRing::Geometry::forFrames(frameBytesFor(spec.messageSize), RingSync::Spin);
        SupervisorOptions options;
        options.workerPath = test::workerPath().toStdString();
        int attacks = 0;
        QString openError;
        options.onHello = [&](const HelloMessage& hello) {
            const QStringList objects = test::objectsOfPid(hello.pid);
            if (objects.size() != 1) {
                openError = QStringLiteral("expected one shm object, found: ") + objects.join(QLatin1Char(' '));
                return;
            }
            UniqueFd fd(::open(objects.front().toLocal8Bit().constData(), O_RDWR | O_CLOEXEC));
            if (!fd.valid()) {
                openError = QStringLiteral("cannot open ") + objects.front();
                return;
            }
            const std::size_t bytes = geometry.bytes();
            void* mapped = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd.get(), 0);
            if (mapped == MAP_FAILED) {
                openError = QStringLiteral("cannot map ") + objects.front();
                return;
            }
            auto* ring = static_cast<std::byte*>(mapped);
            std::mt19937 random(11);
            // Attack while frames flow: until the producer has published this many frames since
            // the attack began (its head counts them), however slowly a loaded machine runs it.
            // A bound of 30 s ends the attack of a run that makes no progress at all.
            constexpr std::uint32_t kFramesUnderAttack = 5000;
            const auto head = [&] {
                std::uint32_t value = 0;
                std::memcpy(&value, ring + kHeadOffset, sizeof value);
                return value;
            };
            const std::uint32_t firstHead = head();
            QElapsedTimer elapsed;
            elapsed.start();
            for (int round = 0; head() - firstHead < kFramesUnderAttack && elapsed.elapsed() < 30000;
                 ++round, ++attacks) {
                const std::size_t slot = random() % geometry.slotCount;
                const std::uint32_t garbage = random() | 1U; // odd: never the (even) frame length
                std::memcpy(ring + lengthOffset(geometry, slot), &garbage, sizeof garbage);
                if (round % 64 == 0)
                    usleep(100);
            }
            munmap(mapped, bytes);
        };
        const RunOutcome outcome = superviseRun(spec, options);
        QVERIFY2(openError.isEmpty(), qPrintable(openError));
        QVERIFY(attacks > 0);
        QVERIFY2(outcome.exitCode == 0 && outcome.result, describe(outcome).c_str());
        const RunResult& result = *outcome.result;
        QVERIFY2(!result.partial, result.error.c_str());
        QVERIFY2(result.integrity.badSize > 0, describe(outcome).c_str());
        QCOMPARE(result.integrityErrors, result.integrity.total());
        QCOMPARE(test::leftoverObjects(result), QStringList {});
    }

    // ---- (c) private while it exists, gone afterwards ----------------------------------------

    // ---- a ring written once for several readers (fan-out) ------------------------------------

    void aBroadcastRingGivesEveryReaderEveryFrame_data()
    {
        QTest::addColumn<RingSync>("sync");
        QTest::newRow("semaphore") << RingSync::Semaphore;
        QTest::newRow("futex") << RingSync::Futex;
        QTest::newRow("spin") << RingSync::Spin;
    }

    void aBroadcastRingGivesEveryReaderEveryFrame()
    {
        QFETCH(RingSync, sync);
        constexpr unsigned kReaders = 3;
        const std::size_t payload = 64;
        const ShmRing::Geometry geometry = ShmRing::Geometry::forFrames(frameBytesFor(payload), sync);
        const std::size_t bytes = BroadcastRing::bytesFor(geometry, kReaders);
        // Exactly as long as the layout, so under AddressSanitizer any access past it is caught.
        const std::unique_ptr<std::byte, decltype(&std::free)> owned(
            static_cast<std::byte*>(std::aligned_alloc(ShmRing::kAlignment, bytes)), &std::free);
        std::byte* data = owned.get();
        std::memset(data, 0, bytes);
        const std::span<std::byte> memory(data, bytes);
        BroadcastRing::format(memory, geometry, kReaders, sync);
        BroadcastRing producer(memory, geometry, kReaders, -1, sync, RingWait::Block);
        std::vector<std::unique_ptr<BroadcastRing>> readers;
        for (unsigned reader = 0; reader < kReaders; ++reader)
            readers.push_back(std::make_unique<BroadcastRing>(
                memory, geometry, kReaders, static_cast<int>(reader), sync, RingWait::Block));
        const PayloadPattern pattern(payload, payload);

        // Two laps, a ring's worth at a time: each reader sees each frame once, in order.
        std::vector<FrameVerifier> verifiers(kReaders, FrameVerifier(payload));
        for (std::uint64_t sequence = 0; sequence < 2ULL * geometry.slotCount;) {
            for (std::uint32_t i = 0; i < geometry.slotCount; ++i, ++sequence) {
                const auto frame = producer.claim();
                QVERIFY(frame.data() >= data && frame.data() + frame.size() <= data + bytes);
                const std::uint64_t checksum = pattern.build(frame.subspan(kFrameHeaderSize), sequence);
                writeHeader(frame, { kFrameMagic, 0, static_cast<std::uint32_t>(payload), sequence, 0, checksum });
                producer.publish();
            }
            for (unsigned reader = 0; reader < kReaders; ++reader) {
                for (std::uint32_t i = 0; i < geometry.slotCount; ++i) {
                    const ShmRing::Read read = readers[reader]->acquire(kShortWaitNs);
                    QCOMPARE(read.status, ShmRing::Read::Status::Frame);
                    FrameHeader header;
                    QCOMPARE(verifiers[reader].check(read.frame, header), FrameVerifier::Verdict::Ok);
                    readers[reader]->release();
                }
                // Nothing more for this reader until the producer publishes again.
                QCOMPARE(readers[reader]->acquire(kShortWaitNs).status, ShmRing::Read::Status::TimedOut);
            }
        }
        // A reader's tail that no reader could have written: the producer refuses to write.
        std::uint32_t impossible = 0xDEAD0000;
        constexpr std::size_t kReaderOneTail = 3 * 128 + 3 * 128; // after the control lines and reader 0's block
        std::memcpy(data + kReaderOneTail, &impossible, sizeof impossible);
        if (sync != RingSync::Semaphore) {
            // Fill the ring so the producer has to look at the tails again.
            QVERIFY_THROWS_EXCEPTION(Error, {
                for (std::uint32_t i = 0; i <= geometry.slotCount; ++i) {
                    producer.claim();
                    producer.publish();
                }
            });
        }
    }

    void theSegmentIsPrivateAndRemoved()
    {
        RunSpec spec;
        spec.mechanism = "shm";
        spec.durationS = 0.5;
        spec.warmupS = 0;
        SupervisorOptions options;
        options.workerPath = test::workerPath().toStdString();
        int leadPid = 0;
        QStringList seen;
        QStringList modes;
        options.onHello = [&](const HelloMessage& hello) {
            leadPid = hello.pid;
            seen = test::objectsOfPid(hello.pid);
            for (const QString& path : seen) {
                struct stat info { };
                if (::stat(path.toLocal8Bit().constData(), &info) == 0)
                    modes << QStringLiteral("%1 %2").arg(info.st_mode & 07777, 0, 8).arg(int(info.st_uid == geteuid()));
            }
        };
        const RunOutcome outcome = superviseRun(spec, options);
        QVERIFY2(outcome.exitCode == 0 && outcome.result, outcome.error.c_str());
        QCOMPARE(seen.size(), 1); // one segment for the pair: both rings
        QCOMPARE(modes, QStringList { QStringLiteral("600 1") });
        const std::vector<std::string>& objects = outcome.result->objects;
        QVERIFY(std::any_of(objects.begin(), objects.end(), [&](const std::string& object) {
            return object == "shm:" + seen.front().mid(8).toStdString(); // "/dev/shm/x" -> "shm:/x"
        }));
        QCOMPARE(test::leftoverObjects(*outcome.result), QStringList {});
        QCOMPARE(test::objectsOfPid(leadPid), QStringList {});
        QCOMPARE(m_runtime.leftoverRunDirectories(), QStringList {});
    }
};

QTEST_GUILESS_MAIN(TestShm)
#include "tst_shm.moc"
