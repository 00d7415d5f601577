#include "ipcpg/controlprotocol.h"

#include <algorithm>
#include <climits>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <type_traits>

namespace ipcpg {

namespace {

nlohmann::json bucketsJson(const std::vector<LatencyHistogram::Bucket>& buckets)
{
    nlohmann::json list = nlohmann::json::array();
    for (const auto& [index, count] : buckets)
        list.push_back({ index, count });
    return list;
}

struct Encoder {
    nlohmann::json operator()(const HelloMessage& hello) const
    {
        return { { "type", "hello" }, { "protocol", hello.protocol }, { "pid", hello.pid },
            { "worker_pids", hello.workerPids }, { "clock_read_ns", hello.clockReadNs } };
    }
    nlohmann::json operator()(const SampleMessage& s) const
    {
        return {
            { "type", "sample" },
            { "t", s.elapsedS },
            { "interval_s", s.intervalS },
            { "messages", s.messages },
            { "bytes", s.bytes },
            { "total_messages", s.totalMessages },
            { "integrity_errors", s.integrityErrors },
            { "lost", s.lost },
            { "sync_errors", s.syncErrors },
            { "cpu", { { "user_s", s.cpuUserS }, { "sys_s", s.cpuSysS } } },
            { "context_switches", { { "voluntary", s.voluntarySwitches }, { "involuntary", s.involuntarySwitches } } },
            { "latency_ns", s.latencyNs },
            { "histogram", bucketsJson(s.histogramDelta) },
            { "expected", s.expected },
            { "observed", s.observed },
            { "samples_not_written", s.samplesNotWritten },
            { "members", membersJson(s.members) },
        };
    }
    static nlohmann::json membersJson(const std::vector<MemberSample>& members)
    {
        nlohmann::json list = nlohmann::json::array();
        for (const MemberSample& m : members)
            list.push_back({ { "index", m.index }, { "messages", m.messages }, { "lost", m.lost },
                { "integrity_errors", m.integrityErrors }, { "latency_ns", m.latencyNs } });
        return list;
    }
    nlohmann::json operator()(const ResultMessage& r) const { return { { "type", "result" }, { "result", r.result } }; }
    nlohmann::json operator()(const ErrorMessage& e) const { return { { "type", "error" }, { "message", e.message } }; }
    nlohmann::json operator()(const RaceResultMessage& r) const
    {
        return { { "type", "race_result" }, { "result", nlohmann::json::parse(r.json) } };
    }
};

[[noreturn]] void reject(const std::string& why) { throw ProtocolError("malformed control message: " + why); }

const nlohmann::json& member(const nlohmann::json& object, const char* name, nlohmann::json::value_t type)
{
    const auto it = object.find(name);
    if (it == object.end())
        reject(std::string("missing \"") + name + "\"");
    const bool numberOk = type == nlohmann::json::value_t::number_float && it->is_number();
    const bool unsignedOk = type == nlohmann::json::value_t::number_unsigned && it->is_number_unsigned();
    if (it->type() != type && !numberOk && !unsignedOk)
        reject(std::string("\"") + name + "\" has the wrong type");
    return *it;
}

double number(const nlohmann::json& object, const char* name)
{
    return member(object, name, nlohmann::json::value_t::number_float).get<double>();
}

std::uint64_t count(const nlohmann::json& object, const char* name)
{
    return member(object, name, nlohmann::json::value_t::number_unsigned).get<std::uint64_t>();
}

// Pids are positive ints; a larger number would turn into another pid when narrowed.
int processId(std::uint64_t value)
{
    if (value == 0 || value > static_cast<std::uint64_t>(INT_MAX))
        reject("pid " + std::to_string(value) + " is out of range");
    return static_cast<int>(value);
}

SampleMessage parseSample(const nlohmann::json& json)
{
    SampleMessage s;
    s.elapsedS = number(json, "t");
    s.intervalS = number(json, "interval_s");
    s.messages = count(json, "messages");
    s.bytes = count(json, "bytes");
    s.totalMessages = count(json, "total_messages");
    s.integrityErrors = count(json, "integrity_errors");
    s.lost = count(json, "lost");
    s.syncErrors = count(json, "sync_errors");
    const auto& cpu = member(json, "cpu", nlohmann::json::value_t::object);
    s.cpuUserS = number(cpu, "user_s");
    s.cpuSysS = number(cpu, "sys_s");
    const auto& csw = member(json, "context_switches", nlohmann::json::value_t::object);
    s.voluntarySwitches = count(csw, "voluntary");
    s.involuntarySwitches = count(csw, "involuntary");
    s.latencyNs = member(json, "latency_ns", nlohmann::json::value_t::object).get<LatencySummary>();
    const auto& buckets = member(json, "histogram", nlohmann::json::value_t::array);
    if (buckets.size() > static_cast<std::size_t>(HistogramLayout::kBucketCount))
        reject("more histogram buckets than the layout has");
    for (const auto& bucket : buckets) {
        if (!bucket.is_array() || bucket.size() != 2 || !bucket[0].is_number_unsigned()
            || !bucket[1].is_number_unsigned())
            reject("a histogram bucket is not [index, count]");
        const auto index = bucket[0].get<std::uint64_t>();
        if (index >= static_cast<std::uint64_t>(HistogramLayout::kBucketCount))
            reject("histogram bucket index " + std::to_string(index) + " is out of range");
        s.histogramDelta.emplace_back(static_cast<std::uint32_t>(index), bucket[1].get<std::uint64_t>());
    }
    if (const auto it = json.find("expected"); it != json.end() && it->is_number_unsigned())
        s.expected = it->get<std::uint64_t>();
    if (const auto it = json.find("observed"); it != json.end() && it->is_number_unsigned())
        s.observed = it->get<std::uint64_t>();
    if (const auto it = json.find("samples_not_written"); it != json.end() && it->is_number_unsigned())
        s.samplesNotWritten = it->get<std::uint64_t>();
    if (const auto it = json.find("members"); it != json.end()) {
        if (!it->is_array() || it->size() > RunSpec::kMaxMembers)
            reject("\"members\" is not a list of at most " + std::to_string(RunSpec::kMaxMembers) + " members");
        for (const auto& entry : *it) {
            if (!entry.is_object())
                reject("a member is not an object");
            MemberSample m;
            const std::uint64_t index = count(entry, "index");
            if (index >= RunSpec::kMaxMembers)
                reject("member index " + std::to_string(index) + " is out of range");
            m.index = static_cast<int>(index);
            m.messages = count(entry, "messages");
            m.lost = count(entry, "lost");
            m.integrityErrors = count(entry, "integrity_errors");
            m.latencyNs = member(entry, "latency_ns", nlohmann::json::value_t::object).get<LatencySummary>();
            s.members.push_back(m);
        }
    }
    return s;
}

} // namespace

std::string encodeControlMessage(const ControlMessage& message)
{
    // Invalid UTF-8 in an error text (a path, a kernel message) must not make the dump throw.
    return std::visit(Encoder {}, message).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

ControlMessage parseControlLine(std::string_view line)
{
    if (line.size() > kMaxControlLineBytes)
        reject("line of " + std::to_string(line.size()) + " bytes is longer than the limit");
    nlohmann::json json = nlohmann::json::parse(line, nullptr, false);
    if (json.is_discarded())
        reject("not JSON");
    if (!json.is_object())
        reject("not a JSON object");
    try {
        const std::string type = member(json, "type", nlohmann::json::value_t::string).get<std::string>();
        if (type == "hello") {
            HelloMessage hello;
            const std::uint64_t protocol = count(json, "protocol");
            if (protocol != kControlProtocolVersion)
                reject("protocol version " + std::to_string(protocol) + " is not "
                    + std::to_string(kControlProtocolVersion));
            hello.protocol = kControlProtocolVersion;
            hello.pid = processId(count(json, "pid"));
            for (const auto& pid : member(json, "worker_pids", nlohmann::json::value_t::array)) {
                if (!pid.is_number_unsigned())
                    reject("a worker pid is not a number");
                hello.workerPids.push_back(processId(pid.get<std::uint64_t>()));
            }
            hello.clockReadNs = number(json, "clock_read_ns");
            return hello;
        }
        if (type == "sample")
            return parseSample(json);
        if (type == "result") {
            ResultMessage result;
            result.result = member(json, "result", nlohmann::json::value_t::object).get<RunResult>();
            return result;
        }
        if (type == "error")
            return ErrorMessage { member(json, "message", nlohmann::json::value_t::string).get<std::string>() };
        if (type == "race_result")
            return RaceResultMessage { member(json, "result", nlohmann::json::value_t::object).dump() };
        reject("unknown type \"" + type + "\"");
    } catch (const nlohmann::json::exception& error) {
        reject(error.what());
    } catch (const std::out_of_range& error) {
        reject(error.what()); // a number RunResult's reader refused
    }
}

void ControlMessageOrder::check(const ControlMessage& message)
{
    const char* type = std::visit(
        [](const auto& m) -> const char* {
            using T = std::decay_t<decltype(m)>;
            if constexpr (std::is_same_v<T, HelloMessage>)
                return "hello";
            else if constexpr (std::is_same_v<T, SampleMessage>)
                return "sample";
            else if constexpr (std::is_same_v<T, ResultMessage>)
                return "result";
            else if constexpr (std::is_same_v<T, ErrorMessage>)
                return "error";
            else
                return "race_result";
        },
        message);
    if (m_final)
        reject(std::string("a \"") + type + "\" message came after the final result");
    if (std::holds_alternative<HelloMessage>(message)) {
        if (m_hello)
            reject("a second \"hello\"");
        m_hello = true;
    } else if (std::holds_alternative<SampleMessage>(message)) {
        if (!m_hello)
            reject("a \"sample\" came before \"hello\"");
    } else if (!std::holds_alternative<ErrorMessage>(message)) {
        m_final = true;
    }
}

void ControlLineBuffer::append(std::string_view bytes)
{
    if (m_discarding) {
        const auto newline = bytes.find('\n');
        if (newline == std::string_view::npos)
            return;
        m_discarding = false;
        bytes.remove_prefix(newline + 1);
    }
    m_buffer.append(bytes);
}

std::optional<std::string> ControlLineBuffer::nextLine()
{
    const auto newline = m_buffer.find('\n', m_scanFrom);
    if (newline == std::string::npos) {
        m_scanFrom = m_buffer.size();
        if (m_buffer.size() > kMaxControlLineBytes) {
            // Drop the oversized line and everything up to its end.
            m_buffer.clear();
            m_scanFrom = 0;
            m_discarding = true;
            m_overflowed = true;
        }
        return std::nullopt;
    }
    std::string line = m_buffer.substr(0, newline);
    m_buffer.erase(0, newline + 1);
    m_scanFrom = 0;
    if (line.size() > kMaxControlLineBytes) {
        m_overflowed = true;
        return nextLine();
    }
    return line;
}

std::string ControlLineBuffer::takeRemainder()
{
    std::string rest = std::move(m_buffer);
    m_buffer.clear();
    m_scanFrom = 0;
    return rest;
}

double measuredSeconds(const SampleMessage& sample)
{
    return sample.elapsedS > 0 ? std::min(sample.intervalS, sample.elapsedS) : 0.0;
}

double messageRate(const SampleMessage& sample)
{
    const double seconds = measuredSeconds(sample);
    return seconds > 0 ? static_cast<double>(sample.messages) / seconds : 0.0;
}

} // namespace ipcpg
