#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace ipcpg {

// Race scenarios: real worker processes share memory (or signals) with a broken synchronisation
// mode and correct ones, and count the synchronisation errors they make. The scenarios, their
// modes and limits are listed by RaceRegistry (raceregistry.h); runRaceLead (racelead.h) runs one.

// What to run. A value type: front ends build it, the worker receives it as JSON. Fields left
// empty take the scenario's default when RaceRegistry::validate resolves the spec.
struct RaceSpec {
    std::string scenario; // "counter", "torn", "ring", "reorder", "signals"
    std::string sync; // one of the scenario's modes: "none", "atomic", ...
    std::optional<unsigned> workers; // processes taking part
    std::optional<std::uint64_t> iterations; // per worker: what one iteration is depends on the scenario
    std::optional<std::uint64_t> windowNs; // race window: a busy delay where the race can strike
    std::optional<std::uint64_t> recordSize; // bytes of the shared record (torn only)
};

// What one worker process did and cost (from wait4, so kernel work on its behalf is included).
struct RaceProcessReport {
    std::string role; // "incrementer 0", "writer", "reader 1", "producer", ...
    int pid = 0;
    std::uint64_t iterations = 0; // what it completed
    double userS = 0;
    double sysS = 0;
    std::uint64_t voluntarySwitches = 0;
    std::uint64_t involuntarySwitches = 0;
    std::string exit; // "exited with status 0", "was killed by signal 9 (Killed)"
};

struct RaceResult {
    RaceSpec spec; // resolved: every field the scenario uses is set
    bool broken = false; // the sync mode is the scenario's deliberately broken one
    std::string counted; // what sync_errors counts, e.g. "lost updates"
    std::uint64_t expected = 0; // what correct synchronisation would give
    std::uint64_t observed = 0; // what the processes actually produced
    std::uint64_t syncErrors = 0;
    std::map<std::string, std::uint64_t> details; // scenario-specific counts ("torn_reads", "skipped", ...)
    double durationS = 0; // from the start signal until the last worker ended
    double cpuUserS = 0;
    double cpuSysS = 0;
    std::uint64_t voluntarySwitches = 0;
    std::uint64_t involuntarySwitches = 0;
    std::vector<RaceProcessReport> processes;
    std::vector<std::string> objects; // the kernel objects the race created (all removed at its end)
    bool partial = false; // stopped early or a worker failed: the counts cover what was done
    std::string error; // why, when partial
};

// JSON with man ipcpg's names: {"scenario","sync","workers","expected","observed","sync_errors",...}.
// from_json throws UsageError naming the field when a value has the wrong type; it does not check
// ranges (RaceRegistry::validate does).
void to_json(nlohmann::json& json, const RaceSpec& spec);
void from_json(const nlohmann::json& json, RaceSpec& spec);
void to_json(nlohmann::json& json, const RaceResult& result);
// One CSV header line and one row per race result.
std::string raceCsvHeader();
std::string raceCsvRow(const RaceResult& result);
// Strict: a missing or mistyped required field throws nlohmann::json::exception.
void from_json(const nlohmann::json& json, RaceResult& result);

} // namespace ipcpg
