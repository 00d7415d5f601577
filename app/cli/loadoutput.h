#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "arguments.h"
#include "ipcpg/runresult.h"

namespace ipcpg::cli {

// One latency-versus-load curve of a rate sweep: the runs of one mechanism, mode, size,
// placement, topology and option set at several offered rates. A closed-loop run among them (the
// probe of --rate auto) has no rate and shows as the curve's ceiling.
struct LoadCurve {
    std::string label; // curveLabel() of its runs
    std::vector<RunResult> runs; // in the order they ran
    std::optional<double> saturation; // the highest offered rate that kept up (saturationRate)
};

// "pipe stream 64 B unpinned fanout 4 sync=spin": what the runs of a curve share.
std::string curveLabel(const RunSpec& spec);

// Splits a rate sweep's results into curves: neighbours with the same curveLabel() belong together
// (planSweep varies the rate fastest). Each curve's saturation comes from its runs.
std::vector<LoadCurve> loadCurves(const std::vector<RunResult>& results);

// The table: per curve a heading, one row per run by offered rate with "<- saturation" on the
// saturation row, and saturationLine(). JSON and CSV: every run, as printResults prints a sweep.
void printLoadCurves(std::ostream& out, const std::vector<LoadCurve>& curves, Format format);

// "saturation: pipe stream 64 B unpinned at about 1.25 M/s", or what kept it from being found.
std::string saturationLine(const LoadCurve& curve);

} // namespace ipcpg::cli
