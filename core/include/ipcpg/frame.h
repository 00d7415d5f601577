#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace ipcpg {

// Every message a transport carries is a frame: this 32-byte header followed by the payload
// the user asked for. The header is what lets the receiver verify each message on its own.
struct FrameHeader {
    std::uint16_t magic;
    std::uint16_t flags;
    std::uint32_t payloadSize;
    std::uint64_t sequence;
    std::uint64_t sendTimeNs; // CLOCK_MONOTONIC when the sender handed the frame over
    std::uint64_t checksum; // of the payload, see PayloadPattern::checksum
};
static_assert(sizeof(FrameHeader) == 32);

inline constexpr std::size_t kFrameHeaderSize = sizeof(FrameHeader);
inline constexpr std::uint16_t kFrameMagic = 0x1FC9;

enum FrameFlag : std::uint16_t {
    FrameWarmup = 1U << 0, // sent during warm-up: verified but kept out of the statistics
    FrameEnd = 1U << 1, // the last frame of a run: no payload statistics, no reply
};

inline std::size_t frameBytesFor(std::size_t payloadSize) { return kFrameHeaderSize + payloadSize; }

// Reads and writes the header without assuming the buffer is aligned.
FrameHeader readHeader(std::span<const std::byte> frame);
void writeHeader(std::span<std::byte> frame, const FrameHeader& header);

// The payload a sender builds. It is a fixed pseudo-random pattern, except the first 8 bytes of
// every 64-byte line, which carry a stamp derived from the sequence number. Stamping every line
// means each message really modifies every cache line it occupies (the receiver cannot be
// served stale lines from an earlier lap) and a message torn between two senders' writes, or a
// line left over from an earlier message, shows up in the checksum.
class PayloadPattern {
public:
    PayloadPattern(std::size_t payloadSize, std::uint64_t seed);

    std::size_t size() const { return m_size; }

    // Writes the complete payload for `sequence` into dst (dst.size() == size()) and returns its
    // checksum.
    std::uint64_t build(std::span<std::byte> dst, std::uint64_t sequence) const;

    // Rewrites only the stamps. dst must already hold this pattern (from build or an earlier
    // restamp); the cost is one store per 64-byte line. Returns the checksum.
    std::uint64_t restamp(std::span<std::byte> dst, std::uint64_t sequence) const;

    // The checksum of a received payload: the sum of its little-endian 64-bit words (the last
    // partial word zero-padded). Any single changed byte changes it, and so does any line that
    // carries another message's stamp.
    static std::uint64_t checksum(std::span<const std::byte> payload);

    // Copies `src` to `dst` (same size) and returns checksum(src), in one pass over the memory:
    // a receiver that has to copy a payload anyway verifies it without reading it again.
    static std::uint64_t copyAndChecksum(std::span<std::byte> dst, std::span<const std::byte> src);

private:
    std::uint64_t stampSum(std::uint64_t sequence) const;

    std::size_t m_size;
    std::vector<std::byte> m_base;
    std::uint64_t m_baseChecksumWithoutStamps = 0;
};

// The kinds of damage a receiver can see, counted separately so a user can tell a lossy
// mechanism from a broken one.
struct IntegrityCounts {
    std::uint64_t badSize = 0; // wrong magic, length or declared size
    std::uint64_t badChecksum = 0;
    std::uint64_t gaps = 0; // sequence jumped forward: messages missing
    std::uint64_t missing = 0; // how many sequence numbers the gaps skipped
    std::uint64_t duplicates = 0;
    std::uint64_t reordered = 0; // arrived after a later one

    std::uint64_t total() const { return badSize + badChecksum + gaps + duplicates + reordered; }
};

// Checks each received frame against the expected size and sequence. One verifier per receiving
// side; sequences start at 0 and increase by one per frame.
class FrameVerifier {
public:
    enum class Verdict { Ok, BadSize, BadChecksum, Gap, Duplicate, Reordered };

    explicit FrameVerifier(std::size_t payloadSize);

    // Verifies one frame and advances the expected sequence. On Gap the frame itself is fine and
    // is accepted; `header` is filled whenever the frame was long enough to hold one.
    // `payloadChecksum`, when given, is the checksum of the frame's payload as the transport
    // computed it while copying it (PayloadPattern::copyAndChecksum); otherwise it is computed here.
    Verdict check(std::span<const std::byte> frame, FrameHeader& header,
        std::optional<std::uint64_t> payloadChecksum = std::nullopt);

    // Records that `sequence` will never arrive (a lossy mechanism's reply that timed out) as
    // a one-message gap; the next expected sequence becomes sequence + 1.
    void countMissing(std::uint64_t sequence)
    {
        ++m_counts.gaps;
        ++m_counts.missing;
        if (sequence >= m_expected)
            m_expected = sequence + 1;
    }

    const IntegrityCounts& counts() const { return m_counts; }
    std::uint64_t expectedSequence() const { return m_expected; }

private:
    std::size_t m_payloadSize;
    std::uint64_t m_expected = 0;
    IntegrityCounts m_counts;
};

} // namespace ipcpg
