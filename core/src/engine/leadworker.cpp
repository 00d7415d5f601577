#include "ipcpg/leadworker.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <memory>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "engine/childset.h"
#include "engine/controlwriter.h"
#include "engine/leadbase.h"
#include "engine/sharedstats.h"
#include "engine/sideloop.h"
#include "ipcpg/controlprotocol.h"
#include "ipcpg/error.h"
#include "ipcpg/mechanismregistry.h"
#include "ipcpg/placement.h"
#include "ipcpg/runresources.h"
#include "ipcpg/transport.h"
#include "ipcpg/workerprocess.h"
#include "sys/clock.h"
#include "sys/futexword.h"

namespace ipcpg {

namespace {

constexpr std::uint64_t kFinishGraceNs = 1'000'000'000ULL; // B may take this long after A's last message
constexpr std::uint64_t kOverrunLimitNs = 5'000'000'000ULL; // past the planned end: the run hangs

// The shared control block, mapped before fork so every side sees the same memory.
class SharedControl {
public:
    SharedControl()
    {
        void* memory = mmap(nullptr, sizeof(ControlBlock), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
        if (memory == MAP_FAILED)
            throwSystemError("cannot map the run's statistics block", errno);
        m_block = new (memory) ControlBlock {};
        for (SideCounters& side : m_block->sides) {
            side.latency.min.store(~std::uint64_t { 0 }, std::memory_order_relaxed);
            side.lastCpu.store(-1, std::memory_order_relaxed);
        }
    }
    ~SharedControl() { munmap(m_block, sizeof(ControlBlock)); }
    SharedControl(const SharedControl&) = delete;
    SharedControl& operator=(const SharedControl&) = delete;
    ControlBlock& operator*() const { return *m_block; }
    ControlBlock* operator->() const { return m_block; }

private:
    ControlBlock* m_block = nullptr;
};

std::vector<int> cpusOf(const SideCounters& counters)
{
    std::vector<int> cpus;
    const std::uint64_t mask = counters.cpuMask.load(std::memory_order_relaxed);
    for (int cpu = 0; cpu < 64; ++cpu) {
        if ((mask >> cpu) & 1U)
            cpus.push_back(cpu);
    }
    return cpus;
}

class LeadWorker final : public LeadFor<RunSpec> {
public:
    using LeadFor::LeadFor;

private:
    void prepare() override;
    void startWorkers() override;
    ControlMessage conclude() override;
    void signalStop() override;
    bool allReady() const override;
    void handleEndedChildren() override;
    void checkProgress(std::uint64_t now) override;
    void sample(std::uint64_t now) override { takeSample(now, false); }
    void takeSample(std::uint64_t now, bool last);
    RunResult buildResult();
    std::size_t sideIndex(unsigned pair, Side side) const { return 2 * pair + (side == Side::A ? 0 : 1); }
    std::size_t measuringSide(unsigned pair) const
    {
        return sideIndex(pair, m_spec.mode == Mode::PingPong ? Side::A : Side::B);
    }
    struct Findings {
        IntegrityCounts integrity;
        std::uint64_t integrityErrors = 0, lost = 0, syncErrors = 0;
    };
    Findings findings() const;

    const Mechanism* m_mechanism = nullptr;
    ErrorAccounting m_accounting = ErrorAccounting::Integrity;
    std::vector<int> m_cpuPlan;
    double m_clockReadNs = 0;
    std::unique_ptr<SharedControl> m_control;
    std::vector<std::unique_ptr<Transport>> m_transports;

    std::uint64_t m_sendersDoneNs = 0;
    std::uint64_t m_plannedEndNs = 0;

