#include "engine/leadbase.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <poll.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "engine/sharedstats.h"
#include "ipcpg/error.h"
#include "ipcpg/leadworker.h"
#include "ipcpg/placement.h"
#include "sys/clock.h"
#include "sys/futexword.h"

namespace ipcpg {

int LeadBase::run()
{
    try {
        prepare();
    } catch (const UsageError& error) {
        m_out.sendFinal(ErrorMessage { error.what() });
        return WorkerBadRequest;
    } catch (const std::exception& error) {
        m_out.sendFinal(ErrorMessage { explain(error) });
        releaseAfterFailedPrepare();
        return WorkerRunFailed;
    }

    try {
        startWorkers();
        superviseLoop();
    } catch (const std::exception& error) {
        fail(explain(error));
    }
    signalStop();
    m_children.killAll(); // only stragglers and failed runs get here with live workers
    return finish(conclude());
}

void LeadBase::releaseAfterFailedPrepare()
{
    if (m_resources)
        m_resources->removeAll();
}

int LeadBase::workerLife(WorkerReport report, std::atomic<std::uint32_t>& go, const std::string& comm, int cpu,
    const std::function<void(const std::function<void()>& startNow)>& body)
{
    try {
        prctl(PR_SET_NAME, comm.c_str());
        m_resources->forgetInChild(); // the lead removes the run's objects, never a worker
        pinToCpu(cpu);
        body([&] {
            report.phase.store(static_cast<std::uint32_t>(SidePhase::Ready), std::memory_order_release);
            futexWaitWhileZero(go);
            report.phase.store(static_cast<std::uint32_t>(SidePhase::Running), std::memory_order_relaxed);
        });
        report.phase.store(static_cast<std::uint32_t>(SidePhase::Finished), std::memory_order_release);
        return 0;
    } catch (const std::exception& error) {
        const std::string reason = explain(error);
        const std::size_t length = std::min(reason.size(), report.error.size() - 1);
        std::memcpy(report.error.data(), reason.data(), length);
        report.error[length] = '\0';
        report.phase.store(static_cast<std::uint32_t>(SidePhase::Failed), std::memory_order_release);
        return 1;
    }
}

std::string LeadBase::describeEnd(std::size_t index, const WorkerReport& report) const
{
    std::string reason = m_children.describeEnd(index);
    if (report.phase.load(std::memory_order_acquire) == static_cast<std::uint32_t>(SidePhase::Failed))
        reason += ": " + std::string(report.error.data(), strnlen(report.error.data(), report.error.size()));
    return reason;
}

bool LeadBase::madeNoProgressFor(std::uint64_t limitNs, std::uint64_t progress, std::uint64_t now)
{
    if (progress != m_progressMark || m_progressNs == 0) {
        m_progressMark = progress;
        m_progressNs = now;
        return false;
    }
    return now - m_progressNs > limitNs && !m_stopRequested;
}

void LeadBase::watchSignals()
{
    m_signals = std::make_unique<LeadSignals>();
    m_children.closeInChildren({ m_signals->fd(), m_out.fd() });
}

void LeadBase::sendHello(double clockReadNs)
{
    HelloMessage hello;
    hello.pid = getpid();
    hello.clockReadNs = clockReadNs;
    for (const auto& child : m_children.children())
        hello.workerPids.push_back(child.pid);
    m_out.sendFinal(hello);
}

std::uint64_t LeadBase::startTogether(std::atomic<std::uint32_t>& go, std::atomic<std::uint64_t>* startNs)
{
    const std::uint64_t deadline = monotonicNs() + kStartTimeoutNs;
    for (;;) {
        handleEndedChildren();
        if (m_failed)
            return 0;
        if (allReady())
            break;
        if (monotonicNs() > deadline) {
            fail("the worker processes did not get ready within 10 s");
            return 0;
        }
        usleep(200);
    }
    const std::uint64_t start = monotonicNs();
    if (startNs)
        startNs->store(start, std::memory_order_relaxed);
    go.store(1, std::memory_order_release);
    futexWakeAll(go);
    m_lastSampleNs = start;
    m_intervalStartNs = start;
    return start;
}

void LeadBase::superviseLoop()
{
    while (!m_failed) {
        const std::uint64_t now = monotonicNs();
        const std::uint64_t nextSample = m_lastSampleNs + kSampleIntervalNs;
        const int waitMs = nextSample > now ? static_cast<int>((nextSample - now) / kMs) + 1 : 0;
        pollfd pfd { m_signals->fd(), POLLIN, 0 };
        if (poll(&pfd, 1, std::min(waitMs, 20)) < 0 && errno != EINTR)
            throwSystemError("cannot wait for the worker processes (poll)", errno);
        if (m_signals->takeStopRequest())
            requestStop(monotonicNs());
        handleEndedChildren();
        if (m_failed || m_children.allReaped())
            break;
        const std::uint64_t after = monotonicNs();
        if (const std::string stopped = m_children.stoppedTooLong(after, kStoppedLimitNs); !stopped.empty()) {
            fail(stopped);
            break;
        }
        if (m_stopRequested && after - m_stopRequestedNs > kStopGraceNs) {
            // Stopped on request and a worker is still busy or blocked: end it, this is not a failure.
            m_children.killAll();
            break;
        }
        checkProgress(after);
        if (after >= nextSample) {
            sample(after);
            m_lastSampleNs = after;
        }
        if (m_out.frontEndGone())
            requestStop(after); // nobody reads the results any more: stop rather than run on unseen
    }
}

void LeadBase::requestStop(std::uint64_t now)
{
    if (m_stopRequested)
        return;
    m_stopRequested = true;
    m_stopRequestedNs = now;
    signalStop();
}

void LeadBase::fail(std::string reason)
{
    if (m_failed)
        return;
    m_failed = true;
    m_failure = std::move(reason);
    signalStop();
}

bool LeadBase::publishSample(SampleMessage& sample, std::uint64_t now, bool last)
{
    sample.samplesNotWritten = m_out.droppedSamples();
    if (!(last ? m_out.sendFinal(sample) : m_out.sendSample(sample)))
        return false;
    m_intervalStartNs = now;
    return true;
}

int LeadBase::finish(const ControlMessage& result)
{
    if (m_failed)
        m_out.sendFinal(ErrorMessage { m_failure });
    m_out.sendFinal(result);
    return m_failed ? WorkerRunFailed : WorkerSucceeded;
}

} // namespace ipcpg
