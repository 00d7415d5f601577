#include "ipcpg/loadcurve.h"

#include "ipcpg/frontendrules.h"

namespace ipcpg {

std::string curveLabel(const RunSpec& spec)
{
    RunSpec withoutRate = spec;
    withoutRate.rate = 0;
    std::string label = runLabel(withoutRate);
    for (const auto& [name, value] : spec.options)
        label += " " + name + "=" + value;
    return label;
}

double offeredRate(const RunResult& result) { return result.rate ? result.rate->offered : result.spec.rate; }

std::vector<RateStep> rateSteps(const std::vector<RunResult>& runs)
{
    std::vector<RateStep> steps;
    for (const RunResult& run : runs) {
        const double offered = offeredRate(run);
        if (offered > 0)
            steps.push_back({ offered, run.rate ? run.rate->achieved : 0.0, keptUp(offered, run), false });
    }
    return steps;
}

std::vector<LoadCurve> loadCurves(const std::vector<RunResult>& results)
{
    std::vector<LoadCurve> curves;
    for (const RunResult& result : results) {
        std::string label = curveLabel(result.spec);
        if (curves.empty() || curves.back().label != label)
            curves.push_back({ std::move(label), {}, std::nullopt });
        curves.back().runs.push_back(result);
    }
    for (LoadCurve& curve : curves)
        curve.saturation = saturationRate(rateSteps(curve.runs));
    return curves;
}

} // namespace ipcpg
