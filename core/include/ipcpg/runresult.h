#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "ipcpg/frame.h"
#include "ipcpg/histogram.h"
#include "ipcpg/runspec.h"

namespace ipcpg {

struct LatencySummary {
    std::uint64_t count = 0;
    double min = 0, mean = 0, p50 = 0, p90 = 0, p99 = 0, p999 = 0, max = 0;

    static LatencySummary of(const LatencyHistogram& histogram);
};

// What one process of a run did and cost. CPU and context switches come from getrusage of the
// process (wait4), so they include the kernel work done on its behalf.
struct SideReport {
    std::string role; // "initiator", "responder", "sender", "receiver"
    std::string name; // "sender of pair 0", "publisher", "subscriber 3", ...
    int pair = 0;
    int pid = 0;
    std::vector<int> cpus; // every CPU it was seen running on
    double userS = 0;
    double sysS = 0;
    std::uint64_t voluntarySwitches = 0;
    std::uint64_t involuntarySwitches = 0;
    std::uint64_t messagesSent = 0;
    std::uint64_t messagesReceived = 0;
    std::string exit; // "exited 0", "killed by signal 9 (Killed)", ...
};

// One subscriber of a fan-out or one publisher of a fan-in: what it got (or, for a publisher,
// what the receiver got from it) and what its process cost.
struct MemberReport {
    std::string role; // "subscriber" or "publisher"
    int index = 0;
    std::uint64_t messages = 0; // measured messages delivered to it (from it, in a fan-in)
    std::uint64_t lost = 0;
    std::uint64_t integrityErrors = 0;
    LatencySummary latencyNs;
    LatencyHistogram histogram;
    double userS = 0;
    double sysS = 0;
    std::uint64_t voluntarySwitches = 0;
    std::uint64_t involuntarySwitches = 0;
};

// The order of slowness among members: the higher p99, then the higher p50, then the lower index
// (so ties rank the same way every time). One rule for the result and the live views.
bool slowerMember(const LatencySummary& a, int indexA, const LatencySummary& b, int indexB);

// An open-loop run's schedule against what happened (RunSpec::rate).
struct RateReport {
    double offered = 0; // messages per second each receiver was offered
    double achieved = 0; // what the senders really sent in the measured window, per receiver
    std::uint64_t maxBehindNs = 0; // the furthest a sender fell behind its schedule
    std::uint64_t endBehindNs = 0; // how far behind it was with its last message
};

struct RunResult {
    RunSpec spec;
    std::string latencyKind; // "round-trip" or "one-way"
    double durationS = 0; // measured span, warm-up excluded
    std::uint64_t messages = 0; // pingpong: round trips; stream: messages received
    std::uint64_t bytes = 0; // payload bytes moved one way
    double msgsPerS = 0;
    double bytesPerS = 0;
    LatencySummary latencyNs;
    LatencyHistogram histogram;
    std::uint64_t integrityErrors = 0;
    IntegrityCounts integrity;
    std::uint64_t lost = 0;
    std::uint64_t syncErrors = 0;
    double cpuUserS = 0;
    double cpuSysS = 0;
    std::uint64_t voluntarySwitches = 0;
    std::uint64_t involuntarySwitches = 0;
    std::vector<int> cpus; // the CPU each side last ran on, side by side
    std::vector<SideReport> sides;
    std::uint64_t warmupMessages = 0;
    double warmupS = 0;
    double clockReadNs = 0; // cost of one CLOCK_MONOTONIC read, included in each latency sample
    std::vector<std::string> objects; // the kernel objects the run created (all removed at its end)
    bool partial = false; // the run ended early: a worker died or it was stopped
    std::string error; // why, when partial
    // Live samples the lead could not write because the front end did not read in time (a busy
    // GUI). Nothing of theirs is lost: each following sample carried it.
    std::uint64_t samplesNotWritten = 0;
    // Fan-out and fan-in: one entry per subscriber or publisher, in index order. `messages` above
    // is then their sum: messages delivered, each subscriber's copy counted.
    std::vector<MemberReport> members;
    std::optional<RateReport> rate; // set when the run had an offered rate
    // Payload bytes the mechanism copies per delivered message, where its copies are known.
    std::optional<double> bytesCopiedPerMessage;

    // The member whose latency is worst (highest p99, then p50) and best: what the slowest
    // subscriber feels is the headline of a fan-out. Null when there are no members.
    const MemberReport* slowestMember() const;
    const MemberReport* fastestMember() const;
    // The latency a run is judged by: the slowest member's in a fan-out or fan-in, else the run's.
    const LatencySummary& headlineLatency() const;
    double cpuNsPerMessage() const;
    // The CPU time of a fan-out's publisher per message it published (each written once for all
    // subscribers, or once per subscriber) or of a fan-in's receiver per message it received: the
    // cost that grows with N where a mechanism copies per member. 0 for pairs and empty runs.
    double hubCpuNsPerMessage() const;
    double switchesPerMessage() const;
};

void to_json(nlohmann::json& json, const RunResult& result);
// Reads what to_json wrote. Missing fields keep their defaults; a field of the wrong type throws
// nlohmann::json::exception, a count that is not a whole number in range std::out_of_range.
void from_json(const nlohmann::json& json, RunResult& result);
void to_json(nlohmann::json& json, const LatencySummary& summary);
void from_json(const nlohmann::json& json, LatencySummary& summary);

// One CSV header line and one row per result, the same columns for run and sweep.
std::string csvHeader();
std::string csvRow(const RunResult& result);

} // namespace ipcpg
