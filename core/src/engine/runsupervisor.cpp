#include "ipcpg/runsupervisor.h"

#include <nlohmann/json.hpp>
#include <sys/wait.h>

#include "ipcpg/error.h"
#include "ipcpg/mechanismregistry.h"
#include "ipcpg/raceregistry.h"
#include "ipcpg/runresources.h"
#include "ipcpg/sampleaccumulator.h"
#include "ipcpg/workerprocess.h"
#include "ipcpg/workersession.h"

namespace ipcpg {

namespace {

using namespace std::chrono_literals;

// How a supervised worker ended, whatever it ran.
struct WorkerEnd {
    int exitCode = 0; // 0 done, 1 failed, 2 invalid request
    std::string error;
    bool abnormal = false; // killed or crashed: whatever result it reported is partial
};

std::uint64_t steadyMs()
{
    return static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
            .count());
}

// Runs ipcpg-worker with `args` and drives a WorkerSession from a poll loop until it ends. Hello
// and sample messages go to the options' callbacks, final ones to `onFinal` (which may throw
// ProtocolError for a result it cannot read). `haveResult` tells whether a final result arrived.
WorkerEnd superviseWorker(const std::vector<std::string>& args, const SupervisorOptions& options,
    const std::function<void(const ControlMessage&)>& onFinal, const std::function<bool()>& haveResult)
{
    std::optional<WorkerProcess> worker;
    try {
        const std::string path = options.workerPath.empty() ? locateWorkerExecutable() : options.workerPath;
        worker.emplace(path, args);
    } catch (const std::exception& error) {
        return { 1, error.what(), false };
    }
    WorkerSession session({ options.onHello, options.onSample, onFinal, haveResult }, options.silence);
    session.started(worker->pid(), steadyMs());
    bool killed = false;
    while (!worker->endOfStream() && !killed) {
        if (options.cancel && options.cancel->load() && !session.stopping()) {
            worker->requestStop();
            session.stopRequested(steadyMs());
        }
        const std::string bytes = worker->read(100ms);
        if (!bytes.empty())
            session.output(bytes, steadyMs());
        else if (worker->endOfStream())
            session.endOfOutput();
        session.tick(steadyMs());
        if (session.mustKill()) {
            worker->kill();
            killed = true;
        }
    }
    // Its stdout is closed: it is exiting. One that lingers (stuck in the kernel) is killed.
    auto status = worker->wait(2s);
    if (!status) {
        worker->kill();
        status = worker->wait(2s);
    }
    session.exited(status.value_or(SIGKILL)); // never reaped: count it as killed
    return { session.exitCode(), session.failure(), session.abnormal() };
}

} // namespace

RunOutcome superviseRun(const RunSpec& requested, const SupervisorOptions& options)
{
    RunOutcome outcome;
    RunSpec spec = requested;
    try {
        MechanismRegistry::instance().validate(spec);
    } catch (const UsageError& error) {
        outcome.error = error.what();
        outcome.exitCode = 2;
        return outcome;
    }
    // What was measured, in case the lead dies before it reports: its samples still say.
    SampleAccumulator samples;
    SupervisorOptions watched = options;
    watched.onSample = [&](const SampleMessage& sample) {
        samples.add(sample);
        if (options.onSample)
            options.onSample(sample);
    };
    const WorkerEnd end = superviseWorker(
        { "--run", nlohmann::json(spec).dump() }, watched,
        [&](const ControlMessage& message) {
            if (const auto* result = std::get_if<ResultMessage>(&message))
                outcome.result = result->result;
        },
        [&] { return outcome.result.has_value(); });
    outcome.exitCode = end.exitCode;
    outcome.error = end.error;
    if (end.abnormal) {
        // Killed or crashed: whatever it reported, or the sum of its samples, is partial.
        if (!outcome.result)
            outcome.result = samples.partialResult(spec, outcome.error);
        if (outcome.result && !outcome.result->partial) {
            outcome.result->partial = true;
            outcome.result->error = outcome.error;
        }
    }
    return outcome;
}

RaceOutcome superviseRace(const RaceSpec& requested, const SupervisorOptions& options)
{
    RaceOutcome outcome;
    RaceSpec spec = requested;
    try {
        RaceRegistry::instance().validate(spec);
    } catch (const UsageError& error) {
        outcome.error = error.what();
        outcome.exitCode = 2;
        return outcome;
    }
    const WorkerEnd end = superviseWorker(
        { "--race", nlohmann::json(spec).dump() }, options,
        [&](const ControlMessage& message) {
            if (const auto* result = std::get_if<RaceResultMessage>(&message))
                outcome.result = parseRaceResult(result->json);
        },
        [&] { return outcome.result.has_value(); });
    outcome.exitCode = end.exitCode;
    outcome.error = end.error;
    if (end.abnormal && outcome.result && !outcome.result->partial) {
        outcome.result->partial = true;
        outcome.result->error = end.error;
    }
    return outcome;
}

RaceResult parseRaceResult(const std::string& json)
{
    try {
        return nlohmann::json::parse(json).get<RaceResult>();
    } catch (const std::exception& error) {
        throw ProtocolError(std::string("malformed race result: ") + error.what());
    }
}

} // namespace ipcpg
