#include "ipcpg/racelead.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <memory>
#include <nlohmann/json.hpp>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "engine/childset.h"
#include "engine/controlwriter.h"
#include "engine/leadbase.h"
#include "engine/sharedstats.h"
#include "ipcpg/controlprotocol.h"
#include "ipcpg/error.h"
#include "ipcpg/leadworker.h"
#include "ipcpg/placement.h"
#include "ipcpg/raceregistry.h"
#include "ipcpg/runresources.h"
#include "ipcpg/workerprocess.h"
#include "race/racescenario.h"
#include "sys/clock.h"
#include "sys/futexword.h"
#include "sys/sharedmapping.h"

namespace ipcpg {

namespace {

// The race's shared memory: a named POSIX segment (so a user can watch it in /dev/shm while it
// runs), owner-only, registered for removal the moment it exists. Every worker inherits the
// mapping through fork.
class SharedSegment {
public:
    SharedSegment(RunResources& resources, std::size_t bytes)
        : m_mapping(resources, "race", bytes)
    {
    }

    RaceControl& control() const { return *reinterpret_cast<RaceControl*>(m_mapping.data()); }
    void* area() const { return m_mapping.data() + kRaceAreaOffset; }

private:
    SharedMapping m_mapping;
};

class RaceLead final : public LeadFor<RaceSpec> {
public:
    using LeadFor::LeadFor;

private:
    void prepare() override;
    void startWorkers() override;
    ControlMessage conclude() override;
    void releaseAfterFailedPrepare() override;
    void signalStop() override;
    bool allReady() const override;
    void handleEndedChildren() override;
    void checkProgress(std::uint64_t now) override;
    void sample(std::uint64_t now) override;
    RaceResult buildResult(const RaceTally& tally) const;
    RaceControl& control() const { return m_segment->control(); }

    const RaceScenario* m_scenario = nullptr;
    std::unique_ptr<SharedSegment> m_segment;

