// ipcpg: measure interprocess communication from the command line.
// The contract (subcommands, options, exit statuses, JSON fields) is packaging/man/ipcpg.1.in.
#include <CLI/CLI.hpp>
#include <csignal>
#include <iostream>

#include "arguments.h"
#include "commands.h"
#include "ipcpg/error.h"
#include "ipcpg/units.h"
#include "ipcpg/version.h"

namespace {

void onInterrupt(int) { ipcpg::cli::g_interrupted = true; }

struct RawRunOptions {
    std::string mechanism;
    std::string preset;
    std::string size = "64";
    std::string mode = "pingpong";
    std::string duration = "1";
    std::string messages;
    std::string warmup = "0.1";
    std::string sync;
    std::string wait;
    std::string placement = "unpinned";
    std::string workers = "1";
    std::string topology = "pair";
    std::string subscribers;
    std::string publishers;
    std::string rate;
    std::vector<std::string> options;
    std::string format = "table";
    std::string out;
    bool progress = false;
};

void addRunOptions(CLI::App& command, RawRunOptions& raw, bool sweep)
{
    CLI::Option* mechanism = command.add_option("--mechanism,-m", raw.mechanism,
        sweep ? "Mechanism ids, comma separated, or all (see `ipcpg list`)" : "Mechanism id (see `ipcpg list`)");
    if (sweep) {
        // A preset stands for the mechanisms and their options: one of the two is needed.
        command
            .add_option("--preset", raw.preset,
                "A ready-made comparison instead of --mechanism: frameworks (every framework over each kernel "
                "mechanism it can use, beside that mechanism); --option values given too take precedence")
            ->excludes(mechanism);
    } else {
        mechanism->required();
    }
    command.add_option("--size,-s", raw.size,
        sweep ? "Message sizes, comma separated (64,4K,1M)" : "Message size in bytes; suffixes K, M, G (default 64)");
    command.add_option("--mode", raw.mode, sweep ? "pingpong, stream, or both comma separated" : "pingpong or stream");
    command.add_option("--duration,-d", raw.duration, "Measured seconds per run, after warm-up (decimals allowed)");
    command.add_option("--messages,-n", raw.messages, "Stop after this many measured messages instead");
    command.add_option("--warmup", raw.warmup, "Seconds of warm-up, excluded from the statistics (default 0.1)");
    command.add_option("--sync", raw.sync, "Synchronisation, for mechanisms that offer it (see `ipcpg list`)");
    command.add_option("--wait", raw.wait, "Wait strategy: spin, block or hybrid, where offered");
    command.add_option("--placement", raw.placement,
        sweep ? "same-core, cross-core, unpinned, or a comma separated list" : "same-core, cross-core or unpinned");
    command.add_option("--workers,-w", raw.workers, "Sender/receiver pairs running at once (1-16)");
    command.add_option("--topology", raw.topology,
        "pair (default), fanout (one publisher, --subscribers N) or fanin (--publishers N, one receiver)");
    command.add_option("--subscribers", raw.subscribers,
        sweep ? "Subscribers of a fan-out (1-64), comma separated: one run per count"
              : "Subscribers of a fan-out (1-64)");
    command.add_option("--publishers", raw.publishers,
        sweep ? "Publishers of a fan-in (1-64), comma separated: one run per count" : "Publishers of a fan-in (1-64)");
    command.add_option("--rate", raw.rate,
        sweep ? "Offered loads in messages per second per receiver, comma separated (10k,50k,100k), or auto: rising "
                "rates until the achieved one falls more than 2% short, then a latency-versus-load table"
              : "Offered load in messages per second per receiver (k and M allowed, e.g. 10k); latency then counts "
                "from each message's scheduled send time. Absent: as fast as possible");
    command.add_option("--option,-o", raw.options, "Mechanism option name=value (repeatable), e.g. payload=shm");
    command.add_option("--format,-f", raw.format, "table, json or csv");
    command.add_option("--out", raw.out, "Write the result to this file instead of stdout");
    if (!sweep)
        command.add_flag("--progress", raw.progress,
            "Print a line on stderr for every live sample (about 10 a second): elapsed time, messages, rate");
}

// What every run of the command shares. A sweep reads --subscribers, --publishers and --rate as
// lists instead (sweepArguments), so they are one value each here for run only.
ipcpg::RunSpec baseSpec(const CLI::App& command, const RawRunOptions& raw, bool sweep)
{
    using namespace ipcpg::cli;
    ipcpg::RunSpec spec;
    spec.durationS = parseDurationArgument("--duration", raw.duration);
    if (command.count("--messages") > 0)
        spec.messages = parseCountArgument("--messages", raw.messages, 1, ipcpg::RunSpec::kMaxMessages);
    const auto warmup = ipcpg::parseSeconds(raw.warmup);
    if (!warmup || *warmup > ipcpg::RunSpec::kMaxWarmupS)
        throw ipcpg::UsageError("--warmup \"" + raw.warmup + "\" is not allowed; give seconds from 0 to "
            + std::to_string(static_cast<int>(ipcpg::RunSpec::kMaxWarmupS)));
    spec.warmupS = *warmup;
    spec.workers = static_cast<unsigned>(parseCountArgument("--workers", raw.workers, 1, ipcpg::RunSpec::kMaxWorkers));
    spec.topology = parseTopologyArgument(raw.topology);
    if (!sweep && command.count("--subscribers") > 0)
        spec.subscribers = parseMemberArgument("--subscribers", raw.subscribers);
    if (!sweep && command.count("--publishers") > 0)
        spec.publishers = parseMemberArgument("--publishers", raw.publishers);
    if (!sweep && command.count("--rate") > 0)
        spec.rate = parseRateArgument(raw.rate);
    spec.options = parseOptionAssignments(raw.options);
    // Given but empty is a value too, and the registry refuses it naming what is allowed.
    if (command.count("--sync") > 0)
        spec.options["sync"] = raw.sync;
    if (command.count("--wait") > 0)
        spec.options["wait"] = raw.wait;
    if (command.count("--out") > 0 && raw.out.empty())
        throw ipcpg::UsageError("--out \"\" is not allowed; give a file path, or leave --out out to write to stdout");
    return spec;
}

ipcpg::cli::SweepArguments sweepArguments(const CLI::App& command, const RawRunOptions& raw)
{
    using namespace ipcpg::cli;
    SweepArguments arguments;
    arguments.base = baseSpec(command, raw, true);
    if (command.count("--preset") > 0) {
        const ipcpg::ComparePreset& preset = parsePresetArgument(raw.preset);
        arguments.mechanisms = preset.mechanisms;
        for (const auto& [name, value] : preset.options)
            arguments.base.options.emplace(name, value);
    } else if (command.count("--mechanism") > 0) {
        arguments.mechanisms = parseMechanismList(raw.mechanism);
    } else {
        throw ipcpg::UsageError("sweep needs --mechanism IDS or --preset ID (see `ipcpg sweep --help`)");
    }
    arguments.sizes = parseSizeList("--size", raw.size);
    arguments.modes = parseModeList(raw.mode);
    arguments.placements = parsePlacementList(raw.placement);
    const auto given = [&command](const char* option, const std::string& text) {
        return command.count(option) > 0 ? &text : nullptr;
    };
    arguments.memberCounts = parseMemberLists(
        arguments.base.topology, given("--subscribers", raw.subscribers), given("--publishers", raw.publishers));
    if (command.count("--rate") > 0) {
        const RateAxis rate = parseRateAxis(raw.rate);
        arguments.autoRate = rate.automatic;
        arguments.rates = rate.rates;
    }
    arguments.format = parseFormat(raw.format, true);
    arguments.outPath = raw.out;
    return arguments;
}

} // namespace

