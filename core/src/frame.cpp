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
    if (offset < m_size)
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
    if (m_size > 0) // an empty payload may have no storage at all
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

// Both passes over a payload use 32-byte vectors: where the CPU has AVX2 they run in one
// instruction each (the function is compiled twice and the loader picks the version), elsewhere
// the compiler splits them in two. Every receiver reads every payload through one of these, so
// their speed is the harness's cost of verifying.
namespace {

using Lanes = std::uint64_t __attribute__((vector_size(32)));

// By reference: the callers are compiled for AVX2 and for plain x86-64, which pass a 32-byte
// vector by value differently (in a register or in memory); unoptimised builds do not inline it.
std::uint64_t sumOfLanes(const Lanes& lanes) { return lanes[0] + lanes[1] + lanes[2] + lanes[3]; }

} // namespace

// Not under ThreadSanitizer: the loader runs a clone's resolver before the TSan runtime is up,
// and an instrumented resolver crashes every program at start. GCC's clones only: clang (and so
// clang-tidy) refuses a member function that becomes multiversioned after its declaration.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(__SANITIZE_THREAD__)
#define IPCPG_VECTOR_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define IPCPG_VECTOR_CLONES
#endif

IPCPG_VECTOR_CLONES std::uint64_t PayloadPattern::checksum(std::span<const std::byte> payload)
{
    const std::byte* p = payload.data();
    const std::size_t n = payload.size();
    Lanes s0 {}, s1 {};
    std::size_t offset = 0;
    for (; offset + 64 <= n; offset += 64) {
        Lanes a, b;
        std::memcpy(&a, p + offset, 32);
        std::memcpy(&b, p + offset + 32, 32);
        s0 += a;
        s1 += b;
    }
    const Lanes all = s0 + s1;
    std::uint64_t sum = sumOfLanes(all);
    for (; offset + 8 <= n; offset += 8)
        sum += loadWord(p + offset);
    if (offset < n) {
        std::uint64_t tail = 0;
        std::memcpy(&tail, p + offset, n - offset);
        sum += tail;
    }
    return sum;
}

IPCPG_VECTOR_CLONES std::uint64_t PayloadPattern::copyAndChecksum(
    std::span<std::byte> dst, std::span<const std::byte> src)
{
    // The same loads feed the stores and the sums, so the copy costs no more reads than memcpy.
    const std::byte* from = src.data();
    std::byte* to = dst.data();
    const std::size_t n = src.size();
    Lanes s0 {}, s1 {};
    std::size_t offset = 0;
    for (; offset + 64 <= n; offset += 64) {
        Lanes a, b;
        std::memcpy(&a, from + offset, 32);
        std::memcpy(&b, from + offset + 32, 32);
        std::memcpy(to + offset, &a, 32);
        std::memcpy(to + offset + 32, &b, 32);
        s0 += a;
        s1 += b;
    }
    if (offset < n)
        std::memcpy(to + offset, from + offset, n - offset);
    const Lanes all = s0 + s1;
    return sumOfLanes(all) + checksum(src.subspan(offset));
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
    const std::uint64_t sum
        = payloadChecksum ? *payloadChecksum : PayloadPattern::checksum(frame.subspan(kFrameHeaderSize));
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
