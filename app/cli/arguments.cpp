#include "arguments.h"

#include <algorithm>

#include "ipcpg/comparepresets.h"
#include "ipcpg/error.h"
#include "ipcpg/frontendrules.h"
#include "ipcpg/mechanismregistry.h"
#include "ipcpg/raceregistry.h"
#include "ipcpg/units.h"

namespace ipcpg::cli {

namespace {

std::string quoted(const std::string& text) { return "\"" + text + "\""; }

std::string joined(const std::vector<std::string>& values)
{
    std::string text;
    for (const auto& value : values)
        text += (text.empty() ? "" : ", ") + value;
    return text;
}

} // namespace

Format parseFormat(const std::string& text, bool csvAllowed)
{
    if (text == "table")
        return Format::Table;
    if (text == "json")
        return Format::Json;
    if (text == "csv" && csvAllowed)
        return Format::Csv;
    throw UsageError(
        "--format " + quoted(text) + " is not allowed; use " + (csvAllowed ? "table, json or csv" : "table or json"));
}

std::uint64_t parseSizeArgument(const std::string& option, const std::string& text)
{
    const Parsed<std::uint64_t> size = parseMessageSize(text);
    if (!size.value)
        throw UsageError(option + " " + size.error);
    return *size.value;
}

std::vector<std::uint64_t> parseSizeList(const std::string& option, const std::string& text)
{
    // Strict, unlike the Compare tab: one bad item refuses the whole sweep.
    const SizeList list = parseMessageSizeList(text);
    if (!list.badItems.empty())
        throw UsageError(option + " " + list.badItems.front());
    if (!list.tooMany.empty())
        throw UsageError(option + ": " + list.tooMany);
    return list.sizes;
}

double parseDurationArgument(const std::string& option, const std::string& text)
{
    const Parsed<double> seconds = parseDuration(text);
    if (!seconds.value)
        throw UsageError(option + " " + seconds.error);
    return *seconds.value;
}

std::uint64_t parseCountArgument(
    const std::string& option, const std::string& text, std::uint64_t min, std::uint64_t max)
{
    const auto value = parseCount(text);
    if (!value || *value < min || *value > max)
        throw UsageError(option + " " + quoted(text) + " is not allowed; give a whole number from "
            + std::to_string(min) + " to " + std::to_string(max));
    return *value;
}

Mode parseModeArgument(const std::string& text)
{
    const auto mode = parseMode(text);
    if (!mode)
        throw UsageError("--mode " + quoted(text) + " is not allowed; use pingpong or stream");
    return *mode;
}

std::vector<Mode> parseModeList(const std::string& text)
{
    std::vector<Mode> modes;
    for (const std::string& item : splitCommaList(text))
        modes.push_back(parseModeArgument(item));
    return modes;
}

Placement parsePlacementArgument(const std::string& text)
{
    const auto placement = parsePlacement(text);
    if (!placement)
        throw UsageError("--placement " + quoted(text) + " is not allowed; use same-core, cross-core or unpinned");
    return *placement;
}

Topology parseTopologyArgument(const std::string& text)
{
    const auto topology = parseTopology(text);
    if (!topology)
        throw UsageError("--topology " + quoted(text) + " is not allowed; use pair, fanout or fanin");
    return *topology;
}

unsigned parseMemberArgument(const std::string& option, const std::string& text)
{
    const Parsed<unsigned> count = parseMemberCount(text);
    if (!count.value)
        throw UsageError(option + " " + count.error);
    return *count.value;
}

double parseRateArgument(const std::string& text)
{
    const Parsed<double> rate = parseOfferedRate(text);
    if (!rate.value)
        throw UsageError("--rate " + rate.error);
    return *rate.value;
}

namespace {

// A list of counts for `option`, refused when `topology` is not the one it needs (`needed`) and a
// count in it is not 1: the same rule RunSpec's validation applies to one count.
std::vector<unsigned> parseMemberList(
    const std::string& option, const std::string& text, Topology topology, Topology needed)
{
    const ValueList<unsigned> list = parseMemberCountList(text);
    if (!list.badItems.empty())
        throw UsageError(option + " " + list.badItems.front());
    if (!list.tooMany.empty())
        throw UsageError(option + ": " + list.tooMany);
    if (topology == needed)
        return list.values;
    if (std::any_of(list.values.begin(), list.values.end(), [](unsigned count) { return count != 1; }))
        throw UsageError(option + " " + quoted(text) + " needs --topology " + std::string(toString(needed))
            + " (the topology is " + std::string(toString(topology)) + ")");
    return {};
}

} // namespace

std::vector<unsigned> parseMemberLists(Topology topology, const std::string* subscribers, const std::string* publishers)
{
    std::vector<unsigned> counts;
    if (subscribers)
        counts = parseMemberList("--subscribers", *subscribers, topology, Topology::FanOut);
    if (publishers) {
        std::vector<unsigned> fanIn = parseMemberList("--publishers", *publishers, topology, Topology::FanIn);
        if (!fanIn.empty())
            counts = std::move(fanIn);
    }
    return counts;
}

RateAxis parseRateAxis(const std::string& text)
{
    if (text == "auto")
        return { true, {} };
    const ValueList<double> list = parseOfferedRateList(text);
    if (!list.badItems.empty())
        throw UsageError(
            "--rate " + list.badItems.front() + "; a sweep takes a comma-separated list of rates, or auto");
    if (!list.tooMany.empty())
        throw UsageError("--rate: " + list.tooMany);
    return { false, list.values };
}

std::vector<Placement> parsePlacementList(const std::string& text)
{
    std::vector<Placement> placements;
    for (const std::string& item : splitCommaList(text))
        placements.push_back(parsePlacementArgument(item));
    return placements;
}

std::vector<std::string> parseMechanismList(const std::string& text)
{
    const MechanismRegistry& registry = MechanismRegistry::instance();
    if (text == "all")
        return registry.ids();
    std::vector<std::string> ids;
    for (const std::string& item : splitCommaList(text)) {
        if (!registry.find(item))
            throw UsageError(
                "--mechanism " + quoted(item) + " is unknown; use all or one of: " + joined(registry.ids()));
        ids.push_back(item);
    }
    return ids;
}

const ComparePreset& parsePresetArgument(const std::string& text)
{
    std::string known;
    const ComparePreset* preset = findComparePreset(text, &known);
    if (!preset)
        throw UsageError("--preset " + quoted(text) + " is unknown; "
            + (known.empty() ? std::string("this build has no presets (it has no frameworks)")
                             : "use one of: " + known));
    return *preset;
}

RaceSpec parseRaceOptions(const RaceOptionTexts& texts)
{
    const RaceRegistry& registry = RaceRegistry::instance();
    if (texts.scenario.empty())
        throw UsageError("--scenario is required; use one of: " + joined(registry.ids()) + " (see ipcpg race --list)");
    const RaceScenarioInfo* info = registry.find(texts.scenario);
    if (!info)
        throw UsageError("--scenario " + quoted(texts.scenario) + " is unknown; use one of: " + joined(registry.ids()));
    if (texts.sync.empty())
        throw UsageError("--sync is required for " + info->id + "; use one of: " + info->modeList());
    if (!info->findMode(texts.sync))
        throw UsageError(
            "--sync " + quoted(texts.sync) + " is not a mode of " + info->id + "; use one of: " + info->modeList());
    RaceSpec spec;
    spec.scenario = texts.scenario;
    spec.sync = texts.sync;
    if (!texts.workers.empty()) {
        if (info->workers.min == info->workers.max && texts.workers != std::to_string(info->workers.min))
            throw UsageError("--workers " + quoted(texts.workers) + " is not allowed for " + info->id
                + ": it always runs " + std::to_string(info->workers.min) + " " + info->workersHelp);
        spec.workers = static_cast<unsigned>(
            parseCountArgument("--workers", texts.workers, info->workers.min, info->workers.max));
    }
    if (!texts.iterations.empty())
        spec.iterations
            = parseCountArgument("--iterations", texts.iterations, info->iterations.min, info->iterations.max);
    if (!texts.window.empty())
        spec.windowNs = parseCountArgument("--window", texts.window, info->windowNs.min, info->windowNs.max);
    if (!texts.size.empty()) {
        if (!info->recordSize)
            throw UsageError("--size " + quoted(texts.size) + " does not apply to " + info->id
                + "; only the torn scenario has a record size");
        const RaceRange& sizes = *info->recordSize;
        const auto size = parseByteCount(texts.size);
        if (!size || !sizes.contains(*size) || *size % info->recordAlignment != 0)
            throw UsageError("--size " + quoted(texts.size) + " is not allowed for " + info->id
                + "; give a multiple of " + std::to_string(info->recordAlignment) + " bytes from "
                + std::to_string(sizes.min) + " to " + std::to_string(sizes.max));
        spec.recordSize = *size;
    }
    registry.validate(spec); // the same checks the worker makes; fills in the defaults
    return spec;
}

MechanismOptions parseOptionAssignments(const std::vector<std::string>& assignments)
{
    MechanismOptions options;
    for (const std::string& assignment : assignments) {
        const auto equals = assignment.find('=');
        if (equals == std::string::npos || equals == 0 || equals + 1 == assignment.size())
            throw UsageError("--option " + quoted(assignment) + " is not name=value (for example payload=shm)");
        options[assignment.substr(0, equals)] = assignment.substr(equals + 1);
    }
    return options;
}

} // namespace ipcpg::cli
