#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ipcpg/comparepresets.h"
#include "ipcpg/race.h"
#include "ipcpg/runspec.h"

namespace ipcpg::cli {

enum class Format { Table, Json, Csv };

// Each parser throws UsageError naming the option, the bad value and what is allowed.
Format parseFormat(const std::string& text, bool csvAllowed);
std::uint64_t parseSizeArgument(const std::string& option, const std::string& text);
std::vector<std::uint64_t> parseSizeList(const std::string& option, const std::string& text);
double parseDurationArgument(const std::string& option, const std::string& text);
std::uint64_t parseCountArgument(
    const std::string& option, const std::string& text, std::uint64_t min, std::uint64_t max);
Mode parseModeArgument(const std::string& text);
std::vector<Mode> parseModeList(const std::string& text);
Placement parsePlacementArgument(const std::string& text);
Topology parseTopologyArgument(const std::string& text);
unsigned parseMemberArgument(const std::string& option, const std::string& text);
double parseRateArgument(const std::string& text);
// The member counts of a sweep, from --subscribers (a fan-out's) or --publishers (a fan-in's), each
// a comma-separated list or absent (nullptr); empty when the topology's option was not given. A
// list for the other topology is refused naming the option and the topology it needs, unless
// every count in it is 1 (every topology's default).
std::vector<unsigned> parseMemberLists(
    Topology topology, const std::string* subscribers, const std::string* publishers);
// The --rate of a sweep: a comma-separated list of rates, or "auto" for a search (RateSearch).
struct RateAxis {
    bool automatic = false;
    std::vector<double> rates; // empty when automatic
};
RateAxis parseRateAxis(const std::string& text);
std::vector<Placement> parsePlacementList(const std::string& text);
// "all" or a comma-separated list of ids known to the registry.
std::vector<std::string> parseMechanismList(const std::string& text);
// A preset of comparePresets() by id; refused naming the ids this build has.
const ComparePreset& parsePresetArgument(const std::string& text);
// "name=value" pairs from repeated --option flags.
MechanismOptions parseOptionAssignments(const std::vector<std::string>& assignments);

// The options of `ipcpg race`, as typed; an empty string means not given (the scenario's
// default). The scenario and sync mode are checked first, so each number is checked against that
// scenario's own range.
struct RaceOptionTexts {
    std::string scenario, sync, workers, iterations, window, size;
};
RaceSpec parseRaceOptions(const RaceOptionTexts& texts);

} // namespace ipcpg::cli
