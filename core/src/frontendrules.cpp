#include "ipcpg/frontendrules.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <utility>

#include "ipcpg/error.h"
#include "ipcpg/mechanismregistry.h"
#include "ipcpg/units.h"

namespace ipcpg {

namespace {

std::string quoted(std::string_view text) { return "\"" + std::string(text) + "\""; }

std::string_view trimmed(std::string_view text)
{
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
        text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t'))
        text.remove_suffix(1);
    return text;
}

// A size the way it is typed ("16M", "4K", "3000"), so a message shows input that would work.
std::string typedSize(std::uint64_t bytes)
{
    struct Unit {
        int shift;
        const char* suffix;
    };
    static constexpr Unit units[] = { { 40, "T" }, { 30, "G" }, { 20, "M" }, { 10, "K" } };
    for (const Unit& unit : units) {
        if (bytes > 0 && bytes % (std::uint64_t { 1 } << unit.shift) == 0)
            return std::to_string(bytes >> unit.shift) + unit.suffix;
    }
    return std::to_string(bytes);
}

// "1 TiB (1099511627776 B)", "64 B": formatBytes rounds, so the exact count comes along when it
// differs ("16.0 MiB" alone would not say why 16777217 is above 16 MiB).
std::string namedSize(std::uint64_t bytes)
{
    const std::string exact = std::to_string(bytes) + " B";
    const std::string printed = formatBytes(bytes);
    return printed == exact ? exact : printed + " (" + exact + ")";
}

// "86400", "0.1", "3600": the limits are round numbers, printed without trailing zeros.
std::string seconds(double value)
{
    std::array<char, 32> buffer {};
    std::snprintf(buffer.data(), buffer.size(), "%g", value);
    return buffer.data();
}

} // namespace

std::vector<std::string> splitCommaList(std::string_view text)
{
    std::vector<std::string> items;
    for (;;) {
        const std::size_t comma = text.find(',');
        items.emplace_back(trimmed(text.substr(0, comma)));
        if (comma == std::string_view::npos)
            return items;
        text.remove_prefix(comma + 1);
    }
}

std::string messageSizeRange()
{
    return "from 0 to " + typedSize(RunSpec::kMaxMessageSize) + " (" + formatBytes(RunSpec::kMaxMessageSize) + ")";
}

Parsed<std::uint64_t> parseMessageSize(std::string_view text)
{
    const auto size = parseByteCount(text);
    if (!size)
        return { std::nullopt,
            quoted(text) + " is not a size; give a whole number of bytes with an optional K, M or G suffix, "
                + messageSizeRange() };
    if (*size > RunSpec::kMaxMessageSize)
        return { std::nullopt,
            quoted(text) + " is " + namedSize(*size) + ", above the largest message size; give a size "
                + messageSizeRange() };
    return { size, {} };
}

namespace {

// Splits at commas and parses each trimmed item with `parse` (a Parsed<T> parser): the values in
// order, up to maxValues, one sentence per bad item, and a sentence when there were too many.
// `noun` names the items in that sentence ("sizes", "rates").
template <typename T, typename Parse>
ValueList<T> parseCommaList(std::string_view text, const Parse& parse, std::size_t maxValues, const char* noun)
{
    ValueList<T> list;
    std::size_t valueCount = 0;
    std::optional<std::string> firstTooMany;
    std::string_view rest = text;
    while (true) {
        const std::size_t comma = rest.find(',');
        const std::string_view item = trimmed(rest.substr(0, comma));
        Parsed<T> parsed = parse(item);
        if (!parsed.value) {
            list.badItems.push_back(std::move(parsed.error));
        } else {
            ++valueCount;
            if (list.values.size() < maxValues)
                list.values.push_back(*parsed.value);
            else if (!firstTooMany)
                firstTooMany = std::string(item);
        }
        if (comma == std::string_view::npos)
            break;
        rest.remove_prefix(comma + 1);
    }
    if (firstTooMany)
        list.tooMany = "the list has " + std::to_string(valueCount) + " " + noun + "; at most "
            + std::to_string(maxValues) + " are allowed (" + quoted(*firstTooMany) + " is the first too many)";
    return list;
}

} // namespace

SizeList parseMessageSizeList(std::string_view text)
{
    ValueList<std::uint64_t> list = parseCommaList<std::uint64_t>(text, parseMessageSize, kMaxSweepSizes, "sizes");
    return { std::move(list.values), std::move(list.badItems), std::move(list.tooMany) };
}

ValueList<unsigned> parseMemberCountList(std::string_view text)
{
    return parseCommaList<unsigned>(text, parseMemberCount, kMaxSweepSteps, "member counts");
}

ValueList<double> parseOfferedRateList(std::string_view text)
{
    return parseCommaList<double>(text, parseOfferedRate, kMaxSweepSteps, "rates");
}

Parsed<double> parseDuration(std::string_view text, double minS, double maxS)
{
    const auto value = parseSeconds(text);
    if (value && *value > 0.0 && *value >= minS && *value <= maxS)
        return { value, {} };
    const std::string range = minS > 0.0 ? "give seconds from " + seconds(minS) + " to " + seconds(maxS)
                                         : "give seconds, more than 0 and at most " + seconds(maxS);
    return { std::nullopt, quoted(text) + " is not allowed; " + range + " (decimals allowed, e.g. 0.5)" };
}

Parsed<double> parseOfferedRate(std::string_view text)
{
    const auto value = parseRatePerSecond(text);
    if (value && *value > 0.0 && *value <= RunSpec::kMaxRate)
        return { value, {} };
    return { std::nullopt,
        quoted(text)
            + " is not allowed; give messages per second, more than 0 and at most 100M (k and M allowed, e.g. 10k)" };
}

Parsed<unsigned> parseMemberCount(std::string_view text)
{
    const auto value = parseCount(trimmed(text));
    if (value && *value >= 1 && *value <= RunSpec::kMaxMembers)
        return { static_cast<unsigned>(*value), {} };
    return { std::nullopt,
        quoted(text) + " is not allowed; give a whole number from 1 to " + std::to_string(RunSpec::kMaxMembers) };
}

std::optional<std::string> refusal(const RunSpec& spec)
{
    RunSpec copy = spec; // validate fills in option defaults; the caller's spec stays as it was
    try {
        MechanismRegistry::instance().validate(copy);
    } catch (const UsageError& error) {
        return std::string(error.what());
    }
    return std::nullopt;
}

std::string runLabel(const RunSpec& spec)
{
    std::string label = spec.mechanism + " " + std::string(toString(spec.mode)) + " " + formatBytes(spec.messageSize)
        + " " + std::string(toString(spec.placement));
    if (spec.topology != Topology::Pair)
        label += " " + std::string(toString(spec.topology)) + " " + std::to_string(spec.members());
    if (spec.rate > 0)
        label += " at " + formatRate(spec.rate);
    return label;
}

namespace {

// Options given for the sweep apply where a mechanism has them: "sync=spin" over "all" must not
// refuse every mechanism without a sync option. A value may be a comma-separated list
// ("transport=ipc,unix,tcp"), which makes the option an axis: the mechanism runs once with each
// value it accepts, so one list can pair every framework with each of its transports. A list of
// which it accepts none is kept whole, for validation to refuse with the values it allows.
std::vector<MechanismOptions> optionSetsFor(const std::string& id, const MechanismOptions& given)
{
    std::vector<MechanismOptions> sets { {} };
    const Mechanism* mechanism = MechanismRegistry::instance().find(id);
    if (!mechanism)
        return sets;
    for (const OptionSpec& option : mechanism->info().options) {
        const auto value = given.find(option.name);
        if (value == given.end())
            continue;
        std::vector<std::string> accepted;
        for (const std::string& item : splitCommaList(value->second)) {
            const bool allowed = std::find(option.values.begin(), option.values.end(), item) != option.values.end();
            if (allowed && std::find(accepted.begin(), accepted.end(), item) == accepted.end())
                accepted.push_back(item);
        }
        if (accepted.empty())
            accepted.push_back(value->second);
        std::vector<MechanismOptions> extended;
        for (const MechanismOptions& set : sets) {
            for (const std::string& item : accepted) {
                MechanismOptions next = set;
                next[option.name] = item;
                extended.push_back(std::move(next));
            }
        }
        sets = std::move(extended);
    }
    return sets;
}

// Sets the members of the spec's topology, or says why it has none to set.
std::optional<std::string> setMembers(RunSpec& spec, unsigned count)
{
    switch (spec.topology) {
    case Topology::FanOut:
        spec.subscribers = count;
        return std::nullopt;
    case Topology::FanIn:
        spec.publishers = count;
        return std::nullopt;
    case Topology::Pair:
        break;
    }
    if (count == 1)
        return std::nullopt;
    return std::to_string(count)
        + " members need the fanout topology (subscribers) or the fanin topology "
          "(publishers); the topology is pair";
}

// An axis the user left empty holds the base's own value, so every loop below runs at least once.
template <typename T> std::vector<std::optional<T>> orBase(const std::vector<T>& axis)
{
    if (axis.empty())
        return { std::nullopt };
    return { axis.begin(), axis.end() };
}

void planOne(SweepPlan& plan, RunSpec spec, std::optional<unsigned> members, std::optional<double> rate)
{
    std::optional<std::string> reason = members ? setMembers(spec, *members) : std::nullopt;
    if (rate)
        spec.rate = *rate;
    RunSpec validated = spec;
    if (!reason) {
        try {
            MechanismRegistry::instance().validate(validated);
        } catch (const UsageError& error) {
            reason = error.what();
        }
    }
    if (reason) {
        plan.skipped.push_back({ std::move(spec), std::move(*reason) });
        return;
    }
    std::string label = runLabel(validated);
    plan.runs.push_back({ std::move(validated), std::move(label) });
}

} // namespace

SweepPlan planSweep(const RunSpec& base, const SweepAxes& axes)
{
    SweepPlan plan;
    const auto memberCounts = orBase(axes.memberCounts);
    const auto rates = orBase(axes.rates);
    for (const std::string& id : axes.mechanisms) {
        for (const MechanismOptions& options : optionSetsFor(id, base.options)) {
            for (Mode mode : axes.modes) {
                for (std::uint64_t size : axes.sizes) {
                    for (Placement placement : axes.placements) {
                        RunSpec spec = base;
                        spec.mechanism = id;
                        spec.mode = mode;
                        spec.messageSize = size;
                        spec.placement = placement;
                        spec.options = options;
                        for (const auto& members : memberCounts) {
                            for (const auto& rate : rates)
                                planOne(plan, spec, members, rate);
                        }
                    }
                }
            }
        }
    }
    return plan;
}

} // namespace ipcpg
