#include "ipcpg/runresult.h"

#include <algorithm>
#include <climits>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <type_traits>

namespace ipcpg {

LatencySummary LatencySummary::of(const LatencyHistogram& histogram)
{
    LatencySummary summary;
    summary.count = histogram.count();
    if (summary.count == 0)
        return summary;
    summary.min = static_cast<double>(histogram.min());
    summary.mean = histogram.mean();
    summary.p50 = static_cast<double>(histogram.percentile(50));
    summary.p90 = static_cast<double>(histogram.percentile(90));
    summary.p99 = static_cast<double>(histogram.percentile(99));
    summary.p999 = static_cast<double>(histogram.percentile(99.9));
    summary.max = static_cast<double>(histogram.max());
    return summary;
}

bool slowerMember(const LatencySummary& a, int indexA, const LatencySummary& b, int indexB)
{
    if (a.p99 != b.p99)
        return a.p99 > b.p99;
    if (a.p50 != b.p50)
        return a.p50 > b.p50;
    return indexA < indexB;
}

namespace {

bool slowerThan(const MemberReport& a, const MemberReport& b)
{
    return slowerMember(a.latencyNs, a.index, b.latencyNs, b.index);
}

} // namespace

const MemberReport* RunResult::slowestMember() const
{
    const MemberReport* slowest = nullptr;
    for (const MemberReport& member : members) {
        if (!slowest || slowerThan(member, *slowest))
            slowest = &member;
    }
    return slowest;
}

const MemberReport* RunResult::fastestMember() const
{
    const MemberReport* fastest = nullptr;
    for (const MemberReport& member : members) {
        if (!fastest || slowerThan(*fastest, member))
            fastest = &member;
    }
    return fastest;
}

const LatencySummary& RunResult::headlineLatency() const
{
    if (const MemberReport* slowest = slowestMember())
        return slowest->latencyNs;
    return latencyNs;
}

double RunResult::hubCpuNsPerMessage() const
{
    // The hub is the first process of a fan-out or fan-in (LeadWorker's plan). Its CPU covers its
    // whole life, warm-up included, so it is divided by what it handled over the same span: its
    // ends' counters, which count a fan-out's message once per subscriber link.
    if (spec.topology == Topology::Pair || sides.empty())
        return 0.0;
    const SideReport& hub = sides.front();
    const double handled = spec.topology == Topology::FanOut
        ? static_cast<double>(hub.messagesSent) / static_cast<double>(std::max(spec.subscribers, 1U))
        : static_cast<double>(hub.messagesReceived);
    return handled > 0 ? (hub.userS + hub.sysS) * 1e9 / handled : 0.0;
}

double RunResult::cpuNsPerMessage() const
{
    return messages ? (cpuUserS + cpuSysS) * 1e9 / static_cast<double>(messages) : 0.0;
}

double RunResult::switchesPerMessage() const
{
    return messages ? static_cast<double>(voluntarySwitches + involuntarySwitches) / static_cast<double>(messages)
                    : 0.0;
}

void to_json(nlohmann::json& json, const LatencySummary& summary)
{
    json = nlohmann::json {
        { "count", summary.count },
        { "min", summary.min },
        { "mean", summary.mean },
        { "p50", summary.p50 },
        { "p90", summary.p90 },
        { "p99", summary.p99 },
        { "p999", summary.p999 },
        { "max", summary.max },
    };
}

namespace {

// A whole number our encoder wrote. Anything else (a fraction, a negative count, a value beyond
// T) is refused rather than converted: a float outside T's range converts with undefined
// behaviour, and a worker's message must never get that far.
template <typename T> T whole(const nlohmann::json& json, const char* name, T fallback)
{
    const auto it = json.find(name);
    if (it == json.end())
        return fallback;
    if (it->is_number_unsigned()) {
        const auto value = it->get<std::uint64_t>();
        if (value <= static_cast<std::uint64_t>(std::numeric_limits<T>::max()))
            return static_cast<T>(value);
    } else if (it->is_number_integer() && std::is_signed_v<T>) {
        const auto value = it->get<std::int64_t>();
        if (value >= static_cast<std::int64_t>(std::numeric_limits<T>::min())
            && value <= static_cast<std::int64_t>(std::numeric_limits<T>::max()))
            return static_cast<T>(value);
    }
    throw std::out_of_range(std::string("\"") + name + "\" is not a whole number in range");
}

template <typename T> std::vector<T> wholeList(const nlohmann::json& json, const char* name)
{
    std::vector<T> values;
    const auto it = json.find(name);
    if (it == json.end())
        return values;
    if (!it->is_array())
        throw std::out_of_range(std::string("\"") + name + "\" is not a list");
    for (const auto& item : *it) {
        const nlohmann::json wrapped { { "item", item } };
        values.push_back(whole<T>(wrapped, "item", T {}));
    }
    return values;
}

// Nanoseconds from a double that may be anything a message held: clamped to what fits.
std::uint64_t nanoseconds(double value)
{
    if (!(value > 0))
        return 0;
    if (value >= 18446744073709551615.0)
        return ~std::uint64_t { 0 };
    return static_cast<std::uint64_t>(value);
}

} // namespace

void from_json(const nlohmann::json& json, LatencySummary& summary)
{
    summary.count = whole<std::uint64_t>(json, "count", 0);
    summary.min = json.value("min", 0.0);
    summary.mean = json.value("mean", 0.0);
    summary.p50 = json.value("p50", 0.0);
    summary.p90 = json.value("p90", 0.0);
    summary.p99 = json.value("p99", 0.0);
    summary.p999 = json.value("p999", 0.0);
    summary.max = json.value("max", 0.0);
}

namespace {

nlohmann::json sideJson(const SideReport& side)
{
    return {
        { "role", side.role },
        { "name", side.name },
        { "pair", side.pair },
        { "pid", side.pid },
        { "cpus", side.cpus },
        { "cpu", { { "user_s", side.userS }, { "sys_s", side.sysS } } },
        { "context_switches",
            { { "voluntary", side.voluntarySwitches }, { "involuntary", side.involuntarySwitches } } },
        { "messages_sent", side.messagesSent },
        { "messages_received", side.messagesReceived },
        { "exit", side.exit },
    };
}

SideReport sideFromJson(const nlohmann::json& json)
{
    SideReport side;
    side.role = json.value("role", "");
    side.name = json.value("name", "");
    side.pair = whole<int>(json, "pair", 0);
    side.pid = whole<int>(json, "pid", 0);
    side.cpus = wholeList<int>(json, "cpus");
    if (const auto cpu = json.find("cpu"); cpu != json.end() && cpu->is_object()) {
        side.userS = cpu->value("user_s", 0.0);
        side.sysS = cpu->value("sys_s", 0.0);
    }
    if (const auto csw = json.find("context_switches"); csw != json.end() && csw->is_object()) {
        side.voluntarySwitches = whole<std::uint64_t>(*csw, "voluntary", 0);
        side.involuntarySwitches = whole<std::uint64_t>(*csw, "involuntary", 0);
    }
    side.messagesSent = whole<std::uint64_t>(json, "messages_sent", 0);
    side.messagesReceived = whole<std::uint64_t>(json, "messages_received", 0);
    side.exit = json.value("exit", "");
    return side;
}

nlohmann::json memberJson(const MemberReport& member)
{
    return {
        { "role", member.role },
        { "index", member.index },
        { "messages", member.messages },
        { "lost", member.lost },
        { "integrity_errors", member.integrityErrors },
        { "latency_ns", member.latencyNs },
        { "cpu", { { "user_s", member.userS }, { "sys_s", member.sysS } } },
        { "context_switches",
            { { "voluntary", member.voluntarySwitches }, { "involuntary", member.involuntarySwitches } } },
    };
}

MemberReport memberFromJson(const nlohmann::json& json)
{
    MemberReport member;
    member.role = json.value("role", "");
    member.index = whole<int>(json, "index", 0);
    member.messages = whole<std::uint64_t>(json, "messages", 0);
    member.lost = whole<std::uint64_t>(json, "lost", 0);
    member.integrityErrors = whole<std::uint64_t>(json, "integrity_errors", 0);
    if (const auto latency = json.find("latency_ns"); latency != json.end() && latency->is_object())
        member.latencyNs = latency->get<LatencySummary>();
    if (const auto cpu = json.find("cpu"); cpu != json.end() && cpu->is_object()) {
        member.userS = cpu->value("user_s", 0.0);
        member.sysS = cpu->value("sys_s", 0.0);
    }
    if (const auto csw = json.find("context_switches"); csw != json.end() && csw->is_object()) {
        member.voluntarySwitches = whole<std::uint64_t>(*csw, "voluntary", 0);
        member.involuntarySwitches = whole<std::uint64_t>(*csw, "involuntary", 0);
    }
    return member;
}

} // namespace

void to_json(nlohmann::json& json, const RunResult& result)
{
    const auto sync = result.spec.option("sync");
    json = nlohmann::json {
        { "mechanism", result.spec.mechanism },
        { "mode", toString(result.spec.mode) },
        { "message_size", result.spec.messageSize },
        { "sync", sync ? nlohmann::json(*sync) : nlohmann::json(nullptr) },
        { "options", result.spec.options },
        { "workers", result.spec.workers },
        { "duration_s", result.durationS },
        { "requested_duration_s", result.spec.durationS },
        { "requested_messages", result.spec.messages },
        { "messages", result.messages },
        { "bytes", result.bytes },
        { "msgs_per_s", result.msgsPerS },
        { "bytes_per_s", result.bytesPerS },
        { "latency_kind", result.latencyKind },
        { "latency_ns", result.latencyNs },
        { "integrity_errors", result.integrityErrors },
        { "integrity",
            {
                { "bad_size", result.integrity.badSize },
                { "bad_checksum", result.integrity.badChecksum },
                { "gaps", result.integrity.gaps },
                { "missing", result.integrity.missing },
                { "duplicates", result.integrity.duplicates },
                { "reordered", result.integrity.reordered },
            } },
        { "lost", result.lost },
        { "sync_errors", result.syncErrors },
        { "cpu", { { "user_s", result.cpuUserS }, { "sys_s", result.cpuSysS } } },
        { "context_switches",
            { { "voluntary", result.voluntarySwitches }, { "involuntary", result.involuntarySwitches } } },
        { "cpu_ns_per_message", result.cpuNsPerMessage() },
        { "context_switches_per_message", result.switchesPerMessage() },
        { "placement", { { "requested", toString(result.spec.placement) }, { "cpus", result.cpus } } },
        { "warmup", { { "messages", result.warmupMessages }, { "seconds", result.warmupS } } },
        { "clock_read_ns", result.clockReadNs },
        { "objects", result.objects },
        { "partial", result.partial },
        { "error", result.error },
        { "samples_not_written", result.samplesNotWritten },
        { "topology", toString(result.spec.topology) },
    };
    if (result.spec.topology == Topology::FanOut)
        json["subscribers"] = result.spec.subscribers;
    if (result.spec.topology == Topology::FanIn)
        json["publishers"] = result.spec.publishers;
    if (!result.members.empty()) {
        nlohmann::json members = nlohmann::json::array();
        for (const auto& member : result.members)
            members.push_back(memberJson(member));
        json["members"] = std::move(members);
        const MemberReport* slowest = result.slowestMember();
        const MemberReport* fastest = result.fastestMember();
        json["slowest_member"] = { { "index", slowest->index }, { "latency_ns", slowest->latencyNs } };
        json["fastest_member"] = { { "index", fastest->index }, { "latency_ns", fastest->latencyNs } };
    }
    if (result.rate) {
        json["rate"] = {
            { "offered", result.rate->offered },
            { "achieved", result.rate->achieved },
            { "max_behind_ns", result.rate->maxBehindNs },
            { "end_behind_ns", result.rate->endBehindNs },
        };
    }
    if (result.bytesCopiedPerMessage)
        json["payload_bytes_copied_per_message"] = *result.bytesCopiedPerMessage;
    nlohmann::json sides = nlohmann::json::array();
    for (const auto& side : result.sides)
        sides.push_back(sideJson(side));
    json["sides"] = std::move(sides);
    nlohmann::json buckets = nlohmann::json::array();
    for (const auto& [index, count] : result.histogram.nonEmptyBuckets()) {
        const int bucket = static_cast<int>(index);
        buckets.push_back({ HistogramLayout::lowerBound(bucket),
            HistogramLayout::lowerBound(bucket) + HistogramLayout::width(bucket), count, index });
    }
    // [lower ns, upper ns (exclusive), count, bucket index]: readable without knowing the layout.
    json["histogram"] = std::move(buckets);
}

void from_json(const nlohmann::json& json, RunResult& result)
{
    result = RunResult {};
    RunSpec& spec = result.spec;
    spec.mechanism = json.value("mechanism", "");
    spec.mode = parseMode(json.value("mode", "pingpong")).value_or(Mode::PingPong);
    spec.messageSize = whole<std::uint64_t>(json, "message_size", 0);
    if (const auto options = json.find("options"); options != json.end() && options->is_object()) {
        for (const auto& [name, value] : options->items()) {
            if (value.is_string())
                spec.options[name] = value.get<std::string>();
        }
    }
    spec.workers = whole<unsigned>(json, "workers", 1U);
    spec.durationS = json.value("requested_duration_s", json.value("duration_s", 0.0));
    spec.messages = whole<std::uint64_t>(json, "requested_messages", 0);
    result.durationS = json.value("duration_s", 0.0);
    result.messages = whole<std::uint64_t>(json, "messages", 0);
    result.bytes = whole<std::uint64_t>(json, "bytes", 0);
    result.msgsPerS = json.value("msgs_per_s", 0.0);
    result.bytesPerS = json.value("bytes_per_s", 0.0);
    result.latencyKind = json.value("latency_kind", "");
    if (const auto latency = json.find("latency_ns"); latency != json.end() && latency->is_object())
        result.latencyNs = latency->get<LatencySummary>();
    result.integrityErrors = whole<std::uint64_t>(json, "integrity_errors", 0);
    if (const auto integrity = json.find("integrity"); integrity != json.end() && integrity->is_object()) {
        result.integrity.badSize = whole<std::uint64_t>(*integrity, "bad_size", 0);
        result.integrity.badChecksum = whole<std::uint64_t>(*integrity, "bad_checksum", 0);
        result.integrity.gaps = whole<std::uint64_t>(*integrity, "gaps", 0);
        result.integrity.missing = whole<std::uint64_t>(*integrity, "missing", 0);
        result.integrity.duplicates = whole<std::uint64_t>(*integrity, "duplicates", 0);
        result.integrity.reordered = whole<std::uint64_t>(*integrity, "reordered", 0);
    }
    result.lost = whole<std::uint64_t>(json, "lost", 0);
    result.syncErrors = whole<std::uint64_t>(json, "sync_errors", 0);
    if (const auto cpu = json.find("cpu"); cpu != json.end() && cpu->is_object()) {
        result.cpuUserS = cpu->value("user_s", 0.0);
        result.cpuSysS = cpu->value("sys_s", 0.0);
    }
    if (const auto csw = json.find("context_switches"); csw != json.end() && csw->is_object()) {
        result.voluntarySwitches = whole<std::uint64_t>(*csw, "voluntary", 0);
        result.involuntarySwitches = whole<std::uint64_t>(*csw, "involuntary", 0);
    }
    if (const auto placement = json.find("placement"); placement != json.end() && placement->is_object()) {
        spec.placement = parsePlacement(placement->value("requested", "unpinned")).value_or(Placement::Unpinned);
        result.cpus = wholeList<int>(*placement, "cpus");
    }
    if (const auto warmup = json.find("warmup"); warmup != json.end() && warmup->is_object()) {
        result.warmupMessages = whole<std::uint64_t>(*warmup, "messages", 0);
        result.warmupS = warmup->value("seconds", 0.0);
    }
    spec.warmupS = result.warmupS;
    result.clockReadNs = json.value("clock_read_ns", 0.0);
    result.objects = json.value("objects", std::vector<std::string> {});
    result.partial = json.value("partial", false);
    result.error = json.value("error", "");
    result.samplesNotWritten = whole<std::uint64_t>(json, "samples_not_written", 0);
    spec.topology = parseTopology(json.value("topology", "pair")).value_or(Topology::Pair);
    spec.subscribers = whole<unsigned>(json, "subscribers", 1U);
    spec.publishers = whole<unsigned>(json, "publishers", 1U);
    if (const auto members = json.find("members"); members != json.end() && members->is_array()) {
        for (const auto& member : *members) {
            if (member.is_object())
                result.members.push_back(memberFromJson(member));
        }
    }
    if (const auto rate = json.find("rate"); rate != json.end() && rate->is_object()) {
        RateReport report;
        report.offered = rate->value("offered", 0.0);
        report.achieved = rate->value("achieved", 0.0);
        report.maxBehindNs = whole<std::uint64_t>(*rate, "max_behind_ns", 0);
        report.endBehindNs = whole<std::uint64_t>(*rate, "end_behind_ns", 0);
        spec.rate = report.offered;
        result.rate = report;
    }
    if (const auto copied = json.find("payload_bytes_copied_per_message"); copied != json.end() && copied->is_number())
        result.bytesCopiedPerMessage = copied->get<double>();
    if (const auto sides = json.find("sides"); sides != json.end() && sides->is_array()) {
        for (const auto& side : *sides) {
            if (side.is_object())
                result.sides.push_back(sideFromJson(side));
        }
    }
    if (const auto buckets = json.find("histogram"); buckets != json.end() && buckets->is_array()) {
        std::vector<LatencyHistogram::Bucket> compact;
        for (const auto& bucket : *buckets) {
            // An index beyond the layout is dropped by addBuckets; one beyond 32 bits here.
            if (bucket.is_array() && bucket.size() == 4 && bucket[2].is_number_unsigned()
                && bucket[3].is_number_unsigned() && bucket[3].get<std::uint64_t>() <= UINT32_MAX)
                compact.emplace_back(bucket[3].get<std::uint32_t>(), bucket[2].get<std::uint64_t>());
        }
        result.histogram.addBuckets(compact);
        if (result.histogram.count() > 0 && result.latencyNs.count > 0) {
            result.histogram.setExtremes(nanoseconds(result.latencyNs.min), nanoseconds(result.latencyNs.max),
                nanoseconds(result.latencyNs.mean * static_cast<double>(result.histogram.count())));
        }
    }
}

std::string csvHeader()
{
    return "mechanism,mode,message_size,sync,options,workers,placement,cpus,duration_s,messages,bytes,msgs_per_s,"
           "bytes_per_s,latency_kind,latency_min_ns,latency_mean_ns,latency_p50_ns,latency_p90_ns,latency_p99_ns,"
           "latency_p999_ns,latency_max_ns,integrity_errors,lost,sync_errors,cpu_user_s,cpu_sys_s,"
           "voluntary_switches,involuntary_switches,cpu_ns_per_message,warmup_messages,partial,topology,members,"
           "rate_offered,rate_achieved,slowest_p99_ns";
}

namespace {

// Quotes a CSV field when it holds a separator, a quote or a line break.
std::string csvField(const std::string& text)
{
    if (text.find_first_of(",\"\n") == std::string::npos)
        return text;
    std::string quoted = "\"";
    for (char c : text) {
        if (c == '"')
            quoted += '"';
        quoted += c;
    }
    return quoted + '"';
}

std::string number(double value)
{
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.6g", value);
    return buffer;
}

} // namespace

std::string csvRow(const RunResult& result)
{
    std::string options;
    for (const auto& [name, value] : result.spec.options)
        options += (options.empty() ? "" : ";") + name + "=" + value;
    std::string cpus;
    for (int cpu : result.cpus)
        cpus += (cpus.empty() ? "" : " ") + std::to_string(cpu);
    const auto& l = result.latencyNs;
    std::ostringstream row;
    row << csvField(result.spec.mechanism) << ',' << toString(result.spec.mode) << ',' << result.spec.messageSize << ','
        << csvField(result.spec.option("sync").value_or("")) << ',' << csvField(options) << ',' << result.spec.workers
        << ',' << toString(result.spec.placement) << ',' << cpus << ',' << number(result.durationS) << ','
        << result.messages << ',' << result.bytes << ',' << number(result.msgsPerS) << ',' << number(result.bytesPerS)
        << ',' << result.latencyKind << ',' << number(l.min) << ',' << number(l.mean) << ',' << number(l.p50) << ','
        << number(l.p90) << ',' << number(l.p99) << ',' << number(l.p999) << ',' << number(l.max) << ','
        << result.integrityErrors << ',' << result.lost << ',' << result.syncErrors << ',' << number(result.cpuUserS)
        << ',' << number(result.cpuSysS) << ',' << result.voluntarySwitches << ',' << result.involuntarySwitches << ','
        << number(result.cpuNsPerMessage()) << ',' << result.warmupMessages << ','
        << (result.partial ? "true" : "false");
    // Added after the original columns, so readers that count columns keep working. Empty where
    // the run had no such thing: no offered rate, no members.
    const MemberReport* slowest = result.slowestMember();
    row << ',' << toString(result.spec.topology) << ',' << result.spec.members() << ','
        << (result.rate ? number(result.rate->offered) : "") << ','
        << (result.rate ? number(result.rate->achieved) : "") << ',' << (slowest ? number(slowest->latencyNs.p99) : "");
    return row.str();
}

} // namespace ipcpg
