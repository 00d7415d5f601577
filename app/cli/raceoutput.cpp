#include "raceoutput.h"

#include <nlohmann/json.hpp>

#include "ipcpg/raceregistry.h"
#include "ipcpg/units.h"
#include "texttable.h"

namespace ipcpg::cli {

namespace {

nlohmann::json rangeJson(const RaceRange& range)
{
    return { { "min", range.min }, { "max", range.max }, { "default", range.defaultValue } };
}

std::string rangeText(const RaceRange& range)
{
    if (range.min == range.max)
        return withSeparators(range.min);
    return withSeparators(range.defaultValue) + " (" + withSeparators(range.min) + "-" + withSeparators(range.max)
        + ")";
}

std::string percentOf(std::uint64_t part, std::uint64_t whole)
{
    // Errors can outnumber the expected count (a ring item can be skipped and another read twice).
    return whole == 0 || part > whole
        ? std::string()
        : " (" + number(100.0 * static_cast<double>(part) / static_cast<double>(whole), 1) + "% of expected)";
}

} // namespace

void printRaceScenarioList(std::ostream& out, Format format)
{
    const RaceRegistry& registry = RaceRegistry::instance();
    if (format == Format::Json) {
        nlohmann::json list = nlohmann::json::array();
        for (const RaceScenarioInfo* info : registry.all()) {
            nlohmann::json modes = nlohmann::json::array();
            for (const RaceSyncMode& mode : info->modes)
                modes.push_back(
                    { { "id", mode.id }, { "title", mode.title }, { "broken", mode.broken }, { "help", mode.help } });
            nlohmann::json workers = rangeJson(info->workers);
            workers["help"] = info->workersHelp;
            nlohmann::json iterations = rangeJson(info->iterations);
            iterations["help"] = info->iterationsHelp;
            nlohmann::json window = rangeJson(info->windowNs);
            window["help"] = info->windowHelp;
            nlohmann::json record = nullptr;
            if (info->recordSize) {
                record = rangeJson(*info->recordSize);
                record["multiple_of"] = info->recordAlignment;
            }
            list.push_back({ { "id", info->id }, { "title", info->title }, { "description", info->summary },
                { "counted", info->counted }, { "modes", modes }, { "workers", workers }, { "iterations", iterations },
                { "demo_iterations", info->demoIterations }, { "race_window_ns", window }, { "record_size", record } });
        }
        out << list.dump(2) << '\n';
        return;
    }
    TextTable table({ "ID", "SYNC MODES", "WORKERS", "ITERATIONS", "WINDOW NS", "COUNTS" },
        { false, false, false, false, false, false });
    for (const RaceScenarioInfo* info : registry.all())
        table.add({ info->id, info->modeList(), rangeText(info->workers), rangeText(info->iterations),
            rangeText(info->windowNs), info->counted });
    table.print(out);
}

void printRaceResult(std::ostream& out, const RaceResult& r, Format format)
{
    if (format != Format::Table) {
        out << nlohmann::json(r).dump() << '\n';
        return;
    }
    const RaceScenarioInfo* info = RaceRegistry::instance().find(r.spec.scenario);
    out << r.spec.scenario << "  sync " << r.spec.sync << (r.broken ? " (broken)" : " (correct)") << "  "
        << r.spec.workers.value_or(0) << " processes x " << withSeparators(r.spec.iterations.value_or(0)) << " "
        << (info ? info->iterationsHelp : std::string("iterations")) << "  race window "
        << formatNanoseconds(static_cast<double>(r.spec.windowNs.value_or(0)));
    if (r.spec.recordSize)
        out << "  record " << formatBytes(*r.spec.recordSize);
    out << '\n';
    TextTable table({ "", "" }, { false, false });
    table.add({ "expected", withSeparators(r.expected) });
    table.add({ "observed", withSeparators(r.observed) });
    table.add({ "sync_errors", withSeparators(r.syncErrors) + " " + r.counted + percentOf(r.syncErrors, r.expected) });
    std::string details;
    for (const auto& [name, value] : r.details)
        details += (details.empty() ? "" : ", ") + name + " " + withSeparators(value);
    table.add({ "details", details.empty() ? "-" : details });
    table.add({ "time",
        number(r.durationS, 3) + " s; cpu user " + number(r.cpuUserS, 3) + " s, system " + number(r.cpuSysS, 3) + " s; "
            + withSeparators(r.voluntarySwitches) + " voluntary and " + withSeparators(r.involuntarySwitches)
            + " involuntary context switches" });
    if (r.partial)
        table.add({ "partial", r.error });
    table.print(out);
}

} // namespace ipcpg::cli
