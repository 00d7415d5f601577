#include "commands.h"

#include <algorithm>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <unistd.h>

#include "ipcpg/error.h"
#include "ipcpg/frontendrules.h"
#include "ipcpg/ratesearch.h"
#include "ipcpg/runsupervisor.h"
#include "ipcpg/units.h"
#include "loadoutput.h"
#include "output.h"
#include "raceoutput.h"

namespace ipcpg::cli {

std::atomic<bool> g_interrupted { false };

namespace {

// Writes to --out FILE when given, else to stdout.
int emit(const std::string& outPath, const std::string& text)
{
    if (outPath.empty()) {
        std::cout << text << std::flush;
        return 0;
    }
    std::ofstream file(outPath, std::ios::trunc);
    file << text;
    if (!file) {
        std::cerr << "ipcpg: cannot write " << outPath << '\n';
        return 1;
    }
    return 0;
}

SupervisorOptions supervisorOptions()
{
    SupervisorOptions options;
    options.cancel = &g_interrupted;
    return options;
}

// One line per live sample, so a long run in a terminal shows it is moving (and a script can
// wait for a run to be under way); on stderr, so stdout keeps only the result.
void printProgress(const SampleMessage& sample)
{
    std::ostringstream line;
    line << "ipcpg: progress " << (sample.elapsedS < 0 ? "warm-up " : "") << std::fixed << std::setprecision(1)
         << sample.elapsedS << " s, " << sample.totalMessages << " messages"
         << (measuredSeconds(sample) > 0 ? ", " + formatRate(messageRate(sample)) : std::string()) << '\n';
    std::cerr << line.str() << std::flush;
}

} // namespace

int listCommand(Format format)
{
    printMechanismList(std::cout, format);
    return 0;
}

int runCommand(const RunArguments& arguments)
{
    SupervisorOptions options = supervisorOptions();
    if (arguments.progress)
        options.onSample = printProgress;
    // superviseRun validates before it starts anything: a refused spec comes back as exit code 2.
    const RunOutcome outcome = superviseRun(arguments.spec, options);
    if (outcome.exitCode == 2) {
        std::cerr << "ipcpg: " << outcome.error << '\n';
        return 2;
    }
    int status = outcome.exitCode;
    if (outcome.result) {
        std::ostringstream text;
        printResults(text, { *outcome.result }, arguments.format, false);
        if (emit(arguments.outPath, text.str()) != 0)
            status = 1;
    }
    if (!outcome.error.empty())
        std::cerr << "ipcpg: run failed: " << outcome.error << '\n';
    if (g_interrupted)
        return 130;
    return status;
}

namespace {

// Distinct values in the order they first came.
void addOnce(std::vector<std::string>& values, const std::string& value)
{
    if (std::find(values.begin(), values.end(), value) == values.end())
        values.push_back(value);
}

std::string joined(const std::vector<std::string>& values)
{
    std::string text;
    for (const std::string& value : values)
        text += (text.empty() ? "" : ", ") + value;
    return text;
}

// Refused combinations, grouped by mechanism, mode, placement and reason, so a sweep over "all"
// does not print one line per size, member count and rate for a mechanism that takes none.
void reportSkipped(const std::vector<SkippedRun>& skippedRuns)
{
    struct Skipped {
        std::string what, reason;
        std::vector<std::string> sizes, members, rates;
    };
    std::vector<Skipped> skipped;
    for (const SkippedRun& skip : skippedRuns) {
        const RunSpec& spec = skip.spec;
        const std::string what
            = spec.mechanism + " " + std::string(toString(spec.mode)) + " " + std::string(toString(spec.placement));
        if (skipped.empty() || skipped.back().what != what || skipped.back().reason != skip.reason)
            skipped.push_back({ what, skip.reason, {}, {}, {} });
        addOnce(skipped.back().sizes, formatBytes(spec.messageSize));
        if (spec.topology != Topology::Pair)
            addOnce(skipped.back().members, std::to_string(spec.members()));
        if (spec.rate > 0)
            addOnce(skipped.back().rates, formatRate(spec.rate));
    }
    for (const Skipped& skip : skipped) {
        std::cerr << "ipcpg: skipped " << skip.what << " at " << joined(skip.sizes);
        if (!skip.members.empty())
            std::cerr << " with " << joined(skip.members) << " members";
        if (!skip.rates.empty())
            std::cerr << " at " << joined(skip.rates);
        std::cerr << ": " << skip.reason << '\n';
    }
}

// Runs the sweep's runs one after the other and keeps the exit status.
class SweepRunner {
public:
    SweepRunner()
        : m_progress(isatty(STDERR_FILENO) != 0)
    {
    }

