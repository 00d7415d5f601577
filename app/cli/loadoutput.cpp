#include "loadoutput.h"

#include <algorithm>
#include <cmath>

#include "ipcpg/frontendrules.h"
#include "ipcpg/loadcurve.h"
#include "ipcpg/ratesearch.h"
#include "ipcpg/units.h"
#include "output.h"
#include "texttable.h"

namespace ipcpg::cli {

namespace {

bool sameRate(double a, double b) { return std::fabs(a - b) <= 1e-9 * std::max(std::fabs(a), std::fabs(b)); }

// By offered rate, the closed-loop run last: it is the ceiling the curve climbs towards.
std::vector<const RunResult*> byOfferedRate(const std::vector<RunResult>& runs)
{
    std::vector<const RunResult*> sorted;
    sorted.reserve(runs.size());
    for (const RunResult& run : runs)
        sorted.push_back(&run);
    const auto key = [](const RunResult* run) {
        const double offered = offeredRate(*run);
        return offered > 0 ? offered : HUGE_VAL;
    };
    std::stable_sort(sorted.begin(), sorted.end(), [&key](const auto* a, const auto* b) { return key(a) < key(b); });
    return sorted;
}

std::vector<std::string> curveRow(const RunResult& run, const std::optional<double>& saturation)
{
    const double offered = offeredRate(run);
    const LatencySummary& latency = run.headlineLatency();
    const auto percentile = [&latency](double value) { return latency.count > 0 ? formatNanoseconds(value) : "-"; };
    const bool atSaturation = saturation && offered > 0 && sameRate(offered, *saturation);
    return {
        offered > 0 ? formatRate(offered) : "closed loop",
        offered > 0 ? (run.rate ? formatRate(run.rate->achieved) : "-") : formatRate(ratePerReceiver(run)),
        offered > 0 ? (keptUp(offered, run) ? "yes" : "no") : "-",
        percentile(latency.p50),
        percentile(latency.p99),
        percentile(latency.p999),
        run.rate ? formatNanoseconds(static_cast<double>(run.rate->maxBehindNs)) : "-",
        withSeparators(run.integrityErrors + run.syncErrors),
        withSeparators(run.lost),
        atSaturation ? "<- saturation" : "",
    };
}

void printCurveTable(std::ostream& out, const LoadCurve& curve)
{
    const bool members
        = std::any_of(curve.runs.begin(), curve.runs.end(), [](const RunResult& run) { return !run.members.empty(); });
    const std::string slowest = members ? " (SLOWEST)" : "";
    TextTable table({ "OFFERED", "ACHIEVED", "KEPT UP", "P50" + slowest, "P99" + slowest, "P99.9" + slowest,
                        "MAX BEHIND", "ERRORS", "LOST", "" },
        { true, true, false, true, true, true, true, true, true, false });
    for (const RunResult* run : byOfferedRate(curve.runs))
        table.add(curveRow(*run, curve.saturation));
    out << curve.label << '\n';
    table.print(out);
    out << saturationLine(curve) << '\n';
}

} // namespace

void printLoadCurves(std::ostream& out, const std::vector<LoadCurve>& curves, Format format)
{
    if (format != Format::Table) {
        std::vector<RunResult> runs;
        for (const LoadCurve& curve : curves)
            runs.insert(runs.end(), curve.runs.begin(), curve.runs.end());
        printResults(out, runs, format, true);
        return;
    }
    for (std::size_t i = 0; i < curves.size(); ++i) {
        if (i > 0)
            out << '\n';
        printCurveTable(out, curves[i]);
    }
}

std::string saturationLine(const LoadCurve& curve)
{
    const std::string start = "saturation: " + curve.label;
    if (curve.saturation)
        return start + " at about " + formatRate(*curve.saturation);
    const std::vector<RateStep> steps = rateSteps(curve.runs);
    if (steps.empty())
        return start + " not found: no run at an offered rate finished";
    const auto [lowest, highest] = std::minmax_element(
        steps.begin(), steps.end(), [](const RateStep& a, const RateStep& b) { return a.offered < b.offered; });
    if (std::all_of(steps.begin(), steps.end(), [](const RateStep& step) { return step.keptUp; }))
        return start + " not reached: every rate up to " + formatRate(highest->offered) + " was carried";
    return start + " below " + formatRate(lowest->offered) + ", the lowest rate tried";
}

} // namespace ipcpg::cli
