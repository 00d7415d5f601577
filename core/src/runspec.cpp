#include "ipcpg/runspec.h"

#include <cmath>
#include <nlohmann/json.hpp>

#include "ipcpg/error.h"
#include "ipcpg/units.h"

namespace ipcpg {

std::string_view toString(Mode mode) { return mode == Mode::PingPong ? "pingpong" : "stream"; }

std::string_view toString(Placement placement)
{
    switch (placement) {
    case Placement::SameCore:
        return "same-core";
    case Placement::CrossCore:
        return "cross-core";
    case Placement::Unpinned:
        break;
    }
    return "unpinned";
}

std::string_view toString(Topology topology)
{
    switch (topology) {
    case Topology::FanOut:
        return "fanout";
    case Topology::FanIn:
        return "fanin";
    case Topology::Pair:
        break;
    }
    return "pair";
}

std::optional<Topology> parseTopology(std::string_view text)
{
    if (text == "pair")
        return Topology::Pair;
    if (text == "fanout")
        return Topology::FanOut;
    if (text == "fanin")
        return Topology::FanIn;
    return std::nullopt;
}

std::optional<Mode> parseMode(std::string_view text)
{
    if (text == "pingpong")
        return Mode::PingPong;
    if (text == "stream")
        return Mode::Stream;
    return std::nullopt;
}

std::optional<Placement> parsePlacement(std::string_view text)
{
    if (text == "unpinned")
        return Placement::Unpinned;
    if (text == "same-core")
        return Placement::SameCore;
    if (text == "cross-core")
        return Placement::CrossCore;
    return std::nullopt;
}

unsigned RunSpec::members() const
{
    switch (topology) {
    case Topology::FanOut:
        return subscribers;
    case Topology::FanIn:
        return publishers;
    case Topology::Pair:
        break;
    }
    return 1;
}

std::optional<std::string> RunSpec::option(std::string_view name) const
{
    const auto it = options.find(name);
    if (it == options.end())
        return std::nullopt;
    return it->second;
}

void to_json(nlohmann::json& json, const RunSpec& spec)
{
    json = nlohmann::json {
        { "mechanism", spec.mechanism },
        { "mode", toString(spec.mode) },
        { "message_size", spec.messageSize },
        { "duration_s", spec.durationS },
        { "messages", spec.messages },
        { "warmup_s", spec.warmupS },
        { "placement", toString(spec.placement) },
        { "workers", spec.workers },
        { "topology", toString(spec.topology) },
        { "subscribers", spec.subscribers },
        { "publishers", spec.publishers },
        { "rate", spec.rate },
        { "options", spec.options },
    };
}

namespace {

// A limit that is a whole number of seconds (or hours), as the messages print it: "86400".
std::string wholeSeconds(double value) { return std::to_string(static_cast<long long>(value)); }

[[noreturn]] void badField(std::string_view field, std::string_view expected)
{
    throw UsageError("run spec field \"" + std::string(field) + "\" must be " + std::string(expected));
}

template <typename T> T field(const nlohmann::json& json, const char* name, std::string_view expected, T fallback)
{
    const auto it = json.find(name);
    if (it == json.end())
        return fallback;
    try {
        return it->get<T>();
    } catch (const nlohmann::json::exception&) {
        badField(name, expected);
    }
}

} // namespace

void from_json(const nlohmann::json& json, RunSpec& spec)
{
    if (!json.is_object())
        throw UsageError("a run spec must be a JSON object");
    spec = RunSpec {};
    spec.mechanism = field<std::string>(json, "mechanism", "a mechanism id (a string)", "");
    const auto modeText = field<std::string>(json, "mode", "\"pingpong\" or \"stream\"", "pingpong");
    const auto mode = parseMode(modeText);
    if (!mode)
        throw UsageError("mode \"" + modeText + "\" is not one of: pingpong, stream");
    spec.mode = *mode;

    const auto& size = json.find("message_size");
    if (size != json.end() && !size->is_number_unsigned())
        badField("message_size", "a whole number of bytes from 0 to 16777216");
    spec.messageSize = field<std::uint64_t>(json, "message_size", "a whole number of bytes", spec.messageSize);
    spec.durationS = field<double>(json, "duration_s", "a number of seconds", spec.durationS);
    const auto& messages = json.find("messages");
    if (messages != json.end() && !messages->is_number_unsigned())
        badField("messages", "a whole number (0 means: run for duration_s)");
    spec.messages = field<std::uint64_t>(json, "messages", "a whole number", 0);
    spec.warmupS = field<double>(json, "warmup_s", "a number of seconds", spec.warmupS);

    const auto placementText = field<std::string>(json, "placement", "a placement", "unpinned");
    const auto placement = parsePlacement(placementText);
    if (!placement)
        throw UsageError("placement \"" + placementText + "\" is not one of: unpinned, same-core, cross-core");
    spec.placement = *placement;

    const auto& workers = json.find("workers");
    if (workers != json.end() && !workers->is_number_unsigned())
        badField("workers", "a whole number from 1 to " + std::to_string(RunSpec::kMaxWorkers));
    const auto workerCount = field<std::uint64_t>(json, "workers", "a whole number", 1);
    if (workerCount < 1 || workerCount > RunSpec::kMaxWorkers)
        throw UsageError("workers " + std::to_string(workerCount) + " is out of range: allowed is 1 to "
            + std::to_string(RunSpec::kMaxWorkers) + " sender/receiver pairs");
    spec.workers = static_cast<unsigned>(workerCount);

    const auto topologyText = field<std::string>(json, "topology", "a topology", "pair");
    const auto topology = parseTopology(topologyText);
    if (!topology)
        throw UsageError("topology \"" + topologyText + "\" is not one of: pair, fanout, fanin");
    spec.topology = *topology;
    for (const char* name : { "subscribers", "publishers" }) {
        const auto& count = json.find(name);
        if (count != json.end() && !count->is_number_unsigned())
            badField(name, "a whole number from 1 to " + std::to_string(RunSpec::kMaxMembers));
        const auto value = field<std::uint64_t>(json, name, "a whole number", 1);
        if (value > RunSpec::kMaxMembers)
            throw UsageError(std::string(name) + " " + std::to_string(value) + " is out of range: allowed is 1 to "
                + std::to_string(RunSpec::kMaxMembers));
        (std::string_view(name) == "subscribers" ? spec.subscribers : spec.publishers) = static_cast<unsigned>(value);
    }
    spec.rate = field<double>(json, "rate", "a number of messages per second (0: as fast as possible)", 0.0);
    const auto options = json.find("options");
    if (options != json.end()) {
        if (!options->is_object())
            badField("options", "an object of option names to string values");
        for (const auto& [name, value] : options->items()) {
            if (!value.is_string())
                badField("options." + name, "a string");
            spec.options[name] = value.get<std::string>();
        }
    }
    // Run objects (packaging/man/ipcpg.1.in) carry sync at the top level; accept it there too.
    const auto sync = json.find("sync");
    if (sync != json.end() && sync->is_string())
        spec.options["sync"] = sync->get<std::string>();
    checkGeneralLimits(spec);
}

void checkGeneralLimits(const RunSpec& spec)
{
    if (spec.messageSize > RunSpec::kMaxMessageSize)
        throw UsageError("message size " + std::to_string(spec.messageSize) + " B (" + formatBytes(spec.messageSize)
            + ") is above the largest size any mechanism takes, " + formatBytes(RunSpec::kMaxMessageSize) + " ("
            + std::to_string(RunSpec::kMaxMessageSize) + " B)");
    if (!std::isfinite(spec.durationS) || spec.durationS <= 0.0 || spec.durationS > RunSpec::kMaxDurationS)
        throw UsageError("duration " + std::to_string(spec.durationS)
            + " s is out of range: allowed is more than 0 and at most " + wholeSeconds(RunSpec::kMaxDurationS) + " s ("
            + wholeSeconds(RunSpec::kMaxDurationS / 3600.0) + " hours)");
    if (!std::isfinite(spec.warmupS) || spec.warmupS < 0.0 || spec.warmupS > RunSpec::kMaxWarmupS)
        throw UsageError("warm-up " + std::to_string(spec.warmupS) + " s is out of range: allowed is 0 to "
            + wholeSeconds(RunSpec::kMaxWarmupS) + " s");
    if (spec.messages > RunSpec::kMaxMessages)
        throw UsageError("message count " + std::to_string(spec.messages) + " is out of range: allowed is 0 to "
            + std::to_string(RunSpec::kMaxMessages));
    if (spec.workers < 1 || spec.workers > RunSpec::kMaxWorkers)
        throw UsageError("workers " + std::to_string(spec.workers) + " is out of range: allowed is 1 to "
            + std::to_string(RunSpec::kMaxWorkers) + " sender/receiver pairs");
    for (const auto& [count, name] :
        { std::pair { spec.subscribers, "subscribers" }, { spec.publishers, "publishers" } }) {
        if (count < 1 || count > RunSpec::kMaxMembers)
            throw UsageError(std::string(name) + " " + std::to_string(count) + " is out of range: allowed is 1 to "
                + std::to_string(RunSpec::kMaxMembers));
    }
    if (spec.topology != Topology::FanOut && spec.subscribers != 1)
        throw UsageError("subscribers " + std::to_string(spec.subscribers) + " needs the fanout topology (topology is "
            + std::string(toString(spec.topology)) + ")");
    if (spec.topology != Topology::FanIn && spec.publishers != 1)
        throw UsageError("publishers " + std::to_string(spec.publishers) + " needs the fanin topology (topology is "
            + std::string(toString(spec.topology)) + ")");
    if (spec.topology != Topology::Pair && spec.workers != 1)
        throw UsageError("workers " + std::to_string(spec.workers) + " applies to the pair topology only; a "
            + std::string(toString(spec.topology)) + " run has one hub and its members");
    if (spec.topology != Topology::Pair && spec.members() * spec.messageSize > RunSpec::kMaxHubBytes)
        throw UsageError(std::to_string(spec.members()) + " "
            + (spec.topology == Topology::FanOut ? "subscribers" : "publishers") + " of "
            + formatBytes(spec.messageSize) + " messages is " + formatBytes(spec.members() * spec.messageSize)
            + " in flight at once, above the limit of " + formatBytes(RunSpec::kMaxHubBytes)
            + "; use fewer members or smaller messages");
    if (!std::isfinite(spec.rate) || spec.rate < 0.0 || spec.rate > RunSpec::kMaxRate)
        throw UsageError("rate " + formatRate(spec.rate)
            + " is out of range: allowed is 0 (as fast as possible) or more than 0 up to "
            + formatRate(RunSpec::kMaxRate));
}

} // namespace ipcpg
