#pragma once

#include <optional>
#include <string>
#include <vector>

#include "ipcpg/ratesearch.h"
#include "ipcpg/runresult.h"

namespace ipcpg {

// One latency-versus-load curve: the runs of one mechanism, mode, size, placement, topology and
// option set at several offered rates. A closed-loop run among them (the probe of a RateSearch)
// has no offered rate and stands for the curve's ceiling.
struct LoadCurve {
    std::string label; // curveLabel() of its runs
    std::vector<RunResult> runs; // in the order they ran
    std::optional<double> saturation; // the highest offered rate that kept up (saturationRate)
};

// "pipe stream 64 B unpinned fanout 4 sync=spin": what the runs of a curve share.
std::string curveLabel(const RunSpec& spec);

// The rate a run was offered; 0 for a closed-loop run. A partial result may lack the rate report,
// never the spec's rate.
double offeredRate(const RunResult& result);

// The open-loop runs among `runs` as rate steps, in their order (closed-loop runs are not steps).
std::vector<RateStep> rateSteps(const std::vector<RunResult>& runs);

// Splits a rate sweep's results into curves: neighbours with the same curveLabel() belong together
// (planSweep varies the rate fastest). Each curve's saturation comes from its runs.
std::vector<LoadCurve> loadCurves(const std::vector<RunResult>& results);

} // namespace ipcpg
