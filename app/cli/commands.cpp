#include "commands.h"

#include <algorithm>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <unistd.h>

#include "ipcpg/error.h"
#include "ipcpg/mechanismregistry.h"
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
    RunSpec spec = arguments.spec;
    MechanismRegistry::instance().validate(spec); // UsageError -> exit 2 before anything starts
    SupervisorOptions options = supervisorOptions();
    if (arguments.progress)
        options.onSample = printProgress;
    const RunOutcome outcome = superviseRun(spec, options);
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
    const MechanismRegistry& registry = MechanismRegistry::instance();
    struct Planned {
        RunSpec spec;
        std::string label;
    };
    std::vector<Planned> plan;
    // Refused combinations, grouped by mechanism and mode so a sweep over "all" does not print one
    // line per size for a mechanism that takes none of them.
    struct Skipped {
        std::string what;
        std::vector<std::string> sizes;
        std::string reason;
    };
    std::vector<Skipped> skipped;
    for (const std::string& id : arguments.mechanisms) {
        for (Mode mode : arguments.modes) {
            for (std::uint64_t size : arguments.sizes) {
                for (Placement placement : arguments.placements) {
                    RunSpec spec = arguments.base;
                    spec.mechanism = id;
                    spec.mode = mode;
                    spec.messageSize = size;
                    spec.placement = placement;
                    // Options given for the sweep apply where a mechanism has them.
                    spec.options.clear();
                    const Mechanism& mechanism = *registry.find(id);
                    for (const auto& [name, value] : arguments.base.options) {
                        for (const OptionSpec& option : mechanism.info().options) {
                            if (option.name == name)
                                spec.options[name] = value;
                        }
                    }
                    const std::string label = id + " " + std::string(toString(mode)) + " " + formatBytes(size) + " "
                        + std::string(toString(placement));
                    try {
                        registry.validate(spec);
                        plan.push_back({ spec, label });
                    } catch (const UsageError& error) {
                        const std::string what
                            = id + " " + std::string(toString(mode)) + " " + std::string(toString(placement));
                        if (skipped.empty() || skipped.back().what != what)
                            skipped.push_back({ what, {}, error.what() });
                        skipped.back().sizes.push_back(formatBytes(size));
                    }
                }
            }
        }
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
