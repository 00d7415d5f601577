#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "engine/childset.h"
#include "engine/controlwriter.h"
#include "engine/leadsignals.h"
#include "ipcpg/controlprotocol.h"
#include "ipcpg/runresources.h"
#include "ipcpg/workerprocess.h"

namespace ipcpg {

// What a forked worker tells its lead through shared memory: its phase (SidePhase) and, once it
// failed, why.
struct WorkerReport {
    std::atomic<std::uint32_t>& phase;
    std::span<char> error;
};

// What every lead worker does with the processes it forks, whatever they run (a measurement, a
// race scenario): start them together, sample and watch them until they end, stop them on
// SIGTERM/SIGINT/SIGHUP or when the front end is gone, and fail at once when one dies or stays
// stopped. Subclasses provide the hooks; the state lives here so both report it the same way.
class LeadBase {
public:
    explicit LeadBase(int controlFd)
        : m_out(controlFd)
    {
    }
    virtual ~LeadBase() = default;
    LeadBase(const LeadBase&) = delete;
    LeadBase& operator=(const LeadBase&) = delete;

    // The life of every lead: prepare (a refusal ends it there, with nothing started and nothing
    // left behind), start the workers and supervise them, stop whatever still runs, then report
    // the failure if any and the result. Returns the lead's exit status (WorkerExitStatus).
    int run();

protected:
    static constexpr std::uint64_t kMs = 1'000'000ULL;
    static constexpr std::uint64_t kSampleIntervalNs = 100 * kMs;
    static constexpr std::uint64_t kStartTimeoutNs = 10'000 * kMs;
    static constexpr std::uint64_t kStopGraceNs = 500 * kMs; // after a stop request, then SIGKILL
    static constexpr std::uint64_t kStoppedLimitNs = 2'000 * kMs; // a worker stopped (SIGSTOP) this long fails
    static constexpr std::uint64_t kNoProgressLimitNs = 5'000 * kMs; // no counter moved this long: a worker hangs

    // Validates the request and creates what the run needs; throws UsageError to refuse it.
    virtual void prepare() = 0;
    // Forks the workers, then startTogether().
    virtual void startWorkers() = 0;
    // Once every worker ended: removes what the run made and returns its result message.
    virtual ControlMessage conclude() = 0;
    // After prepare() failed: removes whatever it made.
    virtual void releaseAfterFailedPrepare();
    // Tells the workers to finish now (sets the shared stop word).
    virtual void signalStop() = 0;
    // Every forked worker has reported that it is ready to start.
    virtual bool allReady() const = 0;
    // Reaps ended workers and fails the run for one that ended abnormally.
    virtual void handleEndedChildren() = 0;
    // Checks beyond stopped workers and the stop grace (progress, planned end).
    virtual void checkProgress(std::uint64_t now) = 0;
    virtual void sample(std::uint64_t now) = 0;

    // The life of one forked worker (call it from the function given to ChildSet::spawn): named
    // `comm`, pinned to `cpu`, free of the lead's cleanup duties. `body` sets the worker up, calls
    // `startNow()` (Ready, wait for `go`, Running) and does the work; then the worker reports
    // Finished, or Failed with the reason. Returns the worker's exit status.
    int workerLife(WorkerReport report, std::atomic<std::uint32_t>& go, const std::string& comm, int cpu,
        const std::function<void(const std::function<void()>& startNow)>& body);
    // Why worker `index` ended abnormally: its exit or signal, and its own reason if it gave one.
    std::string describeEnd(std::size_t index, const WorkerReport& report) const;
    // Progress watchdog: `progress` (any counter that moves while the run works) stood still for
    // more than `limitNs` while no stop was requested.
    bool madeNoProgressFor(std::uint64_t limitNs, std::uint64_t progress, std::uint64_t now);

    // Before forking: the signals the loop handles, and the descriptors children must close.
    void watchSignals();
    void sendHello(double clockReadNs);
    // Waits until allReady() (failing after 10 s or when a worker dies), then publishes the start
    // time in `startNs` (when given) and only then releases `go`, so every worker that wakes sees
    // it. Returns the start time; 0 when the workers never started.
    std::uint64_t startTogether(std::atomic<std::uint32_t>& go, std::atomic<std::uint64_t>* startNs = nullptr);
    // Samples every 100 ms and watches the workers until all ended or the run failed.
    void superviseLoop();
    void requestStop(std::uint64_t now);
    void fail(std::string reason);
    // Writes a live sample taken at `now` (`last`: the run's final one, which waits for room like
    // the result does). A sample's interval fields (intervalS, messages, histogram delta) run from
    // the last sample that was written, so one the front end had no room for (a busy GUI) loses
    // nothing: the next carries it. The caller moves its own baselines only when this returns true.
    bool publishSample(SampleMessage& sample, std::uint64_t now, bool last = false);
    // Whether the result is partial, and why.
    bool partial() const { return m_failed || m_stopRequested; }
    std::string partialReason() const { return m_failed ? m_failure : "stopped before the planned end"; }
    // Worker `index`'s exact costs (from wait4) and exit into its part of the result, and its costs
    // into the result's totals: the same figures, the same way, for every kind of lead.
    template <class Report, class Result> void reportWorker(std::size_t index, Report& report, Result& result) const
    {
        const ChildSet::Child& child = m_children.child(index);
        report.pid = child.pid;
        report.userS = child.cost.userS;
        report.sysS = child.cost.sysS;
        report.voluntarySwitches = child.cost.voluntarySwitches;
        report.involuntarySwitches = child.cost.involuntarySwitches;
        report.exit = describeWaitStatus(child.status);
        result.cpuUserS += report.userS;
        result.cpuSysS += report.sysS;
        result.voluntarySwitches += report.voluntarySwitches;
        result.involuntarySwitches += report.involuntarySwitches;
    }
    // Marks `result` partial, with the reason, when the run failed or was stopped.
    template <class Result> void notePartial(Result& result) const
    {
        result.partial = partial();
        if (result.partial)
            result.error = partialReason();
    }
    // The last messages: the failure (if any), then `result`. Returns the worker exit status.
    int finish(const ControlMessage& result);

    ControlWriter m_out;
    ChildSet m_children;
    std::unique_ptr<RunResources> m_resources;
    std::vector<std::string> m_objects; // what the run created, for its result
    std::unique_ptr<LeadSignals> m_signals;
    bool m_failed = false;
    std::string m_failure;
    bool m_stopRequested = false;
    std::uint64_t m_stopRequestedNs = 0;
    std::uint64_t m_lastSampleNs = 0; // paces sampling
    std::uint64_t m_intervalStartNs = 0; // when the last written sample was taken

private:
    std::uint64_t m_progressMark = 0;
    std::uint64_t m_progressNs = 0;
};

// A lead for one kind of request (a RunSpec, a RaceSpec): the request is all it is given.
template <class Spec> class LeadFor : public LeadBase {
public:
    LeadFor(Spec spec, int controlFd)
        : LeadBase(controlFd)
        , m_spec(std::move(spec))
    {
    }

protected:
    Spec m_spec;
};

} // namespace ipcpg
