#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "ipcpg/controlprotocol.h"
#include "ipcpg/race.h"
#include "ipcpg/runresult.h"
#include "ipcpg/runspec.h"
#include "ipcpg/workersession.h"

namespace ipcpg {

// How a supervised run ended.
struct RunOutcome {
    std::optional<RunResult> result; // present whenever the worker reported one, partial or not
    std::string error; // empty on success; otherwise one sentence saying what failed
    int exitCode = 0; // 0 done, 1 the run failed, 2 the request was invalid
};

// How a supervised race ended; the same conventions as RunOutcome.
struct RaceOutcome {
    std::optional<RaceResult> result; // present whenever the worker reported one, partial or not
    std::string error;
    int exitCode = 0;
};

struct SupervisorOptions {
    std::string workerPath; // empty: locateWorkerExecutable()
    // A worker that sends nothing this long is stopped or hung: it is killed and the run fails.
    SilenceLimits silence;
    // Set from another thread or a signal handler to stop the run early (the worker reports a
    // partial result).
    const std::atomic<bool>* cancel = nullptr;
    std::function<void(const HelloMessage&)> onHello;
    std::function<void(const SampleMessage&)> onSample;
};

// Validates the spec, runs it in an ipcpg-worker and waits for the result, never blocking longer
// than its silence limits on a silent worker. After a worker had to be killed, removes what its run
// left behind. Throws nothing: every failure is in the outcome.
RunOutcome superviseRun(const RunSpec& requested, const SupervisorOptions& options);

// The same for a race scenario: validates the spec against RaceRegistry (exit code 2 with the
// reason when it is invalid), runs it in an ipcpg-worker --race with the same supervision, and
// returns the race result. Samples carry expected, observed and sync_errors. Throws nothing.
RaceOutcome superviseRace(const RaceSpec& requested, const SupervisorOptions& options);

// Reads the race result a worker sent (RaceResultMessage::json). Throws ProtocolError naming what
// was wrong, so a front end treats a bad result like any other unreadable message.
RaceResult parseRaceResult(const std::string& json);

} // namespace ipcpg