    // One run; a failure is reported on stderr and makes the exit status 1. The result, when
    // there is one (a failed run may still have a partial result). `position` ("3/8") leads the
    // progress line a terminal gets.
    std::optional<RunResult> run(const RunSpec& spec, const std::string& label, const std::string& position)
    {
        if (m_progress)
            std::cerr << "[" << position << "] " << label << '\n';
        RunOutcome outcome = superviseRun(spec, supervisorOptions());
        if (outcome.exitCode != 0) {
            std::cerr << "ipcpg: " << label << " failed: " << outcome.error << '\n';
            m_status = 1;
        }
        return std::move(outcome.result);
    }

    int status() const { return m_status; }

private:
    bool m_progress;
    int m_status = 0;
};

std::string position(std::size_t index, std::size_t count)
{
    return std::to_string(index + 1) + "/" + std::to_string(count);
}

std::vector<RunResult> runAll(const std::vector<PlannedRun>& plan, SweepRunner& runner)
{
    std::vector<RunResult> results;
    for (std::size_t i = 0; i < plan.size() && !g_interrupted; ++i) {
        if (auto result = runner.run(plan[i].spec, plan[i].label, position(i, plan.size())))
            results.push_back(std::move(*result));
    }
    return results;
}

// --rate auto for one planned run: a RateSearch chooses each run's offered rate from the results
// so far. `where` ("2/3") says which search this is.
LoadCurve searchSaturation(const PlannedRun& planned, SweepRunner& runner, const std::string& where)
{
    RateSearch search;
    LoadCurve curve { curveLabel(planned.spec), {}, std::nullopt };
    for (std::optional<double> rate = search.nextRate(); rate && !g_interrupted; rate = search.nextRate()) {
        RunSpec spec = planned.spec;
        spec.rate = *rate;
        const std::string label = runLabel(spec) + (*rate > 0 ? "" : " closed loop (the rate search's probe)");
        const std::string at = "search " + where + ", run " + std::to_string(search.runs() + 1);
        std::optional<RunResult> result = runner.run(spec, label, at);
        // A run the user stopped says nothing about the rate: it is shown, not counted.
        if (!g_interrupted) {
            RunResult failed;
            failed.partial = true; // a run without a result counts as saturated
            search.record(*rate, result ? *result : failed);
        }
        if (result)
            curve.runs.push_back(std::move(*result));
    }
    curve.saturation = search.saturation();
    return curve;
}

std::vector<LoadCurve> searchAll(const std::vector<PlannedRun>& plan, SweepRunner& runner)
{
    std::vector<LoadCurve> curves;
    for (std::size_t i = 0; i < plan.size() && !g_interrupted; ++i)
        curves.push_back(searchSaturation(plan[i], runner, position(i, plan.size())));
    return curves;
}

// A rate sweep's results: its latency-versus-load tables, or its runs as JSON or CSV with the
// saturation lines on stderr (stdout keeps only the runs, as the JSON contract says).
int emitLoadCurves(const SweepArguments& arguments, const std::vector<LoadCurve>& curves)
{
    std::ostringstream text;
    printLoadCurves(text, curves, arguments.format);
    if (arguments.format != Format::Table) {
        for (const LoadCurve& curve : curves)
            std::cerr << "ipcpg: " << saturationLine(curve) << '\n';
    }
    return emit(arguments.outPath, text.str());
}

} // namespace

int sweepCommand(const SweepArguments& arguments)
{
    const SweepAxes axes { arguments.mechanisms, arguments.sizes, arguments.modes, arguments.placements,
        arguments.memberCounts, arguments.rates };
    const SweepPlan sweep = planSweep(arguments.base, axes);
    reportSkipped(sweep.skipped);
    if (sweep.runs.empty()) {
        std::cerr << "ipcpg: nothing to run: every combination was refused\n";
        return 2;
    }
    SweepRunner runner;
    int written = 0;
    if (arguments.autoRate) {
        written = emitLoadCurves(arguments, searchAll(sweep.runs, runner));
    } else if (!arguments.rates.empty()) {
        written = emitLoadCurves(arguments, loadCurves(runAll(sweep.runs, runner)));
    } else {
        std::ostringstream text;
        printResults(text, runAll(sweep.runs, runner), arguments.format, true);
        written = emit(arguments.outPath, text.str());
    }
    if (g_interrupted)
        return 130;
    return written != 0 ? 1 : runner.status();
}

int raceCommand(const RaceArguments& arguments)
{
    const RaceOutcome outcome = superviseRace(arguments.spec, supervisorOptions());
    if (outcome.exitCode == 2) {
        std::cerr << "ipcpg: " << outcome.error << '\n';
        return 2;
    }
    if (outcome.result)
        printRaceResult(std::cout, *outcome.result, arguments.format);
    if (!outcome.error.empty())
        std::cerr << "ipcpg: race failed: " << outcome.error << '\n';
    if (g_interrupted)
        return 130;
    return outcome.exitCode;
}

int raceListCommand(Format format)
{
    printRaceScenarioList(std::cout, format);
    return 0;
}

} // namespace ipcpg::cli