// A function-try-block: setting up the options throws only on a programming error (an option
// added twice) or on exhausted memory, and even that ends with a message rather than an abort.
int main(int argc, char** argv)
try {
    CLI::App app { "ipcpg: measure interprocess communication on this machine with real processes", "ipcpg" };
    app.set_version_flag("--version", std::string("ipcpg ") + ipcpg::kVersion);
    app.require_subcommand(1);

    std::string listFormat = "table";
    auto* list = app.add_subcommand("list", "List the mechanisms with their modes, options and size limits");
    list->add_option("--format,-f", listFormat, "table or json");

    RawRunOptions runRaw;
    auto* run = app.add_subcommand("run", "Run one measurement and print its result");
    addRunOptions(*run, runRaw, false);

    RawRunOptions sweepRaw;
    sweepRaw.mode = "pingpong";
    sweepRaw.duration = "0.5";
    auto* sweep = app.add_subcommand(
        "sweep", "Run every combination of mechanisms, sizes, modes, placements, member counts and offered rates");
    addRunOptions(*sweep, sweepRaw, true);

    ipcpg::cli::RaceOptionTexts raceTexts;
    std::string raceFormat = "table";
    bool raceList = false;
    auto* race = app.add_subcommand("race",
        "Run a race-condition scenario on shared memory: its broken sync mode shows sync errors, the correct ones "
        "none");
    race->add_option("--scenario", raceTexts.scenario, "Scenario id (see ipcpg race --list)");
    race->add_option("--sync", raceTexts.sync, "Synchronisation mode of the scenario, broken or correct");
    race->add_option("--workers,-w", raceTexts.workers, "Processes taking part (the scenario sets the range)");
    race->add_option("--iterations,-n", raceTexts.iterations, "Iterations per process (increments, updates, items...)");
    race->add_option(
        "--window", raceTexts.window, "Race window in nanoseconds: a busy delay where the race can strike");
    race->add_option(
        "--size,-s", raceTexts.size, "Record size in bytes for the torn scenario (a multiple of 8, up to a page)");
    race->add_option("--format,-f", raceFormat, "table or json");
    race->add_flag("--list", raceList, "List the scenarios with their sync modes, defaults and limits");

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        std::cerr << "ipcpg: " << e.what() << " (see ipcpg --help)\n";
        return 2;
    }

    std::signal(SIGINT, onInterrupt);
    std::signal(SIGTERM, onInterrupt);
    std::signal(SIGPIPE, SIG_IGN);

    using namespace ipcpg::cli;
    try {
        if (*list)
            return listCommand(parseFormat(listFormat, false));
        if (*run) {
            RunArguments arguments;
            arguments.spec = baseSpec(*run, runRaw, false);
            arguments.spec.mechanism = parseMechanismList(runRaw.mechanism).front();
            if (runRaw.mechanism == "all" || runRaw.mechanism.find(',') != std::string::npos)
                throw ipcpg::UsageError("--mechanism \"" + runRaw.mechanism
                    + "\" names more than one mechanism; run takes one id (use sweep for several)");
            arguments.spec.messageSize = parseSizeArgument("--size", runRaw.size);
            arguments.spec.mode = parseModeArgument(runRaw.mode);
            arguments.spec.placement = parsePlacementArgument(runRaw.placement);
            arguments.format = parseFormat(runRaw.format, true);
            arguments.outPath = runRaw.out;
            arguments.progress = runRaw.progress;
            return runCommand(arguments);
        }
        if (*sweep)
            return sweepCommand(sweepArguments(*sweep, sweepRaw));
        if (*race) {
            if (raceList)
                return raceListCommand(parseFormat(raceFormat, false));
            RaceArguments arguments;
            arguments.format = parseFormat(raceFormat, false);
            arguments.spec = parseRaceOptions(raceTexts);
            return raceCommand(arguments);
        }
    } catch (const ipcpg::UsageError& error) {
        std::cerr << "ipcpg: " << error.what() << '\n';
        return 2;
    } catch (const std::exception& error) {
        std::cerr << "ipcpg: " << error.what() << '\n';
        return 1;
    }
    return 2;
} catch (const std::exception& error) {
    std::cerr << "ipcpg: internal error: " << error.what() << "\n";
    return 1;
}
