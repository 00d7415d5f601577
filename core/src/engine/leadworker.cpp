#include "ipcpg/leadworker.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <csignal>
#include <cstdlib>
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
#include "ipcpg/units.h"
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
        for (auto& link : m_block->ends) {
            for (EndCounters& end : link)
                end.latency.min.store(~std::uint64_t { 0 }, std::memory_order_relaxed);
        }
        for (ProcessSlot& process : m_block->processes)
            process.lastCpu.store(-1, std::memory_order_relaxed);
    }
    ~SharedControl() { munmap(m_block, sizeof(ControlBlock)); }
    SharedControl(const SharedControl&) = delete;
    SharedControl& operator=(const SharedControl&) = delete;
    ControlBlock& operator*() const { return *m_block; }
    ControlBlock* operator->() const { return m_block; }

private:
    ControlBlock* m_block = nullptr;
};

std::vector<int> cpusOf(const ProcessSlot& process)
{
    std::vector<int> cpus;
    const std::uint64_t mask = process.cpuMask.load(std::memory_order_relaxed);
    for (int cpu = 0; cpu < 64; ++cpu) {
        if ((mask >> cpu) & 1U)
            cpus.push_back(cpu);
    }
    return cpus;
}

// For tests only: IPCPG_TEST_HANDLING_DELAY="member:microseconds" makes that member (a
// subscriber or publisher index; the receiving side of that pair) take so long over each message.
struct HandlingDelay {
    int member = -1;
    std::uint64_t ns = 0;
};

HandlingDelay handlingDelayFromEnvironment()
{
    const char* text = std::getenv("IPCPG_TEST_HANDLING_DELAY");
    HandlingDelay delay;
    if (text == nullptr)
        return delay;
    const std::string value(text);
    const auto colon = value.find(':');
    const auto member = parseCount(value.substr(0, colon));
    const auto us = colon == std::string::npos ? std::nullopt : parseCount(value.substr(colon + 1));
    if (!member || !us || *member >= RunSpec::kMaxMembers || *us > 1'000'000)
        throw UsageError("IPCPG_TEST_HANDLING_DELAY \"" + value
            + "\" is not member:microseconds (a member below 64, at most 1000000 us)");
    delay.member = static_cast<int>(*member);
    delay.ns = *us * 1000;
    return delay;
}

// One process of the run: what it is called, which end of which links it holds, its schedule.
struct ProcessPlan {
    std::string name; // for messages: "sender of pair 0", "publisher", "subscriber 3"
    std::string comm; // the process name ps shows
    Side side = Side::A;
    std::vector<int> links;
    int member = -1; // the subscriber or publisher it is; the pair, for a side of a pair
    double rate = 0;
    std::uint64_t scheduleOffsetNs = 0;
};

