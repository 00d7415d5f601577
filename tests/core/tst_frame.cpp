#include <QTest>
#include <vector>

#include "ipcpg/frame.h"

using namespace ipcpg;

class TestFrame : public QObject {
    Q_OBJECT

private:
    static std::vector<std::byte> frame(std::size_t payload, std::uint64_t sequence, bool restamp = false)
    {
        PayloadPattern pattern(payload, 42);
        std::vector<std::byte> bytes(kFrameHeaderSize + payload);
        const auto body = std::span(bytes).subspan(kFrameHeaderSize);
        std::uint64_t checksum = pattern.build(body, restamp ? sequence + 17 : sequence);
        if (restamp)
            checksum = pattern.restamp(body, sequence);
        writeHeader(bytes, { kFrameMagic, 0, static_cast<std::uint32_t>(payload), sequence, 1000, checksum });
        return bytes;
    }

private slots:
    void payloadSizes_data()
    {
        QTest::addColumn<int>("size");
        for (int size : { 1, 7, 8, 9, 63, 64, 65, 4096, 65536 + 3 })
            QTest::newRow(qPrintable(QString::number(size))) << size;
    }

    void payloadSizes()
    {
        QFETCH(int, size);
        FrameVerifier verifier(static_cast<std::size_t>(size));
        FrameHeader header;
        for (std::uint64_t seq = 0; seq < 5; ++seq) {
            const auto bytes = frame(static_cast<std::size_t>(size), seq, seq % 2 == 1);
            QCOMPARE(verifier.check(bytes, header), FrameVerifier::Verdict::Ok);
            QCOMPARE(header.sequence, seq);
        }
        QCOMPARE(verifier.counts().total(), std::uint64_t { 0 });
    }

    void detectsAFlippedByteAnywhere()
    {
        const std::size_t size = 300;
        for (std::size_t position = 0; position < size; position += 13) {
            FrameVerifier verifier(size);
            auto bytes = frame(size, 0);
            bytes[kFrameHeaderSize + position] ^= std::byte { 0x10 };
            FrameHeader header;
            QCOMPARE(verifier.check(bytes, header), FrameVerifier::Verdict::BadChecksum);
            QCOMPARE(verifier.counts().badChecksum, std::uint64_t { 1 });
        }
    }

    void detectsALineFromAnotherMessage()
    {
        // A tear: the second cache line of message 5 comes from message 4.
        auto current = frame(256, 5);
        const auto previous = frame(256, 4);
        std::copy_n(previous.begin() + kFrameHeaderSize + 64, 64, current.begin() + kFrameHeaderSize + 64);
        FrameVerifier verifier(256);
        FrameHeader header;
        QCOMPARE(verifier.check(current, header), FrameVerifier::Verdict::BadChecksum);
    }

    void detectsGapDuplicateAndReorder()
    {
        FrameVerifier verifier(64);
        FrameHeader header;
        QCOMPARE(verifier.check(frame(64, 0), header), FrameVerifier::Verdict::Ok);
        QCOMPARE(verifier.check(frame(64, 1), header), FrameVerifier::Verdict::Ok);
        QCOMPARE(verifier.check(frame(64, 4), header), FrameVerifier::Verdict::Gap);
        QCOMPARE(verifier.counts().missing, std::uint64_t { 2 });
        QCOMPARE(verifier.check(frame(64, 4), header), FrameVerifier::Verdict::Duplicate);
        QCOMPARE(verifier.check(frame(64, 2), header), FrameVerifier::Verdict::Reordered);
        QCOMPARE(verifier.check(frame(64, 5), header), FrameVerifier::Verdict::Ok);
        const IntegrityCounts& counts = verifier.counts();
        QCOMPARE(counts.gaps, std::uint64_t { 1 });
        QCOMPARE(counts.duplicates, std::uint64_t { 1 });
        QCOMPARE(counts.reordered, std::uint64_t { 1 });
        QCOMPARE(counts.total(), std::uint64_t { 3 });
    }

    void detectsBadSizes()
    {
        FrameVerifier verifier(64);
        FrameHeader header;
        auto shortFrame = frame(64, 0);
        shortFrame.resize(50);
        QCOMPARE(verifier.check(shortFrame, header), FrameVerifier::Verdict::BadSize);
        QCOMPARE(
            verifier.check(std::span<const std::byte>(shortFrame).first(10), header), FrameVerifier::Verdict::BadSize);
        auto wrongDeclared = frame(64, 0);
        FrameHeader h = readHeader(wrongDeclared);
        h.payloadSize = 65;
        writeHeader(wrongDeclared, h);
        QCOMPARE(verifier.check(wrongDeclared, header), FrameVerifier::Verdict::BadSize);
        auto wrongMagic = frame(64, 0);
        wrongMagic[0] = std::byte { 0 };
        QCOMPARE(verifier.check(wrongMagic, header), FrameVerifier::Verdict::BadSize);
        QCOMPARE(verifier.counts().badSize, std::uint64_t { 4 });
    }

    void copyAndChecksumCopiesAndSums_data()
    {
        QTest::addColumn<int>("size");
        for (int size : { 0, 1, 7, 63, 64, 65, 1000, 65536 + 13 })
            QTest::newRow(qPrintable(QString::number(size))) << size;
    }

    void copyAndChecksumCopiesAndSums()
    {
        QFETCH(int, size);
        PayloadPattern pattern(static_cast<std::size_t>(size), 3);
        std::vector<std::byte> source(static_cast<std::size_t>(size) + 3), copy(static_cast<std::size_t>(size) + 5);
        // Odd offsets: the copy must not depend on alignment.
        const auto from = std::span(source).subspan(3, static_cast<std::size_t>(size));
        const auto to = std::span(copy).subspan(5, static_cast<std::size_t>(size));
        pattern.build(from, 77);
        QCOMPARE(PayloadPattern::copyAndChecksum(to, from), PayloadPattern::checksum(from));
        QVERIFY(std::equal(from.begin(), from.end(), to.begin()));
        // A checksum handed in by the transport is the one the verifier uses.
        std::vector<std::byte> frame(kFrameHeaderSize + static_cast<std::size_t>(size));
        const std::uint64_t sum = pattern.build(std::span(frame).subspan(kFrameHeaderSize), 0);
        writeHeader(frame, { kFrameMagic, 0, static_cast<std::uint32_t>(size), 0, 1, sum });
        FrameVerifier verifier(static_cast<std::size_t>(size));
        FrameHeader header;
        QCOMPARE(verifier.check(frame, header, sum + 1), FrameVerifier::Verdict::BadChecksum);
    }

    void restampEqualsBuild()
    {
        PayloadPattern pattern(1000, 7);
        std::vector<std::byte> a(1000), b(1000);
        pattern.build(a, 1);
        const auto restamped = pattern.restamp(a, 99);
        const auto built = pattern.build(b, 99);
        QCOMPARE(restamped, built);
        QVERIFY(a == b);
        QCOMPARE(PayloadPattern::checksum(a), built);
    }
};

QTEST_APPLESS_MAIN(TestFrame)
#include "tst_frame.moc"
