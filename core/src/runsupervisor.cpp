#include "ipcpg/runsupervisor.h"

#include <nlohmann/json.hpp>
#include <sys/wait.h>

#include "ipcpg/error.h"
#include "ipcpg/mechanismregistry.h"
#include "ipcpg/raceregistry.h"
#include "ipcpg/runresources.h"
#include "ipcpg/sampleaccumulator.h"
#include "ipcpg/workerprocess.h"

namespace ipcpg {

namespace {

using namespace std::chrono_literals;

// How a supervised worker ended, whatever it ran.
struct WorkerEnd {
    int exitCode = 0; // 0 done, 1 failed, 2 invalid request
    std::string error;
    bool abnormal = false; // killed or crashed: whatever result it reported is partial
};

// Runs ipcpg-worker with `args` and follows its control channel until it ends. Hello and sample
// messages go to the options' callbacks, every other message to `onFinal` (which may throw
// ProtocolError for a result it cannot read). `haveResult` tells whether a final result arrived.
WorkerEnd superviseWorker(const std::vector<std::string>& args, const SupervisorOptions& options,
    const std::function<void(ControlMessage&)>& onFinal, const std::function<bool()>& haveResult)
{
    WorkerEnd end;
    std::optional<WorkerProcess> worker;
    try {
        const std::string path = options.workerPath.empty() ? locateWorkerExecutable() : options.workerPath;
        worker.emplace(path, args);
    } catch (const std::exception& error) {
        return { 1, error.what(), false };
    }

    std::string workerError;
    bool stopSent = false;
    auto lastHeard = std::chrono::steady_clock::now();
    bool killed = false;
    for (;;) {
        if (options.cancel && options.cancel->load() && !stopSent) {
            worker->requestStop();
            stopSent = true;
        }
        try {
            std::optional<ControlMessage> message = worker->next(100ms);
            if (message) {
                lastHeard = std::chrono::steady_clock::now();
                if (const auto* hello = std::get_if<HelloMessage>(&*message)) {
                    if (options.onHello)
                        options.onHello(*hello);
                } else if (const auto* sample = std::get_if<SampleMessage>(&*message)) {
                    if (options.onSample)
                        options.onSample(*sample);
                } else if (const auto* error = std::get_if<ErrorMessage>(&*message)) {
                    workerError = error->message;
                } else {
                    onFinal(*message);
                }
                continue;
            }
        } catch (const ProtocolError& error) {
            worker->kill();
            killed = true;
            end.error = std::string("ipcpg-worker sent something unreadable (") + error.what() + "); stopped it";
            end.exitCode = 1;
            break;
        }
        if (worker->endOfStream())
            break;
        if (std::chrono::steady_clock::now() - lastHeard > options.silenceLimit) {
            worker->kill();
            killed = true;
            end.error = "ipcpg-worker (pid " + std::to_string(worker->pid()) + ") sent nothing for "
                + std::to_string(options.silenceLimit.count() / 1000.0).substr(0, 3)
                + " s: it was stopped or hangs; killed it";
            end.exitCode = 1;
            break;
        }
    }

    auto status = worker->wait(2s);
    if (!status) {
        worker->kill();
        killed = true;
        status = worker->wait(2s);
    }
    if (killed) {
        // The lead could not clean up after itself: remove what its run left.
        RunResources::removeStaleObjects();
        end.abnormal = true;
        return end;
    }
    const int code = status && WIFEXITED(*status) ? WEXITSTATUS(*status) : 1;
    if (status && !WIFEXITED(*status)) {
        RunResources::removeStaleObjects();
        end.error = "ipcpg-worker (pid " + std::to_string(worker->pid()) + ") " + describeWaitStatus(*status);
        end.exitCode = 1;
        end.abnormal = true;
        return end;
    }
    end.exitCode = code == 0 ? 0 : (code == 2 ? 2 : 1);
    if (end.exitCode != 0) {
        end.error = workerError.empty() ? "ipcpg-worker exited with status " + std::to_string(code) : workerError;
    } else if (!haveResult()) {
        end.exitCode = 1;
        end.error = "ipcpg-worker ended without reporting a result";
    }
    return end;
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
        [&](ControlMessage& message) {
            if (auto* result = std::get_if<ResultMessage>(&message))
                outcome.result = std::move(result->result);
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
        [&](ControlMessage& message) {
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
