#include "output.h"

#include <algorithm>
#include <functional>
#include <iomanip>
#include <nlohmann/json.hpp>
#include <sstream>

#include "ipcpg/mechanismregistry.h"
#include "ipcpg/units.h"
#include "texttable.h"

namespace ipcpg::cli {

namespace {

std::string modesOf(const MechanismInfo& info)
{
    std::string text;
    for (Mode mode : info.modes)
        text += (text.empty() ? "" : ",") + std::string(toString(mode));
    return text;
}

std::string sizeRange(const SizeLimit& limit) { return formatBytes(limit.min) + " - " + formatBytes(limit.max); }

nlohmann::json limitJson(const SizeLimit& limit)
{
    return { { "min", limit.min }, { "max", limit.max }, { "reason", limit.reason } };
}

std::string cpusText(const std::vector<int>& cpus)
{
    std::string text;
    for (int cpu : cpus)
        text += (text.empty() ? "" : ",") + (cpu < 0 ? std::string("?") : std::to_string(cpu));
    return text;
}

void printSingleResult(std::ostream& out, const RunResult& r)
{
    const bool roundTrip = r.spec.mode == Mode::PingPong;
    out << r.spec.mechanism << "  " << toString(r.spec.mode) << "  " << formatBytes(r.spec.messageSize) << "  "
        << optionsText(r) << "  placement " << toString(r.spec.placement) << " (cpus " << cpusText(r.cpus) << ")";
    if (r.spec.workers > 1)
        out << "  " << r.spec.workers << " pairs";
    if (r.spec.topology == Topology::FanOut)
        out << "  fanout to " << r.spec.subscribers << " subscribers";
    if (r.spec.topology == Topology::FanIn)
        out << "  fanin from " << r.spec.publishers << " publishers";
    out << '\n';
    TextTable table({ "", "" }, { false, false });
    table.add({ "messages",
        withSeparators(r.messages) + (roundTrip ? " round trips" : " messages") + " in " + number(r.durationS, 2)
            + " s (" + formatRate(r.msgsPerS) + ", " + formatBytesPerSecond(r.bytesPerS) + ")" });
    if (r.latencyNs.count > 0) {
        const auto& l = r.latencyNs;
        table.add({ "latency",
            r.latencyKind + ": min " + formatNanoseconds(l.min) + "  p50 " + formatNanoseconds(l.p50) + "  p90 "
                + formatNanoseconds(l.p90) + "  p99 " + formatNanoseconds(l.p99) + "  p99.9 "
                + formatNanoseconds(l.p999) + "  max " + formatNanoseconds(l.max) });
    } else {
        table.add({ "latency", "not measured (the mechanism carries no timestamp in this mode)" });
    }
    if (const MemberReport* slowest = r.slowestMember()) {
        const MemberReport* fastest = r.fastestMember();
        const auto percentiles = [](const LatencySummary& l) {
            return "p50 " + formatNanoseconds(l.p50) + "  p99 " + formatNanoseconds(l.p99) + "  p99.9 "
                + formatNanoseconds(l.p999);
        };
        table.add({ "slowest",
            slowest->role + " " + std::to_string(slowest->index) + ": " + percentiles(slowest->latencyNs) });
        table.add({ "fastest",
            fastest->role + " " + std::to_string(fastest->index) + ": " + percentiles(fastest->latencyNs) });
    }
    if (r.rate) {
        table.add({ "rate",
            "offered " + formatRate(r.rate->offered) + ", achieved " + formatRate(r.rate->achieved)
                + "; behind schedule at most " + formatNanoseconds(static_cast<double>(r.rate->maxBehindNs))
                + ", at the end " + formatNanoseconds(static_cast<double>(r.rate->endBehindNs)) });
    }
    if (r.bytesCopiedPerMessage)
        table.add({ "copies", number(*r.bytesCopiedPerMessage, 0) + " payload bytes copied per message" });
    table.add({ "integrity",
        withSeparators(r.integrityErrors) + " errors, " + withSeparators(r.lost) + " lost, "
            + withSeparators(r.syncErrors) + " sync errors" });
    table.add({ "cpu",
        "user " + number(r.cpuUserS, 3) + " s, system " + number(r.cpuSysS, 3) + " s ("
            + formatNanoseconds(r.cpuNsPerMessage()) + " of CPU per message)" });
    table.add({ "switches",
        withSeparators(r.voluntarySwitches) + " voluntary, " + withSeparators(r.involuntarySwitches) + " involuntary ("
            + number(r.switchesPerMessage(), 2) + " per message)" });
    table.add({ "warm-up",
        withSeparators(r.warmupMessages) + " messages in " + number(r.warmupS, 2) + " s, not counted; clock read "
            + number(r.clockReadNs, 1) + " ns" });
    if (r.partial)
        table.add({ "partial", r.error });
    table.print(out);
    if (r.members.empty())
        return;
    out << '\n';
    TextTable members({ "MEMBER", "MESSAGES", "LOST", "ERRORS", "P50", "P99", "P99.9", "CPU" },
        { false, true, true, true, true, true, true, true });
    for (const MemberReport& m : r.members) {
        const bool latency = m.latencyNs.count > 0;
        members.add({ m.role + " " + std::to_string(m.index), withSeparators(m.messages), withSeparators(m.lost),
            withSeparators(m.integrityErrors), latency ? formatNanoseconds(m.latencyNs.p50) : "-",
            latency ? formatNanoseconds(m.latencyNs.p99) : "-", latency ? formatNanoseconds(m.latencyNs.p999) : "-",
            number(m.userS + m.sysS, 3) + " s" });
    }
    members.print(out);
}

// One column of the sweep table: its heading, its alignment and how a run fills it.
struct SweepColumn {
    std::string header;
    bool rightAligned;
    std::function<std::string(const RunResult&)> cell;
};

std::string latencyCell(const LatencySummary& latency, double LatencySummary::*percentile)
{
    return latency.count > 0 ? formatNanoseconds(latency.*percentile) : "-";
}

// The topology and rate columns only when a run has them, so a plain sweep reads as before.
std::vector<SweepColumn> sweepColumns(const std::vector<RunResult>& results)
{
    const auto any
        = [&results](const auto& predicate) { return std::any_of(results.begin(), results.end(), predicate); };
    const bool topologies = any([](const RunResult& r) { return r.spec.topology != Topology::Pair; });
    const bool rates = any([](const RunResult& r) { return r.rate.has_value(); });
    const std::string slowest = any([](const RunResult& r) { return !r.members.empty(); }) ? " (SLOWEST)" : "";
    std::vector<SweepColumn> columns {
        { "MECHANISM", false, [](const RunResult& r) { return r.spec.mechanism; } },
        { "MODE", false, [](const RunResult& r) { return std::string(toString(r.spec.mode)); } },
        { "SIZE", true, [](const RunResult& r) { return formatBytes(r.spec.messageSize); } },
        { "OPTIONS", false, optionsText },
        { "PLACEMENT", false, [](const RunResult& r) { return std::string(toString(r.spec.placement)); } },
    };
    if (topologies)
        columns.push_back({ "TOPOLOGY", false, topologyText });
    if (rates) {
        columns.push_back(
            { "RATE", true, [](const RunResult& r) { return r.rate ? formatRate(r.rate->offered) : "-"; } });
        columns.push_back(
            { "ACHIEVED", true, [](const RunResult& r) { return r.rate ? formatRate(r.rate->achieved) : "-"; } });
    }
    const std::vector<SweepColumn> rest {
        { "MSG/S", true, [](const RunResult& r) { return formatRate(r.msgsPerS); } },
        { "BYTES/S", true, [](const RunResult& r) { return formatBytesPerSecond(r.bytesPerS); } },
        { "P50" + slowest, true,
            [](const RunResult& r) { return latencyCell(r.headlineLatency(), &LatencySummary::p50); } },
        { "P99" + slowest, true,
            [](const RunResult& r) { return latencyCell(r.headlineLatency(), &LatencySummary::p99); } },
        { "P99.9" + slowest, true,
            [](const RunResult& r) { return latencyCell(r.headlineLatency(), &LatencySummary::p999); } },
        { "ERRORS", true, [](const RunResult& r) { return withSeparators(r.integrityErrors + r.syncErrors); } },
        { "LOST", true, [](const RunResult& r) { return withSeparators(r.lost); } },
        { "CPU/MSG", true, [](const RunResult& r) { return formatNanoseconds(r.cpuNsPerMessage()); } },
    };
    columns.insert(columns.end(), rest.begin(), rest.end());
    return columns;
}

void printSweepTable(std::ostream& out, const std::vector<RunResult>& results)
{
    const std::vector<SweepColumn> columns = sweepColumns(results);
    std::vector<std::string> header;
    std::vector<bool> rightAligned;
    for (const SweepColumn& column : columns) {
        header.push_back(column.header);
        rightAligned.push_back(column.rightAligned);
    }
    TextTable table(std::move(header), std::move(rightAligned));
    for (const RunResult& r : results) {
        std::vector<std::string> row;
        row.reserve(columns.size());
        for (const SweepColumn& column : columns)
            row.push_back(column.cell(r));
        table.add(std::move(row));
    }
    table.print(out);
}

nlohmann::json supportJson(const TopologySupport& support)
{
    return { { "supported", support.supported }, { "how", support.how } };
}

} // namespace

std::string optionsText(const RunResult& result)
{
    std::string text;
    for (const auto& [name, value] : result.spec.options)
        text += (text.empty() ? "" : " ") + name + "=" + value;
    return text.empty() ? "-" : text;
}

std::string topologyText(const RunResult& result)
{
    if (result.spec.topology == Topology::Pair)
        return "pair";
    return std::string(toString(result.spec.topology)) + " " + std::to_string(result.spec.members());
}

void printMechanismList(std::ostream& out, Format format)
{
    const MechanismRegistry& registry = MechanismRegistry::instance();
    if (format == Format::Json) {
        nlohmann::json list = nlohmann::json::array();
        for (const Mechanism* mechanism : registry.all()) {
            const MechanismInfo& info = mechanism->info();
            const MechanismOptions defaults = registry.resolveOptions(*mechanism, {});
            nlohmann::json modes = nlohmann::json::array();
            for (Mode mode : info.modes)
                modes.push_back(toString(mode));
            nlohmann::json options = nlohmann::json::array();
            nlohmann::json limits = nlohmann::json::array();
            for (const OptionSpec& option : info.options) {
                options.push_back({ { "name", option.name }, { "values", option.values },
                    { "default", option.defaultValue }, { "help", option.help } });
                for (const std::string& value : option.values) {
                    MechanismOptions variant = defaults;
                    variant[option.name] = value;
                    nlohmann::json limit = limitJson(mechanism->sizeLimit(variant));
                    limit["options"] = { { option.name, value } };
                    limits.push_back(std::move(limit));
                }
            }
            // What a framework runs on, for pairing it with that kernel mechanism in a comparison.
            nlohmann::json builtOn = nlohmann::json::array();
            for (const BuiltOn& beneath : info.builtOn)
                builtOn.push_back({ { "options", beneath.options }, { "mechanism", beneath.mechanism } });
            list.push_back({
                { "id", info.id },
                { "title", info.title },
                { "description", info.summary },
                { "modes", modes },
                { "options", options },
                { "size_limit", limitJson(mechanism->sizeLimit(defaults)) },
                { "size_limits_by_option", limits },
                { "topologies", { { "fanout", supportJson(info.fanout) }, { "fanin", supportJson(info.fanin) } } },
                { "built_on", builtOn },
            });
        }
        out << list.dump(2) << '\n';
        return;
    }
    TextTable table({ "ID", "MODES", "SIZES", "OPTIONS", "DESCRIPTION" }, { false, false, false, false, false });
    for (const Mechanism* mechanism : registry.all()) {
        const MechanismInfo& info = mechanism->info();
        std::string options;
        for (const OptionSpec& option : info.options) {
            std::string values;
            for (const auto& value : option.values)
                values += (values.empty() ? "" : "|") + value;
            options += (options.empty() ? "" : " ") + option.name + "=" + values;
        }
        table.add({ info.id, modesOf(info), sizeRange(mechanism->sizeLimit(registry.resolveOptions(*mechanism, {}))),
            options.empty() ? "-" : options, info.summary });
    }
    table.print(out);
    out << '\n';
    TextTable topologies({ "ID", "FANOUT", "FANIN" }, { false, false, false });
    const auto cell
        = [](const TopologySupport& support) { return (support.supported ? "yes: " : "no: ") + support.how; };
    for (const Mechanism* mechanism : registry.all())
        topologies.add({ mechanism->info().id, cell(mechanism->info().fanout), cell(mechanism->info().fanin) });
    topologies.print(out);
}

void printResults(std::ostream& out, const std::vector<RunResult>& results, Format format, bool asArray)
{
    if (format == Format::Json) {
        if (!asArray && results.size() == 1) {
            out << nlohmann::json(results.front()).dump() << '\n';
            return;
        }
        out << nlohmann::json(results).dump() << '\n';
        return;
    }
    if (format == Format::Csv) {
        out << csvHeader() << '\n';
        for (const RunResult& result : results)
            out << csvRow(result) << '\n';
        return;
    }
    if (!asArray && results.size() == 1) {
        printSingleResult(out, results.front());
        return;
    }
    printSweepTable(out, results);
}

} // namespace ipcpg::cli
