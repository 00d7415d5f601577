#include "engine/sideloop.h"

#include <ctime>
#include <optional>
#include <sched.h>
#include <span>
#include <string>

#include "engine/channelpoller.h"
#include "engine/sendschedule.h"
#include "engine/sharedstats.h"
#include "ipcpg/error.h"
#include "ipcpg/frame.h"
#include "sys/clock.h"

namespace ipcpg {

namespace {

constexpr std::uint64_t kCpuCheckMask = 255; // look up the current CPU every 256 messages
constexpr int kQuietPollMs = 100; // a receiver serving several channels looks at the run this often

void noteCpu(ProcessSlot& process)
{
    const int cpu = sched_getcpu();
    if (cpu < 0)
        return;
    process.lastCpu.store(cpu, std::memory_order_relaxed);
    const std::uint64_t bit = std::uint64_t { 1 } << (cpu < 63 ? cpu : 63);
    const std::uint64_t mask = process.cpuMask.load(std::memory_order_relaxed);
    if ((mask & bit) == 0)
        process.cpuMask.store(mask | bit, std::memory_order_relaxed);
}

void recordVerdict(EndCounters& counters, FrameVerifier::Verdict verdict, const FrameVerifier& verifier)
{
    if (verdict == FrameVerifier::Verdict::Ok)
        return;
    const IntegrityCounts& c = verifier.counts();
    counters.badSize.store(c.badSize, std::memory_order_relaxed);
    counters.badChecksum.store(c.badChecksum, std::memory_order_relaxed);
    counters.gaps.store(c.gaps, std::memory_order_relaxed);
    counters.missing.store(c.missing, std::memory_order_relaxed);
    counters.duplicates.store(c.duplicates, std::memory_order_relaxed);
    counters.reordered.store(c.reordered, std::memory_order_relaxed);
}

// The bookkeeping every role shares; each role loop keeps only what differs.

// One measured message: into the histogram, the count and the end of the measured window.
inline void countMeasured(EndCounters& counters, std::uint64_t latencyNs, std::uint64_t nowNs)
{
    counters.latency.record(latencyNs);
    bump(counters.measured);
    counters.lastMeasuredNs.store(nowNs, std::memory_order_relaxed);
}

// A round trip that ended at `nowNs`, timed from `startNs`: warm-up or measured.
inline void countRoundTrip(EndCounters& counters, bool warmup, std::uint64_t startNs, std::uint64_t nowNs)
{
    if (warmup)
        bump(counters.warmup);
    else
        countMeasured(counters, nowNs - startNs, nowNs);
}

// Where the side runs, looked up every 256th message (`index`): cheap enough, and a side that
// migrates is seen.
inline void noteCpuNowAndThen(ProcessSlot& process, std::uint64_t index)
{
    if ((index & kCpuCheckMask) == 0)
        noteCpu(process);
}

bool stopRequested(const SideContext& context) { return context.control->stop.load(std::memory_order_relaxed) != 0; }

// The A end of `link` has sent its last message (or the run is being stopped).
bool linkDone(const SideContext& context, int link)
{
    return context.control->linkDone[link].load(std::memory_order_acquire) != 0 || stopRequested(context);
}

void markLinksDone(const SideContext& context)
{
    for (const LinkEnd& end : context.links)
        context.control->linkDone[end.link].store(1, std::memory_order_release);
}

// A member that takes its time over each message, for tests (SideContext::handlingDelayNs).
void takeHandlingDelay(const SideContext& context)
{
    if (context.handlingDelayNs == 0)
        return;
    const timespec pause { static_cast<time_t>(context.handlingDelayNs / 1'000'000'000ULL),
        static_cast<long>(context.handlingDelayNs % 1'000'000'000ULL) };
    nanosleep(&pause, nullptr);
}

// What decides when A stops sending.
class RunClock {
public:
    explicit RunClock(const SideContext& context)
        : m_context(context)
        , m_count(context.spec->messages)
    {
        const std::uint64_t start = context.control->startNs.load(std::memory_order_relaxed);
        m_warmupEnd = start + static_cast<std::uint64_t>(context.spec->warmupS * 1e9);
        m_deadline = m_warmupEnd + static_cast<std::uint64_t>(context.spec->durationS * 1e9);
    }

    // Whether a message due at `due` belongs to the warm-up; the first that does not opens the
    // measured window of every link this side sends on.
    bool warmingUp(std::uint64_t due)
    {
        if (due < m_warmupEnd)
            return true;
        if (!m_windowStarted) {
            m_windowStarted = true;
            for (const LinkEnd& end : m_context.links)
                m_context.control->windowStartNs[end.link].store(due, std::memory_order_relaxed);
        }
        return false;
    }

    bool finished(std::uint64_t now, std::uint64_t measured) const
    {
        if (stopRequested(m_context))
            return true;
        if (m_count != 0)
            return measured >= m_count;
        return now >= m_deadline;
    }

private:
    const SideContext& m_context;
    std::uint64_t m_count;
    std::uint64_t m_warmupEnd = 0;
    std::uint64_t m_deadline = 0;
    bool m_windowStarted = false;
};

// Builds frame `sequence` in the transport's next slot and hands it over.
void sendFrame(FrameTransport& transport, const PayloadPattern& pattern, std::uint64_t sequence, std::uint16_t flags,
    std::uint64_t sendNs)
{
    const SendSlot slot = transport.beginSend();
    const auto payload = slot.frame.subspan(kFrameHeaderSize);
    const std::uint64_t checksum
        = slot.holdsPreviousFrame ? pattern.restamp(payload, sequence) : pattern.build(payload, sequence);
    const FrameHeader header { kFrameMagic, flags, static_cast<std::uint32_t>(pattern.size()), sequence, sendNs,
        checksum };
    writeHeader(slot.frame, header);
    transport.commitSend();
}

[[noreturn]] void peerClosed() { throw Error("the peer closed its end in the middle of the run"); }

// ---- the two families, each behind the same four operations ------------------------------
//
// A channel is one link as one role uses it: hand a message over, wait for the answer to one,
// take the next one that arrives, and check it. The role loops below hold all the bookkeeping
// (clock, schedule, warm-up, counts, histogram, CPU) once; a channel holds only what its family
// does differently. A hub (a fan-out's publisher, a fan-in's receiver) runs the same role over
// one channel per member.

// What a responder or receiver took from its channel.
struct Arrival {
    std::uint64_t count = 1; // messages this arrival stands for (a counting primitive may merge several)
    bool counted = true; // false: too malformed to be placed in warm-up or the measured window
    bool warmup = false;
    std::optional<std::uint64_t> latencyNs; // one-way latency, where the message carries its send time
    bool last = false; // the run is over for this link after this arrival
};

enum class Reply { Answered, Lost, Stopped };

// Frames: a header with sequence, flags and send time, a payload checked word by word.
class FrameChannel {
public:
    // The receiver tells warm-up frames by their flag, so the sender need not count them.
    static constexpr bool kSenderCountsWarmup = false;

    // What all the channels of one process share: the payload pattern, built once however many
    // members a hub serves.
    struct Shared {
        explicit Shared(const SideContext& context)
            : pattern(context.spec->messageSize, 0x5EEDULL + context.spec->messageSize)
        {
        }
        PayloadPattern pattern;
    };

    FrameChannel(const SideContext& context, const LinkEnd& end, const Shared& shared)
        : m_context(context)
        , m_link(end.link)
        , m_transport(*end.transport->frames())
        , m_counters(context.control->end(end.link, context.side))
        , m_pattern(shared.pattern)
        , m_verifier(context.spec->messageSize)
    {
    }

    EndCounters& counters() { return m_counters; }
    bool senderDone() const { return linkDone(m_context, m_link); }
    FrameTransport* pollable() { return &m_transport; }
    bool sendsForAllMembers() const { return m_transport.sendsForAllMembers(); }

    void send(std::uint64_t sequence, bool warmup, std::uint64_t stampNs)
    {
        sendFrame(m_transport, m_pattern, sequence, warmup ? FrameWarmup : 0, stampNs);
    }
    void sendEnd(std::uint64_t nowNs) { sendFrame(m_transport, m_pattern, ~std::uint64_t { 0 }, FrameEnd, nowNs); }

    // The initiator's wait for the reply to request `sequence`, verified.
    Reply awaitReply(std::uint64_t sequence)
    {
        for (Received reply = m_transport.receive();; reply = m_transport.receive()) {
            if (reply.status == Received::Status::TimedOut) {
                if (stopRequested(m_context))
                    return Reply::Stopped;
                if (m_context.lossy) {
                    // Keep the verifier in step: the next reply it expects is the next request's.
                    m_verifier.countMissing(sequence);
                    recordVerdict(m_counters, FrameVerifier::Verdict::Gap, m_verifier);
                    return Reply::Lost;
                }
            } else if (reply.status == Received::Status::Closed) {
                peerClosed();
            } else if (m_context.lossy && reply.frame.size() >= kFrameHeaderSize
                && readHeader(reply.frame).sequence < sequence) {
                // The late reply to a request already given up on: it was counted as lost.
                m_transport.releaseReceive();
            } else {
                FrameHeader header;
                verify(reply, header);
                return Reply::Answered;
            }
        }
    }

    // The next data frame for a responder or receiver, or nullopt when the link is over: the
    // peer sent its end frame, or it is done and the mechanism closed or went quiet. The frame
    // stays valid until check().
    std::optional<Received> next()
    {
        for (;;) {
            const Received received = m_transport.receive();
            if (received.status == Received::Status::TimedOut) {
                if (senderDone())
                    return std::nullopt;
                continue;
            }
            if (received.status == Received::Status::Closed) {
                if (senderDone())
                    return std::nullopt;
                peerClosed();
            }
            if (received.frame.size() >= kFrameHeaderSize) {
                const FrameHeader header = readHeader(received.frame);
                if (header.magic == kFrameMagic && (header.flags & FrameEnd) != 0) {
                    m_transport.releaseReceive();
                    return std::nullopt;
                }
            }
            return received;
        }
    }

    // The responder echoes a request's sequence, flags and send time.
    void answer(const Received& request)
    {
        const FrameHeader echoed
            = request.frame.size() >= kFrameHeaderSize ? readHeader(request.frame) : FrameHeader {};
        sendFrame(m_transport, m_pattern, echoed.sequence, echoed.flags, echoed.sendTimeNs);
    }

    // Verifies a received frame and hands its buffer back.
    FrameVerifier::Verdict verify(const Received& received, FrameHeader& header)
    {
        const auto verdict = m_verifier.check(received.frame, header, received.payloadChecksum);
        m_transport.releaseReceive();
        recordVerdict(m_counters, verdict, m_verifier);
        return verdict;
    }
    void check(const Received& request)
    {
        FrameHeader header {};
        verify(request, header);
    }

    Arrival arrive(const Received& message, std::uint64_t nowNs)
    {
        FrameHeader header {};
        const auto verdict = verify(message, header);
        Arrival arrival;
        arrival.counted = verdict != FrameVerifier::Verdict::BadSize;
        arrival.warmup = (header.flags & FrameWarmup) != 0;
        // A stamp from the future would mean a broken header: keep it out of the histogram.
        arrival.latencyNs = nowNs >= header.sendTimeNs ? nowNs - header.sendTimeNs : 0;
        return arrival;
    }

private:
    const SideContext& m_context;
    int m_link;
    FrameTransport& m_transport;
    EndCounters& m_counters;
    const PayloadPattern& m_pattern;
    FrameVerifier m_verifier;
};

// Tokens start at 1 so a primitive that reads 0 for "nothing" is never confused with message 0.
std::uint64_t tokenFor(std::uint64_t sequence) { return sequence + 1; }

// Notifications: a wake-up, with a token where the primitive carries one (its sequence check).
class NotifyChannel {
public:
    // Notifications carry no flags: the sender counts its warm-up, the receiver decides its own
    // by arrival time, and the lead compares totals to find the lost ones.
    static constexpr bool kSenderCountsWarmup = true;
    using Notification = NotificationTransport::Notification;
    struct Shared {
        explicit Shared(const SideContext& /*context*/) { }
    };

    NotifyChannel(const SideContext& context, const LinkEnd& end, const Shared& /*shared*/)
        : m_context(context)
        , m_link(end.link)
        , m_transport(*end.transport->notifications())
        , m_counters(context.control->end(end.link, context.side))
        , m_sender(context.control->end(end.link, Side::A))
        , m_warmupEndNs(context.control->startNs.load(std::memory_order_relaxed)
              + static_cast<std::uint64_t>(context.spec->warmupS * 1e9))
    {
    }

    EndCounters& counters() { return m_counters; }
    bool senderDone() const { return linkDone(m_context, m_link); }
    // A notification primitive is waited on alone: a receiver cannot serve several of them.
    static FrameTransport* pollable() { return nullptr; }
    static bool sendsForAllMembers() { return false; }

    void send(std::uint64_t sequence, bool /*warmup*/, std::uint64_t /*stampNs*/)
    {
        m_transport.notify(tokenFor(sequence));
    }
    void sendEnd(std::uint64_t /*nowNs*/) { m_transport.notify(0); }

    Reply awaitReply(std::uint64_t sequence)
    {
        Notification reply = m_transport.awaitNotification();
        while (reply.status == Received::Status::TimedOut) {
            if (stopRequested(m_context))
                return Reply::Stopped;
            reply = m_transport.awaitNotification();
        }
        if (reply.status == Received::Status::Closed)
            peerClosed();
        countToken(reply, tokenFor(sequence));
        return Reply::Answered;
    }

    std::optional<Notification> next()
    {
        for (;;) {
            const Notification note = m_transport.awaitNotification();
            // In ping-pong A only raises linkDone after its last reply arrived, so seeing it here
            // means the wake-up was the final one. A stop request alone is not: A may be blocked
            // waiting for this reply (a primitive without a poll interval never times out), and
            // it sends its end marker as soon as the reply lets it see the stop.
            if (m_context.spec->mode == Mode::PingPong
                && m_context.control->linkDone[m_link].load(std::memory_order_acquire) != 0)
                return std::nullopt;
            if (note.status == Received::Status::TimedOut) {
                if (senderDone())
                    return std::nullopt;
                continue;
            }
            if (note.status == Received::Status::Closed) {
                if (senderDone())
                    return std::nullopt;
                peerClosed();
            }
            if (m_context.spec->mode == Mode::Stream && note.token && *note.token == 0)
                return std::nullopt; // the end marker of a primitive that carries tokens
            return note;
        }
    }

    void answer(const Notification& request) { m_transport.notify(request.token.value_or(m_nextToken)); }
    void check(const Notification& request)
    {
        countToken(request, tokenFor(m_served));
        ++m_served;
        m_nextToken = tokenFor(m_served);
    }

    Arrival arrive(const Notification& note, std::uint64_t nowNs)
    {
        Arrival arrival;
        arrival.count = note.count;
        if (senderDone()) {
            // The sender's count is final once linkDone is visible (release/acquire). Whatever
            // this wake-up stands for beyond it is the end marker of a tokenless primitive.
            const std::uint64_t sent = m_sender.sent.load(std::memory_order_relaxed);
            const std::uint64_t remaining = sent > m_received ? sent - m_received : 0;
            if (arrival.count > remaining) {
                arrival.count = remaining;
                arrival.last = true;
            }
        }
        m_received += arrival.count;
        arrival.warmup = nowNs < m_warmupEndNs;
        return arrival;
    }

private:
    void countToken(const Notification& note, std::uint64_t expectedToken)
    {
        if (!note.token)
            return;
        // Tokens wrap at 32 bits: some primitives (a signal's value, a semaphore) carry no more.
        const std::uint64_t got = *note.token & 0xFFFFFFFFULL;
        const std::uint64_t want = expectedToken & 0xFFFFFFFFULL;
        if (got == want)
            return;
        if (got > want) {
            bump(m_counters.gaps);
            bump(m_counters.missing, got - want);
        } else if (got + 1 == want) {
            bump(m_counters.duplicates);
        } else {
            bump(m_counters.reordered);
        }
    }

    const SideContext& m_context;
    int m_link;
    NotificationTransport& m_transport;
    EndCounters& m_counters;
    const EndCounters& m_sender;
    std::uint64_t m_warmupEndNs;
    std::uint64_t m_received = 0;
    std::uint64_t m_served = 0;
    std::uint64_t m_nextToken = tokenFor(0);
};

// One channel per link of the side, all sharing `shared`.
template <class Channel>
std::vector<Channel> openChannels(const SideContext& context, const typename Channel::Shared& shared)
{
    std::vector<Channel> channels;
    channels.reserve(context.links.size());
    for (const LinkEnd& end : context.links)
        channels.emplace_back(context, end, shared);
    return channels;
}

// Hands every message that arrives on any of `channels` to `handle(channel, message)` until every
// channel has ended; `handle` returns false when its channel is over after that message. One
// channel is simply read; several are served as they become ready (ChannelPoller).
template <class Channel, class Handle>
void serveChannels(const SideContext& context, std::vector<Channel>& channels, const Handle& handle)
{
    if (channels.size() == 1) {
        for (;;) {
            const auto message = channels.front().next();
            if (!message || !handle(channels.front(), *message))
                return;
        }
    }
    std::vector<FrameTransport*> transports;
    transports.reserve(channels.size());
    for (Channel& channel : channels)
        transports.push_back(channel.pollable());
    ChannelPoller poller(transports, context.spec->mechanism);
    while (poller.openCount() > 0) {
        const auto ready = poller.nextReady(kQuietPollMs);
        if (!ready) {
            // Quiet for a while: a lossy mechanism may have dropped the end frame of a channel
            // whose sender is done, and a stopped run does not wait for end frames. A reliable
            // mechanism's end frame always comes, and waiting for it matters where "sent" only
            // means "queued": ZeroMQ's I/O threads may still carry a done sender's last messages.
            if (!context.lossy && !stopRequested(context))
                continue;
            for (std::size_t index = 0; index < channels.size(); ++index) {
                if (poller.isOpen(index) && channels[index].senderDone())
                    poller.close(index);
            }
            continue;
        }
        Channel& channel = channels[*ready];
        const auto message = channel.next();
        if (!message || !handle(channel, *message))
            poller.close(*ready);
    }
}

// ---- the four roles ----------------------------------------------------------------------

// The end marker on every link, or once for all where one send reaches them all.
template <class Channel> void sendEnds(std::vector<Channel>& channels, std::uint64_t nowNs)
{
    for (Channel& channel : channels) {
        channel.sendEnd(nowNs);
        if (channel.sendsForAllMembers())
            return;
    }
}

SendSchedule scheduleOf(const SideContext& context)
{
    return { context.rate, context.control->startNs.load(std::memory_order_relaxed), context.scheduleOffsetNs };
}

// Sends a request on every channel, waits for each reply, times each round trip from the
// request's due time.
template <class Channel> void initiator(const SideContext& context)
{
    const typename Channel::Shared shared(context);
    std::vector<Channel> channels = openChannels<Channel>(context, shared);
    ProcessSlot& process = *context.process;
    RunClock clock(context);
    const SendSchedule schedule = scheduleOf(context);
    const auto stop = [&] { return stopRequested(context); };
    // One ring written once for every subscriber: send on the first link only, count on all.
    const bool broadcast = channels.front().sendsForAllMembers();

    std::uint64_t previous = monotonicNs();
    // Rounds that count towards RunSpec::messages: the measured ones and, for a lossy mechanism,
    // those given up on, so that measured + lost adds up to the count asked for.
    std::uint64_t settled = 0;
    for (std::uint64_t sequence = 0;; ++sequence) {
        if (clock.finished(previous, settled))
            break;
        const std::uint64_t due = schedule.awaitTurn(sequence, previous, stop);
        const std::uint64_t start = schedule.openLoop() ? due : previous;
        const bool warmup = clock.warmingUp(start);
        if (schedule.openLoop())
            schedule.noteSent(channels.front().counters(), due, monotonicNs());
        for (Channel& channel : channels) {
            if (&channel == &channels.front() || !broadcast)
                channel.send(sequence, warmup, start);
            EndCounters& counters = channel.counters();
            bump(counters.sent);
            if (!warmup)
                bump(counters.measuredSent);
        }
        // Closed loop, the last reply's arrival starts the next round trip: one clock read each.
        std::optional<std::uint64_t> lastReplyNs;
        for (Channel& channel : channels) {
            const Reply reply = channel.awaitReply(sequence);
            if (reply == Reply::Stopped)
                return;
            if (reply == Reply::Lost)
                continue;
            EndCounters& counters = channel.counters();
            bump(counters.received);
            const std::uint64_t now = monotonicNs();
            countRoundTrip(counters, warmup, start, now);
            lastReplyNs = now;
        }
        if (!warmup) {
            ++settled;
            channels.front().counters().lastSentNs.store(start, std::memory_order_relaxed);
        }
        previous = lastReplyNs ? *lastReplyNs : monotonicNs();
        noteCpuNowAndThen(process, sequence);
    }
    markLinksDone(context);
    sendEnds(channels, previous);
}

// Answers every request, then checks it: a server that does not keep its client waiting. The
// request is checked all the same (a channel keeps what it received intact until check(),
// whatever is sent meanwhile), but across cores the check runs while the reply travels.
template <class Channel> void responder(const SideContext& context)
{
    const typename Channel::Shared shared(context);
    std::vector<Channel> channels = openChannels<Channel>(context, shared);
    ProcessSlot& process = *context.process;
    std::uint64_t served = 0;
    serveChannels(context, channels, [&](Channel& channel, const auto& request) {
        channel.answer(request);
        EndCounters& counters = channel.counters();
        bump(counters.sent);
        channel.check(request);
        bump(counters.received);
        noteCpuNowAndThen(process, served++);
        takeHandlingDelay(context);
        return true;
    });
}

// Sends each message on every channel, as fast as they take them or on the schedule, until the
// run clock says stop.
template <class Channel> void sender(const SideContext& context)
{
    const typename Channel::Shared shared(context);
    std::vector<Channel> channels = openChannels<Channel>(context, shared);
    ProcessSlot& process = *context.process;
    RunClock clock(context);
    const SendSchedule schedule = scheduleOf(context);
    const auto stop = [&] { return stopRequested(context); };
    // One ring written once for every subscriber: send on the first link only, count on all.
    const bool broadcast = channels.front().sendsForAllMembers();

    std::uint64_t measuredSent = 0;
    std::uint64_t now = monotonicNs();
    for (std::uint64_t sequence = 0;; ++sequence) {
        // In stream mode the count applies to messages sent; the receiver counts what arrived.
        if (clock.finished(now, measuredSent))
            break;
        const std::uint64_t due = schedule.awaitTurn(sequence, now, stop);
        if (schedule.openLoop()) {
            now = monotonicNs();
            if (clock.finished(now, measuredSent))
                break;
            schedule.noteSent(channels.front().counters(), due, now);
        }
        const bool warmup = clock.warmingUp(due);
        for (Channel& channel : channels) {
            if (&channel == &channels.front() || !broadcast)
                channel.send(sequence, warmup, due);
            EndCounters& counters = channel.counters();
            bump(counters.sent);
            if (!warmup)
                bump(counters.measuredSent);
            else if constexpr (Channel::kSenderCountsWarmup)
                bump(counters.warmup);
        }
        if (!warmup)
            ++measuredSent;
        noteCpuNowAndThen(process, sequence);
        now = monotonicNs();
        if (!warmup)
            channels.front().counters().lastSentNs.store(now, std::memory_order_relaxed);
    }
    markLinksDone(context);
    sendEnds(channels, now);
}

// Takes every message from every channel, checks it and, outside the warm-up, counts it into
// the measured window of its link.
template <class Channel> void receiver(const SideContext& context)
{
    const typename Channel::Shared shared(context);
    std::vector<Channel> channels = openChannels<Channel>(context, shared);
    ProcessSlot& process = *context.process;
    std::uint64_t arrivals = 0;
    serveChannels(context, channels, [&](Channel& channel, const auto& message) {
        const std::uint64_t now = monotonicNs();
        const Arrival arrival = channel.arrive(message, now);
        EndCounters& counters = channel.counters();
        bump(counters.received, arrival.count);
        if (arrival.counted) {
            if (arrival.warmup) {
                bump(counters.warmup, arrival.count);
            } else if (arrival.latencyNs) {
                countMeasured(counters, *arrival.latencyNs, now);
            } else {
                bump(counters.measured, arrival.count);
                counters.lastMeasuredNs.store(now, std::memory_order_relaxed);
            }
        }
        noteCpuNowAndThen(process, arrivals++);
        takeHandlingDelay(context);
        return !arrival.last;
    });
}

template <class Channel> void runRole(const SideContext& context)
{
    switch (roleOf(context.spec->mode, context.side)) {
    case Role::Initiator:
        return initiator<Channel>(context);
    case Role::Responder:
        return responder<Channel>(context);
    case Role::Sender:
        return sender<Channel>(context);
    case Role::Receiver:
        return receiver<Channel>(context);
    }
}

} // namespace

Role roleOf(Mode mode, Side side)
{
    if (mode == Mode::PingPong)
        return side == Side::A ? Role::Initiator : Role::Responder;
    return side == Side::A ? Role::Sender : Role::Receiver;
}

std::string roleName(Role role)
{
    switch (role) {
    case Role::Initiator:
        return "initiator";
    case Role::Responder:
        return "responder";
    case Role::Sender:
        return "sender";
    case Role::Receiver:
        return "receiver";
    }
    return "side";
}

void runSide(const SideContext& context)
{
    noteCpu(*context.process);
    if (context.rate > 0)
        useExactTimers();
    if (context.links.front().transport->frames() != nullptr)
        runRole<FrameChannel>(context);
    else
        runRole<NotifyChannel>(context);
    noteCpu(*context.process);
}

} // namespace ipcpg
