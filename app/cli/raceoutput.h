#pragma once

#include <ostream>

#include "arguments.h"
#include "ipcpg/race.h"

namespace ipcpg::cli {

// The race scenarios with their modes (broken or correct), defaults and limits.
void printRaceScenarioList(std::ostream& out, Format format);
// One race result: expected, observed and sync_errors first, then the details.
void printRaceResult(std::ostream& out, const RaceResult& result, Format format);

} // namespace ipcpg::cli
