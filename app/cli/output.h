#pragma once

#include <ostream>
#include <vector>

#include "arguments.h"
#include "ipcpg/runresult.h"

namespace ipcpg::cli {

void printMechanismList(std::ostream& out, Format format);
void printResults(std::ostream& out, const std::vector<RunResult>& results, Format format, bool asArray);

} // namespace ipcpg::cli