// The processes of a run, in the order they are forked (ControlBlock::processes, ChildSet):
// pair: A and B of pair 0, then of pair 1, ...; fan-out and fan-in: the hub, then member 0, 1, ...
// A fan-in's publishers share the offered rate, their schedules spread evenly over one period.
std::vector<ProcessPlan> planProcesses(const RunSpec& spec)
{
    std::vector<ProcessPlan> plan;
    const auto role = [&](Side side) { return roleName(roleOf(spec.mode, side)); };
    if (spec.topology == Topology::Pair) {
        for (unsigned pair = 0; pair < spec.workers; ++pair) {
            const int link = static_cast<int>(pair);
            const std::string number = std::to_string(pair);
            plan.push_back(
                { role(Side::A) + " of pair " + number, "ipcpg-A" + number, Side::A, { link }, link, spec.rate, 0 });
            plan.push_back({ role(Side::B) + " of pair " + number, "ipcpg-B" + number, Side::B, { link }, link, 0, 0 });
        }
        return plan;
    }
    const bool fanOut = spec.topology == Topology::FanOut;
    const unsigned members = spec.members();
    ProcessPlan hub { fanOut ? "publisher" : "receiver", fanOut ? "ipcpg-pub" : "ipcpg-recv",
        fanOut ? Side::A : Side::B, {}, -1, fanOut ? spec.rate : 0, 0 };
    for (unsigned member = 0; member < members; ++member)
        hub.links.push_back(static_cast<int>(member));
    plan.push_back(std::move(hub));
    for (unsigned member = 0; member < members; ++member) {
        const std::string number = std::to_string(member);
        ProcessPlan process { (fanOut ? "subscriber " : "publisher ") + number,
            (fanOut ? "ipcpg-sub" : "ipcpg-pub") + number, fanOut ? Side::B : Side::A, { static_cast<int>(member) },
            static_cast<int>(member), 0, 0 };
        if (!fanOut && spec.rate > 0) {
            process.rate = spec.rate / members;
            process.scheduleOffsetNs = static_cast<std::uint64_t>(1e9 / spec.rate * member);
        }
        plan.push_back(std::move(process));
    }
    return plan;
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
    void addMembers(RunResult& result) const;
    std::optional<RateReport> rateReport(double durationS) const;
    int linkCount() const { return static_cast<int>(m_links); }
    // In process `index`, after its side ended: waits until every process holding the other end
    // of one of its links has finished or failed (the lead ends the run should one never do).
    void awaitPeersFinished(std::size_t index) const;
    // The end of a link that takes its latency and counts its messages.
    const EndCounters& measuringEnd(int link) const
    {
        return (*m_control)->end(link, m_spec.mode == Mode::PingPong ? Side::A : Side::B);
    }
    struct Findings {
        IntegrityCounts integrity;
        std::uint64_t integrityErrors = 0, lost = 0, syncErrors = 0;
        void add(const Findings& other);
    };
    Findings findings() const;
    Findings findingsOf(int link) const;

    const Mechanism* m_mechanism = nullptr;
    ErrorAccounting m_accounting = ErrorAccounting::Integrity;
    std::vector<ProcessPlan> m_processes;
    std::vector<int> m_cpuPlan;
    HandlingDelay m_handlingDelay;
    unsigned m_links = 0;
    double m_clockReadNs = 0;
    std::unique_ptr<SharedControl> m_control;
    std::vector<std::unique_ptr<Transport>> m_transports; // one per link

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
    m_accounting = m_mechanism->accounting(m_spec);
    m_handlingDelay = handlingDelayFromEnvironment();
    m_processes = planProcesses(m_spec);
    m_links = m_spec.topology == Topology::Pair ? m_spec.workers : m_spec.members();
    m_cpuPlan = m_spec.topology == Topology::Pair ? planPlacement(m_spec.placement, m_spec.workers)
                                                  : planHubPlacement(m_spec.placement, m_spec.members());

    RunResources::removeStaleObjects();
    m_resources = std::make_unique<RunResources>();
    m_control = std::make_unique<SharedControl>();
    m_clockReadNs = measureClockReadNs();

    TransportConfig config;
    config.mode = m_spec.mode;
    config.payloadSize = m_spec.messageSize;
    config.frameBytes = frameBytesFor(m_spec.messageSize);
    config.options = m_spec.options;
    if (m_spec.topology == Topology::FanOut) {
        m_transports = m_mechanism->createFanOutTransports(config, m_links, *m_resources);
    } else if (m_spec.topology == Topology::FanIn) {
        m_transports = m_mechanism->createFanInTransports(config, m_links, *m_resources);
    } else {
        for (unsigned link = 0; link < m_links; ++link) {
            config.pair = static_cast<int>(link);
            m_transports.push_back(m_mechanism->createTransport(config, *m_resources));
        }
    }
    m_objects = m_resources->describe();
}

