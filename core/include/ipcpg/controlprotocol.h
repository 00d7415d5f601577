#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "ipcpg/histogram.h"
#include "ipcpg/runresult.h"

namespace ipcpg {

// The lead worker talks to its front end (CLI or GUI) over its stdout: one JSON object per line,
// each with a "type". The front end never trusts a line: parseControlLine rejects anything
// malformed, oversized or out of range with a ProtocolError and never crashes on it.

inline constexpr int kControlProtocolVersion = 1;
inline constexpr std::size_t kMaxControlLineBytes = 1U << 20;

struct HelloMessage {
    int protocol = kControlProtocolVersion;
    int pid = 0;
    std::vector<int> workerPids; // the forked sides, in pair order (A, B, A, B, ...)
    double clockReadNs = 0;
};

// One subscriber or publisher of a fan-out or fan-in so far: running totals, for a live table.
struct MemberSample {
    int index = 0;
    std::uint64_t messages = 0;
    std::uint64_t lost = 0;
    std::uint64_t integrityErrors = 0;
    LatencySummary latencyNs; // of everything measured so far
};

// Progress over the last interval (about 100 ms) plus running totals.
// A live sample. Its interval runs from the previous sample the lead could write: a sample the
// front end had no room for is never lost, the next one covers its interval too. So the interval
// fields of the samples a front end receives add up to the running totals, and the lead's last
// sample (sent when the sides have ended) to the result.
struct SampleMessage {
    double elapsedS = 0; // since the end of warm-up (negative while warming up)
    double intervalS = 0;
    std::uint64_t messages = 0; // in this interval
    std::uint64_t bytes = 0; // in this interval
    std::uint64_t totalMessages = 0;
    std::uint64_t integrityErrors = 0; // running totals from here on
    std::uint64_t lost = 0;
    std::uint64_t syncErrors = 0;
    double cpuUserS = 0;
    double cpuSysS = 0;
    std::uint64_t voluntarySwitches = 0;
    std::uint64_t involuntarySwitches = 0;
    LatencySummary latencyNs; // of this interval only
    std::vector<LatencyHistogram::Bucket> histogramDelta; // this interval's samples
    // Race scenarios fill these; runs leave them 0.
    std::uint64_t expected = 0;
    std::uint64_t observed = 0;
    std::uint64_t samplesNotWritten = 0; // so far: the control pipe was full (their data is in this one)
    std::vector<MemberSample> members; // fan-out and fan-in runs: one per member, in index order
};

// The part of a sample's interval that was measured: the first interval after warm-up is partly
// warm-up, whose messages are not counted; 0 while warming up.
double measuredSeconds(const SampleMessage& sample);
// Messages per second over the measured part of the interval (0 when there is none): the one
// rate every front end shows for a sample, in charts, status lines and progress lines.
double messageRate(const SampleMessage& sample);

struct ResultMessage {
    RunResult result;
};

// A worker's account of a failure: what failed, in a sentence for the user.
struct ErrorMessage {
    std::string message;
};

// Race scenarios (see race.h) report through the same channel.
struct RaceResultMessage {
    std::string json; // the race result object, already in packaging/man/ipcpg.1.in's shape
};

using ControlMessage = std::variant<HelloMessage, SampleMessage, ResultMessage, ErrorMessage, RaceResultMessage>;

class ProtocolError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// One line, without the trailing newline.
std::string encodeControlMessage(const ControlMessage& message);

// Throws ProtocolError naming what was wrong.
ControlMessage parseControlLine(std::string_view line);

// The order a lead worker's messages come in: at most one hello, and before any sample; errors
// at any time; one final message (result or race_result) and nothing after it. A worker that
// breaks the order is not ours or is broken, and the front end stops it rather than guess.
class ControlMessageOrder {
public:
    // Throws ProtocolError naming what came out of order.
    void check(const ControlMessage& message);
    bool finalSeen() const { return m_final; }

private:
    bool m_hello = false;
    bool m_final = false;
};

// Splits a byte stream into lines with a bound on their length. A line longer than
// kMaxControlLineBytes is dropped and reported as an error instead of growing without bound.
class ControlLineBuffer {
public:
    void append(std::string_view bytes);
    // The next complete line, if any. Sets `overflowed` when a line had to be dropped.
    std::optional<std::string> nextLine();
    bool overflowed() const { return m_overflowed; }
    // Whatever is left without a newline (a truncated last line at end of stream).
    std::string takeRemainder();

private:
    std::string m_buffer;
    std::size_t m_scanFrom = 0;
    bool m_discarding = false;
    bool m_overflowed = false;
};

} // namespace ipcpg