    // Sampling state: what the previous sample had seen.
    std::uint64_t m_lastMeasured = 0;
    std::vector<std::array<std::uint64_t, HistogramLayout::kBucketCount>> m_lastBuckets;
};

ControlMessage LeadWorker::conclude()
{
    // A last sample with the counters at rest: the live samples add up to the result exactly.
    if (!m_lastBuckets.empty())
        takeSample(monotonicNs(), true);
    m_resources->removeAll();
    RunResult result = buildResult();
    result.samplesNotWritten = m_out.droppedSamples();
    return ResultMessage { std::move(result) };
}

void LeadWorker::prepare()
{
    const MechanismRegistry& registry = MechanismRegistry::instance();
    registry.validate(m_spec);
    m_mechanism = registry.find(m_spec.mechanism);
    m_accounting = m_mechanism->accounting(m_spec.options);
    m_cpuPlan = planPlacement(m_spec.placement, m_spec.workers);

    RunResources::removeStaleObjects();
    m_resources = std::make_unique<RunResources>();
    m_control = std::make_unique<SharedControl>();
    m_clockReadNs = measureClockReadNs();

    TransportConfig config;
    config.mode = m_spec.mode;
    config.payloadSize = m_spec.messageSize;
    config.frameBytes = frameBytesFor(m_spec.messageSize);
    config.options = m_spec.options;
    for (unsigned pair = 0; pair < m_spec.workers; ++pair) {
        config.pair = static_cast<int>(pair);
        m_transports.push_back(m_mechanism->createTransport(config, *m_resources));
    }
    m_objects = m_resources->describe();
}

void LeadWorker::startWorkers()
{
    watchSignals();

    ControlBlock& control = **m_control;
    for (unsigned pair = 0; pair < m_spec.workers; ++pair) {
        for (Side side : { Side::A, Side::B }) {
            const std::size_t index = sideIndex(pair, side);
            const std::string name = roleName(roleOf(m_spec.mode, side)) + " of pair " + std::to_string(pair);
            const std::string comm = std::string("ipcpg-") + (side == Side::A ? "A" : "B") + std::to_string(pair);
            m_children.spawn(name, [&, pair, side, index, comm]() -> int {
                SideCounters& counters = control.sides[index];
                return workerLife({ counters.phase, counters.error }, control.go, comm, m_cpuPlan[index],
                    [&](const std::function<void()>& startNow) {
                        for (unsigned other = 0; other < m_transports.size(); ++other) {
                            if (other != pair)
                                m_transports[other].reset();
                        }
                        m_transports[pair]->attach(side);
                        startNow();
                        runSide({ &m_spec, m_transports[pair].get(), &control, &counters, side, static_cast<int>(pair),
                            m_accounting == ErrorAccounting::LossAllowed });
                    });
            });
        }
    }
    // The lead keeps no handles: a side whose peer dies must see the pipe or socket close.
    m_transports.clear();

    sendHello(m_clockReadNs);

    // Start everyone at once, so no side measures while another is still setting up.
    const std::uint64_t start = startTogether(control.go, &control.startNs);
    if (start == 0)
        return;
    m_plannedEndNs = start + static_cast<std::uint64_t>((m_spec.warmupS + m_spec.durationS) * 1e9);
    m_lastBuckets.assign(m_spec.workers, {});
}

void LeadWorker::signalStop()
{
    if (m_control)
        (*m_control)->stop.store(1, std::memory_order_relaxed);
}

bool LeadWorker::allReady() const
{
    for (std::size_t i = 0; i < m_children.children().size(); ++i) {
        if ((*m_control)->sides[i].phase.load(std::memory_order_acquire) < static_cast<std::uint32_t>(SidePhase::Ready))
            return false;
    }
    return true;
}

void LeadWorker::handleEndedChildren()
{
    std::vector<std::size_t> abnormal;
    for (std::size_t index : m_children.reap()) {
        if (!ChildSet::endedNormally(m_children.child(index).status))
            abnormal.push_back(index);
    }
    if (!abnormal.empty() && !m_failed) {
        // A side that exits with an error is usually reacting to its peer's death ("the peer
        // closed its end"). Give that death a moment to be seen, so the report names the cause.
        const auto killed = [&](std::size_t index) { return WIFSIGNALED(m_children.child(index).status); };
        const std::uint64_t until = monotonicNs() + 200 * kMs;
        while (std::none_of(abnormal.begin(), abnormal.end(), killed) && monotonicNs() < until) {
            usleep(2000);
            for (std::size_t index : m_children.reap()) {
                if (!ChildSet::endedNormally(m_children.child(index).status))
                    abnormal.push_back(index);
            }
        }
        const auto cause = std::find_if(abnormal.begin(), abnormal.end(), killed);
        const std::size_t index = cause != abnormal.end() ? *cause : abnormal.front();
        SideCounters& counters = (*m_control)->sides[index];
        fail(describeEnd(index, { counters.phase, counters.error }));
    }
    // Once every A has finished, the B sides have a bounded time to drain and end.
    if (m_sendersDoneNs == 0) {
        bool sendersDone = true;
        for (unsigned pair = 0; pair < m_spec.workers; ++pair) {
            if (!m_children.child(sideIndex(pair, Side::A)).reaped)
                sendersDone = false;
        }
        if (sendersDone)
            m_sendersDoneNs = monotonicNs();
    }
}

void LeadWorker::checkProgress(std::uint64_t now)
{
    if (m_sendersDoneNs != 0 && now - m_sendersDoneNs > kFinishGraceNs) {
        for (std::size_t i = 0; i < m_children.children().size(); ++i) {
            if (!m_children.child(i).reaped) {
                fail("the " + m_children.child(i).name + " (pid " + std::to_string(m_children.child(i).pid)
                    + ") did not finish within 1 s after its sender's last message");
                return;
            }
        }
    }
    // Progress watchdog: a run whose counters stand still this long is hung, whatever its plan.
    std::uint64_t progress = 0;
    for (const SideCounters& side : (*m_control)->sides)
        progress += side.sent.load(std::memory_order_relaxed) + side.received.load(std::memory_order_relaxed);
    if (madeNoProgressFor(kNoProgressLimitNs, progress, now)) {
        fail("the run made no progress for 5 s: a worker is blocked (" + m_spec.mechanism + ")");
        return;
    }
    if (m_spec.messages == 0 && now > m_plannedEndNs + kOverrunLimitNs && !m_stopRequested)
        fail("the run did not finish within 5 s after its planned end");
}

LeadWorker::Findings LeadWorker::findings() const
{
    Findings found;
    const ControlBlock& control = **m_control;
    std::uint64_t lostBySequence = 0;
    for (std::size_t i = 0; i < 2 * std::size_t { m_spec.workers }; ++i) {
        const IntegrityCounts counts = control.sides[i].integrity();
        // In ping-pong a lost request leaves a gap at the responder and a timed-out round trip at
        // the initiator: one loss, counted where every round trip is counted, at the initiator.
        const bool countsLoss = m_spec.mode == Mode::Stream || i % 2 == 0;
        found.integrity.badSize += counts.badSize;
        found.integrity.badChecksum += counts.badChecksum;
        found.integrity.gaps += counts.gaps;
        found.integrity.missing += counts.missing;
        found.integrity.duplicates += counts.duplicates;
        found.integrity.reordered += counts.reordered;
        if (countsLoss)
            lostBySequence += counts.missing;
    }
    switch (m_accounting) {
    case ErrorAccounting::Integrity:
        found.integrityErrors = found.integrity.total();
        break;
    case ErrorAccounting::LossAllowed: {
        found.integrityErrors = found.integrity.total() - found.integrity.gaps;
        // Messages sent but never received, including any lost after the last one that arrived.
        std::uint64_t lostByCount = 0;
        if (m_spec.mode == Mode::Stream) {
            for (unsigned pair = 0; pair < m_spec.workers; ++pair) {
                const std::uint64_t sent = control.sides[sideIndex(pair, Side::A)].sent.load(std::memory_order_relaxed);
                const SideCounters& receiver = control.sides[sideIndex(pair, Side::B)];
                const std::uint64_t received = receiver.received.load(std::memory_order_relaxed)
                    - std::min(receiver.received.load(std::memory_order_relaxed),
                        receiver.duplicates.load(std::memory_order_relaxed));
                lostByCount += sent > received ? sent - received : 0;
            }
        }
        found.lost = std::max(lostBySequence, lostByCount);
        break;
    }
    case ErrorAccounting::SyncRace:
        // Every frame the race cost: torn or repeated ones, and those overwritten before they
        // were read (a gap counts each frame it skipped).
        found.syncErrors = found.integrity.total() - found.integrity.gaps + found.integrity.missing;
        break;
    }
    return found;
}

void LeadWorker::takeSample(std::uint64_t now, bool last)
{
    const ControlBlock& control = **m_control;
    SampleMessage sample;
    const std::uint64_t windowStart
        = control.startNs.load(std::memory_order_relaxed) + static_cast<std::uint64_t>(m_spec.warmupS * 1e9);
    sample.elapsedS = (static_cast<double>(now) - static_cast<double>(windowStart)) / 1e9;
    sample.intervalS = static_cast<double>(now - m_intervalStartNs) / 1e9;

    // Everything since the last sample that was written (see publishSample).
    LatencyHistogram interval;
    std::uint64_t measured = 0;
    auto seen = m_lastBuckets;
    for (unsigned pair = 0; pair < m_spec.workers; ++pair) {
        const SideCounters& side = control.sides[measuringSide(pair)];
        measured += side.measured.load(std::memory_order_relaxed);
        auto& counts = seen[pair];
        std::vector<LatencyHistogram::Bucket> delta;
        for (int b = 0; b < HistogramLayout::kBucketCount; ++b) {
            const std::uint64_t count = side.latency.buckets[b].load(std::memory_order_relaxed);
            const auto index = static_cast<std::size_t>(b);
            if (count > counts[index])
                delta.emplace_back(static_cast<std::uint32_t>(b), count - counts[index]);
            counts[index] = std::max(counts[index], count);
        }
        interval.addBuckets(delta);
    }
    sample.messages = measured - std::min(measured, m_lastMeasured);
    sample.bytes = sample.messages * m_spec.messageSize;
    sample.totalMessages = measured;
    sample.latencyNs = LatencySummary::of(interval);
    sample.histogramDelta = interval.nonEmptyBuckets();

    const Findings found = findings();
    sample.integrityErrors = found.integrityErrors;
    sample.lost = found.lost;
    sample.syncErrors = found.syncErrors;
    const ProcessCost cost = m_children.liveCost();
    sample.cpuUserS = cost.userS;
    sample.cpuSysS = cost.sysS;
    sample.voluntarySwitches = cost.voluntarySwitches;
    sample.involuntarySwitches = cost.involuntarySwitches;
    if (publishSample(sample, now, last)) {
        m_lastMeasured = measured;
        m_lastBuckets = std::move(seen);
    }
}

RunResult LeadWorker::buildResult()
{
    const ControlBlock& control = **m_control;
    RunResult result;
    result.spec = m_spec;
    result.clockReadNs = m_clockReadNs;
    result.objects = m_objects;
    result.warmupS = m_spec.warmupS;

    std::uint64_t spanNs = 0;
    for (unsigned pair = 0; pair < m_spec.workers; ++pair) {
        const SideCounters& side = control.sides[measuringSide(pair)];
        result.messages += side.measured.load(std::memory_order_relaxed);
        result.histogram.merge(side.latency.snapshot());
        const std::uint64_t windowStart = control.windowStartNs[pair].load(std::memory_order_relaxed);
        const std::uint64_t last = side.lastMeasuredNs.load(std::memory_order_relaxed);
        if (windowStart != 0 && last > windowStart)
            spanNs = std::max(spanNs, last - windowStart);
        for (Side s : { Side::A, Side::B })
            result.warmupMessages = std::max(
                result.warmupMessages, control.sides[sideIndex(pair, s)].warmup.load(std::memory_order_relaxed));
    }
    result.latencyKind = result.histogram.count() == 0 ? "none"
        : m_spec.mode == Mode::PingPong                ? "round-trip"
                                                       : "one-way";
    result.bytes = result.messages * m_spec.messageSize;
    result.durationS = static_cast<double>(spanNs) / 1e9;
    if (spanNs > 0) {
        result.msgsPerS = static_cast<double>(result.messages) / result.durationS;
        result.bytesPerS = static_cast<double>(result.bytes) / result.durationS;
    }
    result.latencyNs = LatencySummary::of(result.histogram);

    const Findings found = findings();
    result.integrity = found.integrity;
    result.integrityErrors = found.integrityErrors;
    result.lost = found.lost;
    result.syncErrors = found.syncErrors;

    for (std::size_t i = 0; i < m_children.children().size(); ++i) {
        const SideCounters& counters = control.sides[i];
        SideReport side;
        side.pair = static_cast<int>(i / 2);
        side.role = roleName(roleOf(m_spec.mode, i % 2 == 0 ? Side::A : Side::B));
        side.cpus = cpusOf(counters);
        side.messagesSent = counters.sent.load(std::memory_order_relaxed);
        side.messagesReceived = counters.received.load(std::memory_order_relaxed);
        reportWorker(i, side, result);
        result.cpus.push_back(counters.lastCpu.load(std::memory_order_relaxed));
        result.sides.push_back(std::move(side));
    }
    notePartial(result);
    return result;
}

} // namespace

int runLeadWorker(const RunSpec& spec, int controlFd)
{
    LeadWorker lead(spec, controlFd);
    return lead.run();
}

} // namespace ipcpg
