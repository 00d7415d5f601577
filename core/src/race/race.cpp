#include "ipcpg/race.h"

#include <cstdio>

#include <limits>
#include <nlohmann/json.hpp>

#include "ipcpg/error.h"

namespace ipcpg {

namespace {

template <typename T> std::optional<T> optionalCount(const nlohmann::json& json, const char* name, const char* expected)
{
    const auto it = json.find(name);
    if (it == json.end() || it->is_null())
        return std::nullopt;
    if (!it->is_number_unsigned())
        throw UsageError(std::string("race spec field \"") + name + "\" must be " + expected);
    const auto value = it->get<std::uint64_t>();
    if (value > std::numeric_limits<T>::max())
        throw UsageError(
            std::string("race spec field \"") + name + "\" is " + std::to_string(value) + ", far out of range");
    return static_cast<T>(value);
}

std::string text(const nlohmann::json& json, const char* name)
{
    const auto it = json.find(name);
    if (it == json.end())
        return {};
    if (!it->is_string())
        throw UsageError(std::string("race spec field \"") + name + "\" must be a string");
    return it->get<std::string>();
}

nlohmann::json processJson(const RaceProcessReport& process)
{
    return {
        { "role", process.role },
        { "pid", process.pid },
        { "iterations", process.iterations },
        { "cpu", { { "user_s", process.userS }, { "sys_s", process.sysS } } },
        { "context_switches",
            { { "voluntary", process.voluntarySwitches }, { "involuntary", process.involuntarySwitches } } },
        { "exit", process.exit },
    };
}

RaceProcessReport processFromJson(const nlohmann::json& json)
{
    RaceProcessReport process;
    process.role = json.at("role").get<std::string>();
    process.pid = json.at("pid").get<int>();
    process.iterations = json.at("iterations").get<std::uint64_t>();
    process.userS = json.at("cpu").at("user_s").get<double>();
    process.sysS = json.at("cpu").at("sys_s").get<double>();
    process.voluntarySwitches = json.at("context_switches").at("voluntary").get<std::uint64_t>();
    process.involuntarySwitches = json.at("context_switches").at("involuntary").get<std::uint64_t>();
    process.exit = json.at("exit").get<std::string>();
    return process;
}

} // namespace

void to_json(nlohmann::json& json, const RaceSpec& spec)
{
    json = nlohmann::json { { "scenario", spec.scenario }, { "sync", spec.sync } };
    if (spec.workers)
        json["workers"] = *spec.workers;
    if (spec.iterations)
        json["iterations"] = *spec.iterations;
    if (spec.windowNs)
        json["race_window_ns"] = *spec.windowNs;
    if (spec.recordSize)
        json["record_size"] = *spec.recordSize;
}

void from_json(const nlohmann::json& json, RaceSpec& spec)
{
    if (!json.is_object())
        throw UsageError("a race spec must be a JSON object");
    spec = RaceSpec {};
    spec.scenario = text(json, "scenario");
    spec.sync = text(json, "sync");
    spec.workers = optionalCount<unsigned>(json, "workers", "a whole number of processes");
    spec.iterations = optionalCount<std::uint64_t>(json, "iterations", "a whole number");
    spec.windowNs = optionalCount<std::uint64_t>(json, "race_window_ns", "a whole number of nanoseconds");
    spec.recordSize = optionalCount<std::uint64_t>(json, "record_size", "a whole number of bytes");
}

void to_json(nlohmann::json& json, const RaceResult& result)
{
    json = nlohmann::json(result.spec);
    json["broken"] = result.broken;
    json["expected"] = result.expected;
    json["observed"] = result.observed;
    json["sync_errors"] = result.syncErrors;
    json["counted"] = result.counted;
    json["details"] = result.details;
    json["duration_s"] = result.durationS;
    json["cpu"] = { { "user_s", result.cpuUserS }, { "sys_s", result.cpuSysS } };
    json["context_switches"]
        = { { "voluntary", result.voluntarySwitches }, { "involuntary", result.involuntarySwitches } };
    nlohmann::json processes = nlohmann::json::array();
    for (const RaceProcessReport& process : result.processes)
        processes.push_back(processJson(process));
    json["processes"] = std::move(processes);
    json["objects"] = result.objects;
    json["partial"] = result.partial;
    json["error"] = result.partial ? nlohmann::json(result.error) : nlohmann::json(nullptr);
}

std::string raceCsvHeader()
{
    return "scenario,sync,broken,workers,iterations,window_ns,record_size,expected,observed,sync_errors,duration_s,"
           "cpu_user_s,cpu_sys_s,partial";
}

std::string raceCsvRow(const RaceResult& result)
{
    const RaceSpec& spec = result.spec;
    const auto optional = [](const auto& value) { return value ? std::to_string(*value) : std::string(); };
    char numbers[128];
    std::snprintf(numbers, sizeof numbers, "%.6g,%.6g,%.6g", result.durationS, result.cpuUserS, result.cpuSysS);
    return spec.scenario + "," + spec.sync + "," + (result.broken ? "true" : "false") + "," + optional(spec.workers)
        + "," + optional(spec.iterations) + "," + optional(spec.windowNs) + "," + optional(spec.recordSize) + ","
        + std::to_string(result.expected) + "," + std::to_string(result.observed) + ","
        + std::to_string(result.syncErrors) + "," + numbers + "," + (result.partial ? "true" : "false");
}

void from_json(const nlohmann::json& json, RaceResult& result)
{
    result = RaceResult {};
    result.spec = json.get<RaceSpec>();
    result.spec.workers = json.at("workers").get<unsigned>(); // a result always names its processes
    result.broken = json.at("broken").get<bool>();
    result.expected = json.at("expected").get<std::uint64_t>();
    result.observed = json.at("observed").get<std::uint64_t>();
    result.syncErrors = json.at("sync_errors").get<std::uint64_t>();
    result.counted = json.at("counted").get<std::string>();
    result.details = json.at("details").get<std::map<std::string, std::uint64_t>>();
    result.durationS = json.at("duration_s").get<double>();
    result.cpuUserS = json.at("cpu").at("user_s").get<double>();
    result.cpuSysS = json.at("cpu").at("sys_s").get<double>();
    result.voluntarySwitches = json.at("context_switches").at("voluntary").get<std::uint64_t>();
    result.involuntarySwitches = json.at("context_switches").at("involuntary").get<std::uint64_t>();
    for (const auto& process : json.at("processes"))
        result.processes.push_back(processFromJson(process));
    result.objects = json.at("objects").get<std::vector<std::string>>();
    result.partial = json.at("partial").get<bool>();
    if (result.partial)
        result.error = json.at("error").get<std::string>();
}

} // namespace ipcpg
