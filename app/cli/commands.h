#pragma once

#include <atomic>
#include <string>
#include <vector>

#include "arguments.h"
#include "ipcpg/race.h"
#include "ipcpg/runspec.h"

namespace ipcpg::cli {

// Set by SIGINT/SIGTERM: the current run stops early and reports what it has.
extern std::atomic<bool> g_interrupted;

struct RunArguments {
    RunSpec spec;
    Format format = Format::Table;
    std::string outPath;
    bool progress = false; // a line on stderr per live sample
};

struct SweepArguments {
    std::vector<std::string> mechanisms;
    std::vector<std::uint64_t> sizes;
    std::vector<Mode> modes;
    std::vector<Placement> placements;
    std::vector<unsigned> memberCounts; // subscribers or publishers, by the base's topology; empty: 1
    std::vector<double> rates; // offered rates; empty: closed loop (or a search, with autoRate)
    bool autoRate = false; // --rate auto: a RateSearch per combination of the other axes
    RunSpec base; // duration, warm-up, workers, topology, options shared by every run
    Format format = Format::Table;
    std::string outPath;
};

struct RaceArguments {
    RaceSpec spec;
    Format format = Format::Table;
};

// Each returns the process exit status: 0 done, 1 a run failed, 2 bad arguments, 130 interrupted.
int listCommand(Format format);
int runCommand(const RunArguments& arguments);
int sweepCommand(const SweepArguments& arguments);
// Exit status 0 when the race ran to its end, whatever its sync errors: they are its result.
int raceCommand(const RaceArguments& arguments);
int raceListCommand(Format format);

} // namespace ipcpg::cli