    std::uint64_t m_startNs = 0;
    std::uint64_t m_endNs = 0;
    std::uint64_t m_lastDone = 0;
};

void RaceLead::releaseAfterFailedPrepare()
{
    m_segment.reset(); // unmapped before it is unlinked
    LeadBase::releaseAfterFailedPrepare();
}

ControlMessage RaceLead::conclude()
{
    if (m_endNs == 0)
        m_endNs = monotonicNs();
    const RaceTally tally = m_scenario->tally(control(), m_segment->area(), m_spec, true);
    RaceResult result = buildResult(tally);
    m_scenario->destroy(m_segment->area(), m_spec);
    m_segment.reset();
    m_resources->removeAll();
    return RaceResultMessage { nlohmann::json(result).dump() };
}

void RaceLead::prepare()
{
    RaceRegistry::instance().validate(m_spec);
    m_scenario = findRaceScenario(m_spec.scenario);

    RunResources::removeStaleObjects();
    m_resources = std::make_unique<RunResources>();
    m_segment = std::make_unique<SharedSegment>(*m_resources, kRaceAreaOffset + m_scenario->sharedBytes(m_spec));
    new (&control()) RaceControl {};
    m_scenario->initialise(m_segment->area(), m_spec);
    m_objects = m_resources->describe();
}

void RaceLead::startWorkers()
{
    watchSignals();

    const std::vector<int> cpus = m_scenario->placement(m_spec);
    for (unsigned index = 0; index < *m_spec.workers; ++index) {
        m_children.spawn(m_scenario->role(m_spec, index), [this, index, cpu = cpus[index]]() -> int {
            RaceWorkerSlot& slot = control().workers[index];
            return workerLife({ slot.phase, slot.error }, control().go, "ipcpg-race" + std::to_string(index), cpu,
                [&](const std::function<void()>& startNow) {
                    RaceWorker worker { m_spec, index, control(), slot, m_segment->area() };
                    m_scenario->prepare(worker);
                    startNow();
                    m_scenario->run(worker);
                });
        });
        control().workers[index].pid.store(m_children.child(index).pid, std::memory_order_release);
    }

    sendHello(0);

    // Start everyone at once: a race needs its processes running together.
    m_startNs = startTogether(control().go);
}

void RaceLead::signalStop()
{
    if (m_segment)
        control().stop.store(1, std::memory_order_relaxed);
}

bool RaceLead::allReady() const
{
    for (unsigned index = 0; index < *m_spec.workers; ++index) {
        if (control().workers[index].phase.load(std::memory_order_acquire)
            < static_cast<std::uint32_t>(SidePhase::Ready))
            return false;
    }
    return true;
}

void RaceLead::handleEndedChildren()
{
    for (std::size_t index : m_children.reap()) {
        const auto& child = m_children.child(index);
        if (ChildSet::endedNormally(child.status) || m_failed)
            continue;
        RaceWorkerSlot& slot = control().workers[index];
        fail(describeEnd(index, { slot.phase, slot.error }));
    }
    if (m_endNs == 0 && m_startNs != 0 && m_children.allReaped())
        m_endNs = monotonicNs(); // the race's span ends with its last worker, not with the lead's loop
}

void RaceLead::checkProgress(std::uint64_t now)
{
    std::uint64_t progress = 0;
    for (unsigned index = 0; index < *m_spec.workers; ++index) {
        const RaceWorkerSlot& slot = control().workers[index];
        progress += slot.done.load(std::memory_order_relaxed);
        for (const auto& count : slot.counts)
            progress += count.load(std::memory_order_relaxed);
    }
    if (madeNoProgressFor(kNoProgressLimitNs, progress, now)) {
        fail("the race made no progress for 5 s: a worker is blocked (" + m_spec.scenario + " " + m_spec.sync + ")");
    }
}

void RaceLead::sample(std::uint64_t now)
{
    const RaceTally tally = m_scenario->tally(control(), m_segment->area(), m_spec, false);
    SampleMessage sample;
    sample.elapsedS = static_cast<double>(now - m_startNs) / 1e9;
    sample.intervalS = static_cast<double>(now - m_intervalStartNs) / 1e9; // see publishSample
    std::uint64_t done = 0;
    for (unsigned index = 0; index < *m_spec.workers; ++index)
        done += control().workers[index].done.load(std::memory_order_relaxed);
    sample.messages = done - std::min(done, m_lastDone); // iterations in this interval
    sample.totalMessages = done;
    sample.expected = tally.expected;
    sample.observed = tally.observed;
    sample.syncErrors = tally.syncErrors;
    const ProcessCost cost = m_children.liveCost();
    sample.cpuUserS = cost.userS;
    sample.cpuSysS = cost.sysS;
    sample.voluntarySwitches = cost.voluntarySwitches;
    sample.involuntarySwitches = cost.involuntarySwitches;
    if (publishSample(sample, now))
        m_lastDone = done;
}

RaceResult RaceLead::buildResult(const RaceTally& tally) const
{
    const RaceScenarioInfo& info = m_scenario->info();
    RaceResult result;
    result.spec = m_spec;
    result.broken = info.findMode(m_spec.sync)->broken;
    result.counted = info.counted;
    result.expected = tally.expected;
    result.observed = tally.observed;
    result.syncErrors = tally.syncErrors;
    result.details = tally.details;
    result.durationS = m_startNs != 0 ? static_cast<double>(m_endNs - m_startNs) / 1e9 : 0.0;
    for (std::size_t index = 0; index < m_children.children().size(); ++index) {
        RaceProcessReport process;
        process.role = m_children.child(index).name;
        process.iterations = control().workers[index].done.load(std::memory_order_relaxed);
        reportWorker(index, process, result);
        result.processes.push_back(std::move(process));
    }
    result.objects = m_objects;
    notePartial(result);
    return result;
}

} // namespace

int runRaceLead(const RaceSpec& spec, int controlFd)
{
    RaceLead lead(spec, controlFd);
    return lead.run();
}

} // namespace ipcpg
