#include "ipcpg/runsupervisor.h"

#include <nlohmann/json.hpp>
#include <sys/wait.h>

#include "ipcpg/error.h"
#include "ipcpg/mechanismregistry.h"
#include "ipcpg/runresources.h"
#include "ipcpg/sampleaccumulator.h"
#include "ipcpg/workerprocess.h"

namespace ipcpg {

namespace {

using namespace std::chrono_literals;

RunOutcome failure(std::string error, int exitCode)
{
    RunOutcome outcome;
    outcome.error = std::move(error);
    outcome.exitCode = exitCode;
    return outcome;
}

// A lead that died or had to be killed may not have reported: its samples still say what was
// measured until then. Either way the result is partial.
void keepWhatWasMeasured(RunOutcome& outcome, const SampleAccumulator& samples, const RunSpec& spec)
{
    if (!outcome.result)
        outcome.result = samples.partialResult(spec, outcome.error);
    if (outcome.result && !outcome.result->partial) {
        outcome.result->partial = true;
        outcome.result->error = outcome.error;
    }
}

} // namespace

RunOutcome superviseRun(const RunSpec& requested, const SupervisorOptions& options)
{
    RunSpec spec = requested;
    try {
        MechanismRegistry::instance().validate(spec);
    } catch (const UsageError& error) {
        return failure(error.what(), 2);
    }

    std::optional<WorkerProcess> worker;
    try {
        const std::string path = options.workerPath.empty() ? locateWorkerExecutable() : options.workerPath;
        worker.emplace(path, std::vector<std::string> { "--run", nlohmann::json(spec).dump() });
    } catch (const std::exception& error) {
        return failure(error.what(), 1);
    }

    RunOutcome outcome;
    SampleAccumulator samples; // what was measured, in case the lead dies before it reports
    std::string workerError;
    bool stopSent = false;
    auto lastHeard = std::chrono::steady_clock::now();
    bool killed = false;
    for (;;) {
        if (options.cancel && options.cancel->load() && !stopSent) {
            worker->requestStop();
            stopSent = true;
        }
        std::optional<ControlMessage> message;
        try {
            message = worker->next(100ms);
        } catch (const ProtocolError& error) {
            worker->kill();
            killed = true;
            outcome.error = std::string("ipcpg-worker sent something unreadable (") + error.what() + "); stopped it";
            outcome.exitCode = 1;
            break;
        }
        if (message) {
            lastHeard = std::chrono::steady_clock::now();
            if (const auto* hello = std::get_if<HelloMessage>(&*message); hello && options.onHello)
                options.onHello(*hello);
            else if (const auto* sample = std::get_if<SampleMessage>(&*message)) {
                samples.add(*sample);
                if (options.onSample)
                    options.onSample(*sample);
            } else if (const auto* error = std::get_if<ErrorMessage>(&*message))
                workerError = error->message;
            else if (auto* result = std::get_if<ResultMessage>(&*message))
                outcome.result = std::move(result->result);
            continue;
        }
        if (worker->endOfStream())
            break;
        if (std::chrono::steady_clock::now() - lastHeard > options.silenceLimit) {
            worker->kill();
            killed = true;
            outcome.error = "ipcpg-worker (pid " + std::to_string(worker->pid()) + ") sent nothing for "
                + std::to_string(options.silenceLimit.count() / 1000.0).substr(0, 3)
                + " s: it was stopped or hangs; killed it";
            outcome.exitCode = 1;
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
        keepWhatWasMeasured(outcome, samples, spec);
        return outcome;
    }
    const int code = status && WIFEXITED(*status) ? WEXITSTATUS(*status) : 1;
    if (status && !WIFEXITED(*status)) {
        RunResources::removeStaleObjects();
        outcome.error = "ipcpg-worker (pid " + std::to_string(worker->pid()) + ") " + describeWaitStatus(*status);
        outcome.exitCode = 1;
        keepWhatWasMeasured(outcome, samples, spec);
        return outcome;
    }
    outcome.exitCode = code == 0 ? 0 : (code == 2 ? 2 : 1);
    if (outcome.exitCode != 0) {
        outcome.error = workerError.empty() ? "ipcpg-worker exited with status " + std::to_string(code) : workerError;
    } else if (!outcome.result) {
        outcome.exitCode = 1;
        outcome.error = "ipcpg-worker ended without reporting a result";
    }
    return outcome;
}

} // namespace ipcpg
