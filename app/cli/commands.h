#pragma once

#include <atomic>
#include <string>
#include <vector>

#include "arguments.h"
#include "ipcpg/runspec.h"

namespace ipcpg::cli {

// Set by SIGINT/SIGTERM: the current run stops early and reports what it has.
extern std::atomic<bool> g_interrupted;

struct RunArguments {
    RunSpec spec;
    Format format = Format::Table;
    std::string outPath;
};

struct SweepArguments {
    std::vector<std::string> mechanisms;
    std::vector<std::uint64_t> sizes;
    std::vector<Mode> modes;
    std::vector<Placement> placements;
    RunSpec base; // duration, warm-up, workers, options shared by every run
    Format format = Format::Table;
    std::string outPath;
};

// Each returns the process exit status: 0 done, 1 a run failed, 2 bad arguments, 130 interrupted.
int listCommand(Format format);
int runCommand(const RunArguments& arguments);
int sweepCommand(const SweepArguments& arguments);

} // namespace ipcpg::cli
