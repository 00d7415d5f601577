#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ipcpg/runspec.h"

namespace ipcpg {

// What every front end (ipcpg, ipc-playground's command line, its Compare tab and its Run set-up
// panel) accepts from the user, in one place so the front ends cannot drift apart. Nothing here
// throws for a bad value: each parser returns the sentence saying why, and the front end prefixes
// it with its option or field name and reports it its own way (UsageError, exit status 2, a
// label).

// A sweep lists at most this many sizes: a pasted list of thousands would plan a day of runs.
inline constexpr std::size_t kMaxSweepSizes = 64;
// The same bound for the member counts and for the offered rates of a sweep.
inline constexpr std::size_t kMaxSweepSteps = 64;

// A parsed value, or why the text is not one.
template <typename T> struct Parsed {
    std::optional<T> value; // set when the text is allowed
    std::string error; // set when it is not: names the text, quoted, and what is allowed
};

// The message sizes any mechanism may be asked for, as typed and as printed, derived from
// RunSpec::kMaxMessageSize: "from 0 to 16M (16 MiB)".
std::string messageSizeRange();

// One message size ("4096", "4K", "1 MiB"), from 0 to RunSpec::kMaxMessageSize. Anything else
// (no number, a fraction, a negative, a value that overflows, a size above the ceiling) gives an
// error naming the text and messageSizeRange(). Whether a mechanism takes the size is refusal()'s
// question.
Parsed<std::uint64_t> parseMessageSize(std::string_view text);

// The items of a comma-separated list, each trimmed of spaces, empty ones included ("a, ,b" is
// "a", "", "b"): the parsers below decide what an empty item means.
std::vector<std::string> splitCommaList(std::string_view text);

// A comma-separated size list ("64, 4K,1M"). Every item, empty ones included, must be a size by
// parseMessageSize's rule; the list may hold at most kMaxSweepSizes of them.
struct SizeList {
    std::vector<std::uint64_t> sizes; // the items that are sizes, in order, at most kMaxSweepSizes
    std::vector<std::string> badItems; // one sentence per item that is not a size, in order
    std::string tooMany; // set when more items are sizes than allowed: how many, and the first too many
};
SizeList parseMessageSizeList(std::string_view text);

// A comma-separated list of member counts or offered rates, by the same rules as SizeList: every
// item, empty ones included, must be a value by the single value's parser, at most
// kMaxSweepSteps of them.
template <typename T> struct ValueList {
    std::vector<T> values; // the items that are values, in order, at most kMaxSweepSteps
    std::vector<std::string> badItems; // one sentence per item that is not a value, in order
    std::string tooMany; // set when more items are values than allowed: how many, and the first too many
};
// "1,2,4,8": each item by parseMemberCount.
ValueList<unsigned> parseMemberCountList(std::string_view text);
// "10k,50k,100k": each item by parseOfferedRate.
ValueList<double> parseOfferedRateList(std::string_view text);

// Measured seconds ("0.5", "2", "1.5s"). A duration is always more than 0 and at most maxS; minS,
// when above 0, raises the floor (inclusive) for a front end whose field starts higher. Anything
// else gives an error naming the text and the allowed range.
Parsed<double> parseDuration(std::string_view text, double minS = 0.0, double maxS = RunSpec::kMaxDurationS);

// An offered load in messages per second ("10k", "2.5M", "500"): more than 0 and at most
// RunSpec::kMaxRate. "off" or an empty text is not a rate: front ends map those to 0 themselves.
Parsed<double> parseOfferedRate(std::string_view text);

// The subscribers or publishers of a fan-out or fan-in: a whole number from 1 to
// RunSpec::kMaxMembers.
Parsed<unsigned> parseMemberCount(std::string_view text);

// Whether MechanismRegistry::validate would refuse the spec, and its one-line reason if so. The
// spec is not changed (validation runs on a copy). Exceptions other than UsageError (none are
// expected) propagate.
std::optional<std::string> refusal(const RunSpec& spec);

// "pipe pingpong 4 KiB unpinned", "pipe stream 64 B unpinned fanout 4 at 10.0 k/s": how progress
// lines and failure messages name one run (the topology and rate only when they are not the
// defaults).
std::string runLabel(const RunSpec& spec);

// The axes of a sweep: every combination of one value of each is a run.
struct SweepAxes {
    std::vector<std::string> mechanisms; // registry ids
    std::vector<std::uint64_t> sizes;
    std::vector<Mode> modes;
    std::vector<Placement> placements;
    // The subscribers of a fan-out or the publishers of a fan-in, whichever the base's topology
    // has. Empty: the base's own count. A pair has no members: a count other than 1 is skipped.
    std::vector<unsigned> memberCounts;
    // Offered rates in messages per second per receiver (RunSpec::rate; 0 is closed loop).
    // Empty: the base's rate.
    std::vector<double> rates;
};

struct PlannedRun {
    RunSpec spec; // validated: option defaults filled in
    std::string label; // runLabel(spec)
};

struct SkippedRun {
    RunSpec spec; // as it was asked for, before validation
    std::string reason; // MechanismRegistry::validate's reason
};

struct SweepPlan {
    // In order: mechanism, then mode, then size, then placement, then members, then rate (the
    // last axis varies fastest, so the runs of one latency-versus-load curve are neighbours).
    std::vector<PlannedRun> runs;
    std::vector<SkippedRun> skipped; // the combinations validation refused, in the same order
};

// Plans a sweep: `base` gives what every run shares (duration, messages, warm-up, workers,
// options, topology); each combination of the axes sets mechanism, mode, size, placement and,
// when their axes are not empty, the member count and the offered rate. Options of
// `base` apply to the mechanisms that declare them and are left out for the others. An option
// whose value is a comma-separated list ("transport=ipc,unix,tcp") is one more axis, just after
// the mechanism: each mechanism runs with every listed value it accepts. A
// combination the registry refuses (an unknown id, a mode the mechanism lacks, a size above its
// limit) is skipped with the reason, never an exception.
SweepPlan planSweep(const RunSpec& base, const SweepAxes& axes);

} // namespace ipcpg
