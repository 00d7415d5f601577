#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ipcpg/race.h"

namespace ipcpg {

// One synchronisation mode of a scenario.
struct RaceSyncMode {
    std::string id; // "none", "atomic", "mutex", ...
    std::string title; // "No synchronisation"
    bool broken = false; // the mode that demonstrates the race; the others must give 0 errors
    std::string help; // one line: what the mode does
};

// An inclusive range with the default a front end should offer.
struct RaceRange {
    std::uint64_t min = 0;
    std::uint64_t max = 0;
    std::uint64_t defaultValue = 0;
    bool contains(std::uint64_t value) const { return value >= min && value <= max; }
};

struct RaceScenarioInfo {
    std::string id; // stable: part of the command-line contract (packaging/man/ipcpg.1.in)
    std::string title; // "Lost updates on a shared counter"
    std::string summary; // one line for listings
    std::string counted; // what sync_errors counts: "lost updates"
    std::vector<RaceSyncMode> modes; // the broken mode first
    RaceRange workers;
    std::string workersHelp; // what the processes are: "processes incrementing the counter"
    RaceRange iterations; // defaults give errors > 0 in the broken mode within a second or so
    std::string iterationsHelp; // "increments per worker"
    std::uint64_t demoIterations = 0; // a run of several seconds, to watch live in the GUI
    RaceRange windowNs;
    std::string windowHelp; // where the delay goes: "between reading the counter and writing it back"
    std::optional<RaceRange> recordSize; // set when the scenario has a record size (torn)
    std::uint64_t recordAlignment = 1; // the record size must be a multiple of this

    const RaceSyncMode* findMode(std::string_view mode) const;
    std::string modeList() const; // "none (broken), atomic, mutex, semaphore"
};

// Every race scenario, in docs/ARCHITECTURE.md's order. The CLI and the GUI list and validate through this,
// never by naming scenarios themselves.
class RaceRegistry {
public:
    static const RaceRegistry& instance();

    std::span<const RaceScenarioInfo* const> all() const { return m_infos; }
    std::vector<std::string> ids() const;
    const RaceScenarioInfo* find(std::string_view id) const; // nullptr when unknown

    // Checks every field against the scenario and fills in the defaults. Throws UsageError with a
    // one-line reason naming the bad value and the allowed range.
    void validate(RaceSpec& spec) const;

private:
    RaceRegistry();
    std::vector<const RaceScenarioInfo*> m_infos;
};

} // namespace ipcpg
