#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "arguments.h"
#include "ipcpg/loadcurve.h"
#include "ipcpg/runresult.h"

namespace ipcpg::cli {

// The table: per curve a heading, one row per run by offered rate with "<- saturation" on the
// saturation row, and saturationLine(). JSON and CSV: every run, as printResults prints a sweep.
void printLoadCurves(std::ostream& out, const std::vector<LoadCurve>& curves, Format format);

// "saturation: pipe stream 64 B unpinned at about 1.25 M/s", or what kept it from being found.
std::string saturationLine(const LoadCurve& curve);

} // namespace ipcpg::cli
