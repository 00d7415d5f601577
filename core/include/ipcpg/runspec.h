#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

namespace ipcpg {

enum class Mode {
    PingPong, // request and reply of the chosen size; latency is the round trip
    Stream, // one side sends as fast as the mechanism accepts; latency is one-way
};

enum class Placement {
    Unpinned, // the scheduler decides
    SameCore, // both sides of a pair share one CPU: wake-ups are cheap, nothing runs in parallel
    CrossCore, // each side on its own CPU: every hand-off crosses caches and may wake an idle CPU
};

// How the processes of a run are connected.
enum class Topology {
    Pair, // one sender and one receiver (RunSpec::workers independent pairs of them)
    FanOut, // one publisher, RunSpec::subscribers subscribers: every subscriber gets every message
    FanIn, // RunSpec::publishers publishers into one receiver, each publisher's order kept
};

std::string_view toString(Mode mode);
std::string_view toString(Placement placement);
std::string_view toString(Topology topology);
std::optional<Mode> parseMode(std::string_view text);
std::optional<Placement> parsePlacement(std::string_view text);
std::optional<Topology> parseTopology(std::string_view text);

// Mechanism-specific settings by name ("sync" -> "semaphore", "payload" -> "shm"). The names and
// allowed values are declared by each mechanism (MechanismInfo::options); validation fills in
// the defaults, so a validated spec names every option its mechanism has.
using MechanismOptions = std::map<std::string, std::string, std::less<>>;

// What to run. A value type: front ends build it, the worker receives it as JSON.
struct RunSpec {
    static constexpr std::uint64_t kMaxMessageSize = 16ULL << 20;
    static constexpr double kMaxDurationS = 24.0 * 3600.0;
    static constexpr double kMaxWarmupS = 60.0;
    static constexpr unsigned kMaxWorkers = 16;
    static constexpr std::uint64_t kMaxMessages = 1ULL << 40;
    static constexpr unsigned kMaxMembers = 64; // subscribers of a fan-out, publishers of a fan-in
    static constexpr double kMaxRate = 100e6; // messages per second: beyond any mechanism here
    // Members times message size: a hub keeps at least one message per member in flight.
    static constexpr std::uint64_t kMaxHubBytes = 64ULL << 20;

    std::string mechanism;
    Mode mode = Mode::PingPong;
    std::uint64_t messageSize = 64; // payload bytes per message (the 32-byte header comes on top)
    double durationS = 1.0; // measured time, after warm-up
    std::uint64_t messages = 0; // when non-zero: stop after this many measured messages instead
    double warmupS = 0.1; // excluded from the statistics, reported separately
    Placement placement = Placement::Unpinned;
    unsigned workers = 1; // independent sender/receiver pairs running at once (pair topology)
    Topology topology = Topology::Pair;
    unsigned subscribers = 1; // fan-out only
    unsigned publishers = 1; // fan-in only
    // Offered load: each sender sends on a fixed schedule of this many messages per second and
    // latency counts from the scheduled send time. 0: as fast as the mechanism accepts.
    double rate = 0;
    MechanismOptions options;

    std::optional<std::string> option(std::string_view name) const;
    // The subscribers (fan-out) or publishers (fan-in) on the far side of the hub; 1 for a pair.
    unsigned members() const;
};

// JSON (de)serialisation with man ipcpg's field names. from_json throws UsageError naming the
// field and what it accepts when a value has the wrong type or is out of range.
void to_json(nlohmann::json& json, const RunSpec& spec);
void from_json(const nlohmann::json& json, RunSpec& spec);

// Range checks that do not depend on the mechanism (duration, count, workers, size ceiling).
// Throws UsageError.
void checkGeneralLimits(const RunSpec& spec);

} // namespace ipcpg
