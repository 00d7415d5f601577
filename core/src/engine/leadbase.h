#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "engine/childset.h"
#include "engine/controlwriter.h"
#include "engine/leadsignals.h"
#include "ipcpg/controlprotocol.h"

namespace ipcpg {

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

protected:
    static constexpr std::uint64_t kMs = 1'000'000ULL;
    static constexpr std::uint64_t kSampleIntervalNs = 100 * kMs;
    static constexpr std::uint64_t kStartTimeoutNs = 10'000 * kMs;
    static constexpr std::uint64_t kStopGraceNs = 500 * kMs; // after a stop request, then SIGKILL
    static constexpr std::uint64_t kStoppedLimitNs = 2'000 * kMs; // a worker stopped (SIGSTOP) this long fails

    // Tells the workers to finish now (sets the shared stop word).
    virtual void signalStop() = 0;
    // Every forked worker has reported that it is ready to start.
    virtual bool allReady() const = 0;
    // Reaps ended workers and fails the run for one that ended abnormally.
    virtual void handleEndedChildren() = 0;
    // Checks beyond stopped workers and the stop grace (progress, planned end).
    virtual void checkProgress(std::uint64_t now) = 0;
    virtual void sample(std::uint64_t now) = 0;

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
    // The last messages: the failure (if any), then `result`. Returns the worker exit status.
    int finish(const ControlMessage& result);

    ControlWriter m_out;
    ChildSet m_children;
    std::unique_ptr<LeadSignals> m_signals;
    bool m_failed = false;
    std::string m_failure;
    bool m_stopRequested = false;
    std::uint64_t m_stopRequestedNs = 0;
    std::uint64_t m_lastSampleNs = 0; // paces sampling
    std::uint64_t m_intervalStartNs = 0; // when the last written sample was taken
};

} // namespace ipcpg