void LeadWorker::startWorkers()
{
    watchSignals();

    ControlBlock& control = **m_control;
    for (std::size_t index = 0; index < m_processes.size(); ++index) {
        const ProcessPlan& plan = m_processes[index];
        m_children.spawn(plan.name, [&, index]() -> int {
            ProcessSlot& process = control.processes[index];
            return workerLife({ process.phase, process.error }, control.go, plan.comm, m_cpuPlan[index],
                [&](const std::function<void()>& startNow) {
                    SideContext context;
                    context.spec = &m_spec;
                    context.control = &control;
                    context.process = &process;
                    context.side = plan.side;
                    context.lossy = m_accounting == ErrorAccounting::LossAllowed;
                    context.rate = plan.rate;
                    context.scheduleOffsetNs = plan.scheduleOffsetNs;
                    if (plan.member == m_handlingDelay.member
                        && plan.side == (m_spec.topology == Topology::FanIn ? Side::A : Side::B))
                        context.handlingDelayNs = m_handlingDelay.ns;
                    // Keep this process's links, drop the rest: a side whose peer dies must see
                    // the pipe or socket close.
                    for (std::size_t link = 0; link < m_transports.size(); ++link) {
                        if (std::find(plan.links.begin(), plan.links.end(), static_cast<int>(link)) == plan.links.end())
                            m_transports[link].reset();
                    }
                    for (int link : plan.links) {
                        m_transports[static_cast<std::size_t>(link)]->attach(plan.side);
                        context.links.push_back({ link, m_transports[static_cast<std::size_t>(link)].get() });
                    }
                    startNow();
                    runSide(context);
                    // A sender whose mechanism may still hold what it sent keeps it open until
                    // the other ends have it all; then every transport is let go before the
                    // process ends, not in _exit().
                    const bool holdsSent = std::any_of(context.links.begin(), context.links.end(),
                        [](const LinkEnd& end) { return end.transport->holdsSentMessages(); });
                    if (plan.side == Side::A && holdsSent)
                        awaitPeersFinished(index);
                    context.links.clear();
                    m_transports.clear();
                });
        });
    }
    // The lead keeps no handles, for the same reason.
    m_transports.clear();

    sendHello(m_clockReadNs);

    // Start everyone at once, so no side measures while another is still setting up.
    const std::uint64_t start = startTogether(control.go, &control.startNs);
    if (start == 0)
        return;
    m_plannedEndNs = start + static_cast<std::uint64_t>((m_spec.warmupS + m_spec.durationS) * 1e9);
    m_lastBuckets.assign(m_links, {});
}

void LeadWorker::awaitPeersFinished(std::size_t index) const
{
    const ProcessPlan& mine = m_processes[index];
    for (std::size_t other = 0; other < m_processes.size(); ++other) {
        const ProcessPlan& peer = m_processes[other];
        const bool linked = peer.side != mine.side && std::any_of(mine.links.begin(), mine.links.end(), [&](int link) {
            return std::find(peer.links.begin(), peer.links.end(), link) != peer.links.end();
        });
        if (!linked)
            continue;
        const std::atomic<std::uint32_t>& phase = (*m_control)->processes[other].phase;
        while (phase.load(std::memory_order_acquire) < static_cast<std::uint32_t>(SidePhase::Finished))
            usleep(1000);
    }
}

void LeadWorker::signalStop()
{
    if (m_control)
        (*m_control)->stop.store(1, std::memory_order_relaxed);
}

bool LeadWorker::allReady() const
{
    for (std::size_t i = 0; i < m_children.children().size(); ++i) {
        if ((*m_control)->processes[i].phase.load(std::memory_order_acquire)
            < static_cast<std::uint32_t>(SidePhase::Ready))
            return false;
    }
    return true;
}

