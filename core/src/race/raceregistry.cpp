#include "ipcpg/raceregistry.h"

#include "ipcpg/error.h"
#include "ipcpg/units.h"
#include "race/racescenario.h"

namespace ipcpg {

namespace {

std::string joined(const std::vector<std::string>& items)
{
    std::string text;
    for (const std::string& item : items)
        text += (text.empty() ? "" : ", ") + item;
    return text;
}

std::uint64_t checked(const char* what, std::uint64_t value, const RaceRange& range, const RaceScenarioInfo& info,
    const std::string& unit, const std::string& help)
{
    if (!range.contains(value)) {
        const std::string allowed = range.min == range.max
            ? "it is always " + std::to_string(range.min)
            : "give " + std::to_string(range.min) + " to " + std::to_string(range.max);
        throw UsageError(std::string(what) + " " + std::to_string(value) + unit + " is out of range for " + info.id
            + ": " + allowed + unit + " (" + help + ")");
    }
    return value;
}

} // namespace

const std::vector<const RaceScenario*>& raceScenarios()
{
    static const std::vector<const RaceScenario*> scenarios {
        &counterScenario(),
        &tornScenario(),
        &ringScenario(),
        &reorderScenario(),
        &signalsScenario(),
    };
    return scenarios;
}

const RaceScenario* findRaceScenario(std::string_view id)
{
    for (const RaceScenario* scenario : raceScenarios()) {
        if (scenario->info().id == id)
            return scenario;
    }
    return nullptr;
}

const RaceSyncMode* RaceScenarioInfo::findMode(std::string_view mode) const
{
    for (const RaceSyncMode& candidate : modes) {
        if (candidate.id == mode)
            return &candidate;
    }
    return nullptr;
}

std::string RaceScenarioInfo::modeList() const
{
    std::vector<std::string> names;
    for (const RaceSyncMode& mode : modes)
        names.push_back(mode.id + (mode.broken ? " (broken)" : ""));
    return joined(names);
}

const RaceRegistry& RaceRegistry::instance()
{
    static const RaceRegistry registry;
    return registry;
}

RaceRegistry::RaceRegistry()
{
    for (const RaceScenario* scenario : raceScenarios())
        m_infos.push_back(&scenario->info());
}

std::vector<std::string> RaceRegistry::ids() const
{
    std::vector<std::string> list;
    for (const RaceScenarioInfo* info : m_infos)
        list.push_back(info->id);
    return list;
}

const RaceScenarioInfo* RaceRegistry::find(std::string_view id) const
{
    for (const RaceScenarioInfo* info : m_infos) {
        if (info->id == id)
            return info;
    }
    return nullptr;
}

void RaceRegistry::validate(RaceSpec& spec) const
{
    const RaceScenarioInfo* info = find(spec.scenario);
    if (!info)
        throw UsageError("scenario \"" + spec.scenario + "\" is unknown; use one of: " + joined(ids()));
    if (spec.sync.empty())
        throw UsageError("no sync mode given for " + info->id + "; use one of: " + info->modeList());
    if (!info->findMode(spec.sync))
        throw UsageError(
            "sync \"" + spec.sync + "\" is not a mode of " + info->id + "; use one of: " + info->modeList());

    spec.workers = static_cast<unsigned>(checked(
        "workers", spec.workers.value_or(info->workers.defaultValue), info->workers, *info, "", info->workersHelp));
    spec.iterations = checked("iterations", spec.iterations.value_or(info->iterations.defaultValue), info->iterations,
        *info, "", info->iterationsHelp);
    spec.windowNs = checked("race window", spec.windowNs.value_or(info->windowNs.defaultValue), info->windowNs, *info,
        " ns", info->windowHelp);
    if (!info->recordSize) {
        if (spec.recordSize)
            throw UsageError("a record size (" + std::to_string(*spec.recordSize)
                + " B) applies to the torn scenario only, not to " + info->id);
        return;
    }
    const RaceRange& sizes = *info->recordSize;
    const std::uint64_t size = spec.recordSize.value_or(sizes.defaultValue);
    if (!sizes.contains(size) || size % info->recordAlignment != 0)
        throw UsageError("record size " + std::to_string(size) + " B is not allowed for " + info->id
            + ": give a multiple of " + std::to_string(info->recordAlignment) + " from " + std::to_string(sizes.min)
            + " to " + std::to_string(sizes.max) + " B (" + formatBytes(sizes.max) + ", one page)");
    spec.recordSize = size;
}

} // namespace ipcpg
