#include "ipcpg/frame.h"

#include <cstring>

namespace ipcpg {

namespace {

constexpr std::size_t kLine = 64;
// Odd, so distinct sequence numbers never give the same stamp sum modulo 2^64 for small gaps.
constexpr std::uint64_t kStampMultiplier = 0x9E3779B97F4A7C15ULL;

std::uint64_t stampValue(std::uint64_t sequence, std::size_t line)
{
    return sequence * kStampMultiplier + static_cast<std::uint64_t>(line);
}

// splitmix64: a fast, well-mixed generator for the fixed part of the pattern.
std::uint64_t splitmix(std::uint64_t& state)
{
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

std::uint64_t loadWord(const std::byte* p)
{
    std::uint64_t word;
    std::memcpy(&word, p, sizeof word);
    return word;
}

void storeWord(std::byte* p, std::uint64_t word) { std::memcpy(p, &word, sizeof word); }

// A stamp occupies the first 8 bytes of a line; a last line shorter than 8 bytes has none.
std::size_t stampedLines(std::size_t size) { return size >= 8 ? (size - 8) / kLine + 1 : 0; }

} // namespace

FrameHeader readHeader(std::span<const std::byte> frame)
{
    FrameHeader header {};
    std::memcpy(&header, frame.data(), sizeof header);
    return header;
}

void writeHeader(std::span<std::byte> frame, const FrameHeader& header)
{
    std::memcpy(frame.data(), &header, sizeof header);
}

PayloadPattern::PayloadPattern(std::size_t payloadSize, std::uint64_t seed)
    : m_size(payloadSize)
    , m_base(payloadSize)
{
    std::uint64_t state = seed;
    std::size_t offset = 0;
    for (; offset + 8 <= m_size; offset += 8)
        storeWord(m_base.data() + offset, splitmix(state));
    const std::uint64_t tail = splitmix(state);
    std::memcpy(m_base.data() + offset, &tail, m_size - offset);
    // The stamped words are replaced in every message; their base value never counts.
    for (std::size_t line = 0; line < stampedLines(m_size); ++line)
        storeWord(m_base.data() + line * kLine, 0);
    m_baseChecksumWithoutStamps = checksum(m_base);
}

std::uint64_t PayloadPattern::stampSum(std::uint64_t sequence) const
{
    const std::uint64_t lines = stampedLines(m_size);
    // sum over lines of (sequence * k + line) = lines * sequence * k + lines * (lines - 1) / 2
    return lines * sequence * kStampMultiplier + lines * (lines - 1) / 2;
}

std::uint64_t PayloadPattern::build(std::span<std::byte> dst, std::uint64_t sequence) const
{
    std::memcpy(dst.data(), m_base.data(), m_size);
    return restamp(dst, sequence);
}

std::uint64_t PayloadPattern::restamp(std::span<std::byte> dst, std::uint64_t sequence) const
{
    const std::size_t lines = stampedLines(m_size);
    std::byte* base = dst.data();
    for (std::size_t line = 0; line < lines; ++line)
        storeWord(base + line * kLine, stampValue(sequence, line));
    return m_baseChecksumWithoutStamps + stampSum(sequence);
}

std::uint64_t PayloadPattern::checksum(std::span<const std::byte> payload)
{
    const std::byte* p = payload.data();
    const std::size_t n = payload.size();
    // Four independent sums let the compiler keep several additions in flight (and vectorise).
    std::uint64_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    std::size_t offset = 0;
    for (; offset + 32 <= n; offset += 32) {
        s0 += loadWord(p + offset);
        s1 += loadWord(p + offset + 8);
        s2 += loadWord(p + offset + 16);
        s3 += loadWord(p + offset + 24);
    }
    for (; offset + 8 <= n; offset += 8)
        s0 += loadWord(p + offset);
    if (offset < n) {
        std::uint64_t tail = 0;
        std::memcpy(&tail, p + offset, n - offset);
        s0 += tail;
    }
    return s0 + s1 + s2 + s3;
}

std::uint64_t PayloadPattern::copyAndChecksum(std::span<std::byte> dst, std::span<const std::byte> src)
{
    // 16-byte vectors the compiler maps onto whatever the target has (SSE2 on any x86-64): the
    // same loads feed the stores and the sums, so the copy costs no more reads than memcpy.
    using Lanes = std::uint64_t __attribute__((vector_size(16)));
    const std::byte* from = src.data();
    std::byte* to = dst.data();
    const std::size_t n = src.size();
    Lanes s0 {}, s1 {}, s2 {}, s3 {};
    std::size_t offset = 0;
    for (; offset + 64 <= n; offset += 64) {
        Lanes a, b, c, d;
        std::memcpy(&a, from + offset, 16);
        std::memcpy(&b, from + offset + 16, 16);
        std::memcpy(&c, from + offset + 32, 16);
        std::memcpy(&d, from + offset + 48, 16);
        std::memcpy(to + offset, &a, 16);
        std::memcpy(to + offset + 16, &b, 16);
        std::memcpy(to + offset + 32, &c, 16);
        std::memcpy(to + offset + 48, &d, 16);
        s0 += a;
        s1 += b;
        s2 += c;
        s3 += d;
    }
    const Lanes all = s0 + s1 + s2 + s3;
    std::memcpy(to + offset, from + offset, n - offset);
    return all[0] + all[1] + checksum(src.subspan(offset));
}

FrameVerifier::FrameVerifier(std::size_t payloadSize)
    : m_payloadSize(payloadSize)
{
}

FrameVerifier::Verdict FrameVerifier::check(
    std::span<const std::byte> frame, FrameHeader& header, std::optional<std::uint64_t> payloadChecksum)
{
    if (frame.size() < kFrameHeaderSize) {
        ++m_counts.badSize;
        header = {};
        return Verdict::BadSize;
    }
    header = readHeader(frame);
    if (header.magic != kFrameMagic || header.payloadSize != m_payloadSize
        || frame.size() != kFrameHeaderSize + m_payloadSize) {
        ++m_counts.badSize;
        return Verdict::BadSize;
    }
    const std::uint64_t sum = payloadChecksum ? *payloadChecksum : PayloadPattern::checksum(frame.subspan(kFrameHeaderSize));
    if (sum != header.checksum) {
        ++m_counts.badChecksum;
        // A damaged frame still occupies its place in the sequence when its header is plausible.
        if (header.sequence == m_expected)
            ++m_expected;
        return Verdict::BadChecksum;
    }
    if (header.sequence == m_expected) {
        ++m_expected;
        return Verdict::Ok;
    }
    if (header.sequence > m_expected) {
        ++m_counts.gaps;
        m_counts.missing += header.sequence - m_expected;
        m_expected = header.sequence + 1;
        return Verdict::Gap;
    }
    if (header.sequence + 1 == m_expected) {
        ++m_counts.duplicates;
        return Verdict::Duplicate;
    }
    ++m_counts.reordered;
    return Verdict::Reordered;
}

} // namespace ipcpg
