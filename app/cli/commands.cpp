#include "commands.h"

#include <algorithm>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <unistd.h>

#include "ipcpg/error.h"
#include "ipcpg/frontendrules.h"
#include "ipcpg/runsupervisor.h"
#include "ipcpg/units.h"
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

int sweepCommand(const SweepArguments& arguments)
{
    const SweepPlan sweep
        = planSweep(arguments.base, { arguments.mechanisms, arguments.sizes, arguments.modes, arguments.placements });
    const std::vector<PlannedRun>& plan = sweep.runs;
    // Refused combinations, grouped by mechanism, mode and placement so a sweep over "all" does
    // not print one line per size for a mechanism that takes none of them.
    struct Skipped {
        std::string what;
        std::vector<std::string> sizes;
        std::string reason;
    };
    std::vector<Skipped> skipped;
    for (const SkippedRun& skip : sweep.skipped) {
        const std::string what = skip.spec.mechanism + " " + std::string(toString(skip.spec.mode)) + " "
            + std::string(toString(skip.spec.placement));
        if (skipped.empty() || skipped.back().what != what)
            skipped.push_back({ what, {}, skip.reason });
        skipped.back().sizes.push_back(formatBytes(skip.spec.messageSize));
    }
    for (const Skipped& skip : skipped) {
        std::string sizes;
        for (const std::string& size : skip.sizes)
            sizes += (sizes.empty() ? "" : ", ") + size;
        std::cerr << "ipcpg: skipped " << skip.what << " at " << sizes << ": " << skip.reason << '\n';
    }
    if (plan.empty()) {
        std::cerr << "ipcpg: nothing to run: every combination was refused\n";
        return 2;
    }

    const bool progress = isatty(STDERR_FILENO) != 0;
    std::vector<RunResult> results;
    int status = 0;
    for (std::size_t i = 0; i < plan.size() && !g_interrupted; ++i) {
        if (progress)
            std::cerr << "[" << i + 1 << "/" << plan.size() << "] " << plan[i].label << '\n';
        const RunOutcome outcome = superviseRun(plan[i].spec, supervisorOptions());
        if (outcome.result)
            results.push_back(*outcome.result);
        if (outcome.exitCode != 0) {
            std::cerr << "ipcpg: " << plan[i].label << " failed: " << outcome.error << '\n';
            status = 1;
        }
    }
    std::ostringstream text;
    printResults(text, results, arguments.format, true);
    if (emit(arguments.outPath, text.str()) != 0)
        status = 1;
    return g_interrupted ? 130 : status;
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
