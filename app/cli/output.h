#pragma once

#include <ostream>
#include <vector>

#include "arguments.h"
#include "ipcpg/runresult.h"

namespace ipcpg::cli {

void printMechanismList(std::ostream& out, Format format);
// One run (asArray false, one result) in detail, or a sweep: a table with a row per run, a JSON
// array, or CSV. The sweep table has TOPOLOGY, RATE and ACHIEVED columns when a run has them.
void printResults(std::ostream& out, const std::vector<RunResult>& results, Format format, bool asArray);

// "sync=spin", or "-" for a run without options.
std::string optionsText(const RunResult& result);
// "pair", "fanout 8", "fanin 4".
std::string topologyText(const RunResult& result);

} // namespace ipcpg::cli