void LeadWorker::handleEndedChildren()
{
    // A process the run depends on (a framework's daemon) that ended is the cause of whatever the
    // sides then report ("the run's bus closed"): it is named first.
    if (!m_failed) {
        if (const std::string ended = m_resources->endedProcess(); !ended.empty()) {
            fail(ended);
            return;
        }
    }
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
            if (const std::string ended = m_resources->endedProcess(); !ended.empty()) {
                fail(ended);
                return;
            }
            for (std::size_t index : m_children.reap()) {
                if (!ChildSet::endedNormally(m_children.child(index).status))
                    abnormal.push_back(index);
            }
        }
        const auto cause = std::find_if(abnormal.begin(), abnormal.end(), killed);
        const std::size_t index = cause != abnormal.end() ? *cause : abnormal.front();
        ProcessSlot& process = (*m_control)->processes[index];
        fail(describeEnd(index, { process.phase, process.error }));
    }
    // Once every sending process (the A ends) has finished, the others have a bounded time to
    // drain and end.
    if (m_sendersDoneNs == 0) {
        bool sendersDone = true;
        for (std::size_t index = 0; index < m_processes.size(); ++index) {
            if (m_processes[index].side == Side::A && !m_children.child(index).reaped)
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
    // An open-loop run at a low rate moves at least once per scheduled message.
    std::uint64_t progress = 0;
    for (int link = 0; link < linkCount(); ++link) {
        for (Side side : { Side::A, Side::B }) {
            const EndCounters& end = (*m_control)->end(link, side);
            progress += end.sent.load(std::memory_order_relaxed) + end.received.load(std::memory_order_relaxed);
        }
    }
    const std::uint64_t scheduleGapNs = m_spec.rate > 0 ? static_cast<std::uint64_t>(2e9 / m_spec.rate) : 0;
    if (madeNoProgressFor(kNoProgressLimitNs + scheduleGapNs, progress, now)) {
        fail("the run made no progress for 5 s: a worker is blocked (" + m_spec.mechanism + ")");
        return;
    }
    if (m_spec.messages == 0 && now > m_plannedEndNs + kOverrunLimitNs && !m_stopRequested)
        fail("the run did not finish within 5 s after its planned end");
}

void LeadWorker::Findings::add(const Findings& other)
{
    integrity.badSize += other.integrity.badSize;
    integrity.badChecksum += other.integrity.badChecksum;
    integrity.gaps += other.integrity.gaps;
    integrity.missing += other.integrity.missing;
    integrity.duplicates += other.integrity.duplicates;
    integrity.reordered += other.integrity.reordered;
    integrityErrors += other.integrityErrors;
    lost += other.lost;
    syncErrors += other.syncErrors;
}

LeadWorker::Findings LeadWorker::findings() const
{
    Findings found;
    for (int link = 0; link < linkCount(); ++link)
        found.add(findingsOf(link));
    return found;
}

LeadWorker::Findings LeadWorker::findingsOf(int link) const
{
    Findings found;
    const ControlBlock& control = **m_control;
    std::uint64_t lostBySequence = 0;
    for (Side side : { Side::A, Side::B }) {
        const IntegrityCounts counts = control.end(link, side).integrity();
        // In ping-pong a lost request leaves a gap at the responder and a timed-out round trip at
        // the initiator: one loss, counted where every round trip is counted, at the initiator.
        const bool countsLoss = m_spec.mode == Mode::Stream || side == Side::A;
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
            const std::uint64_t sent = control.end(link, Side::A).sent.load(std::memory_order_relaxed);
            const EndCounters& receiver = control.end(link, Side::B);
            const std::uint64_t received = receiver.received.load(std::memory_order_relaxed)
                - std::min(receiver.received.load(std::memory_order_relaxed),
                    receiver.duplicates.load(std::memory_order_relaxed));
            lostByCount = sent > received ? sent - received : 0;
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
    for (int link = 0; link < linkCount(); ++link) {
        const EndCounters& end = measuringEnd(link);
        measured += end.measured.load(std::memory_order_relaxed);
        auto& counts = seen[static_cast<std::size_t>(link)];
        std::vector<LatencyHistogram::Bucket> delta;
        for (int b = 0; b < HistogramLayout::kBucketCount; ++b) {
            const std::uint64_t count = end.latency.buckets[b].load(std::memory_order_relaxed);
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
    if (m_spec.topology != Topology::Pair) {
        for (int link = 0; link < linkCount(); ++link) {
            const EndCounters& end = measuringEnd(link);
            const Findings mine = findingsOf(link);
            sample.members.push_back({ link, end.measured.load(std::memory_order_relaxed), mine.lost,
                mine.integrityErrors, LatencySummary::of(end.latency.snapshot()) });
        }
    }
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

std::optional<RateReport> LeadWorker::rateReport(double durationS) const
{
    if (m_spec.rate <= 0)
        return std::nullopt;
    const ControlBlock& control = **m_control;
    RateReport report;
    report.offered = m_spec.rate;
    std::uint64_t sent = 0;
    std::uint64_t spanNs = 0;
    for (int link = 0; link < linkCount(); ++link) {
        const EndCounters& sender = control.end(link, Side::A);
        sent += sender.measuredSent.load(std::memory_order_relaxed);
        report.maxBehindNs = std::max(report.maxBehindNs, sender.maxBehindNs.load(std::memory_order_relaxed));
        report.endBehindNs = std::max(report.endBehindNs, sender.lastBehindNs.load(std::memory_order_relaxed));
        const std::uint64_t windowStart = control.windowStartNs[link].load(std::memory_order_relaxed);
        const std::uint64_t lastSent = sender.lastSentNs.load(std::memory_order_relaxed);
        if (windowStart != 0 && lastSent > windowStart)
            spanNs = std::max(spanNs, lastSent - windowStart);
    }
    // Per receiver: each pair's receiver, each subscriber, or the one receiver of a fan-in.
    const double receivers = m_spec.topology == Topology::FanIn ? 1.0 : static_cast<double>(m_links);
    const double seconds = spanNs > 0 ? static_cast<double>(spanNs) / 1e9 : durationS;
    if (seconds > 0)
        report.achieved = static_cast<double>(sent) / receivers / seconds;
    return report;
}

void LeadWorker::addMembers(RunResult& result) const
{
    if (m_spec.topology == Topology::Pair)
        return;
    const char* role = m_spec.topology == Topology::FanOut ? "subscriber" : "publisher";
    for (std::size_t index = 0; index < m_processes.size(); ++index) {
        const ProcessPlan& plan = m_processes[index];
        if (plan.member < 0)
            continue;
        const EndCounters& end = measuringEnd(plan.member);
        MemberReport member;
        member.role = role;
        member.index = plan.member;
        member.messages = end.measured.load(std::memory_order_relaxed);
        member.histogram = end.latency.snapshot();
        member.latencyNs = LatencySummary::of(member.histogram);
        const Findings found = findingsOf(plan.member);
        member.lost = found.lost;
        member.integrityErrors = found.integrityErrors;
        const ChildSet::Child& child = m_children.child(index);
        member.userS = child.cost.userS;
        member.sysS = child.cost.sysS;
        member.voluntarySwitches = child.cost.voluntarySwitches;
        member.involuntarySwitches = child.cost.involuntarySwitches;
        result.members.push_back(std::move(member));
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
    for (int link = 0; link < linkCount(); ++link) {
        const EndCounters& end = measuringEnd(link);
        result.messages += end.measured.load(std::memory_order_relaxed);
        result.histogram.merge(end.latency.snapshot());
        const std::uint64_t windowStart = control.windowStartNs[link].load(std::memory_order_relaxed);
        const std::uint64_t last = end.lastMeasuredNs.load(std::memory_order_relaxed);
        if (windowStart != 0 && last > windowStart)
            spanNs = std::max(spanNs, last - windowStart);
        for (Side side : { Side::A, Side::B })
            result.warmupMessages
                = std::max(result.warmupMessages, control.end(link, side).warmup.load(std::memory_order_relaxed));
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
        const ProcessSlot& process = control.processes[i];
        const ProcessPlan& plan = m_processes[i];
        SideReport side;
        side.name = plan.name;
        side.pair = m_spec.topology == Topology::Pair ? plan.member : 0;
        side.role = roleName(roleOf(m_spec.mode, plan.side));
        side.cpus = cpusOf(process);
        for (int link : plan.links) {
            side.messagesSent += control.end(link, plan.side).sent.load(std::memory_order_relaxed);
            side.messagesReceived += control.end(link, plan.side).received.load(std::memory_order_relaxed);
        }
        reportWorker(i, side, result);
        result.cpus.push_back(process.lastCpu.load(std::memory_order_relaxed));
        result.sides.push_back(std::move(side));
    }
    addMembers(result);
    result.rate = rateReport(result.durationS);
    if (const auto copies = m_mechanism->payloadCopies(m_spec))
        result.bytesCopiedPerMessage
            = *copies * static_cast<double>(m_spec.messageSize) * (m_spec.mode == Mode::PingPong ? 2.0 : 1.0);
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
