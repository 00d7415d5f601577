#include "engine/sideloop.h"

#include <optional>
#include <sched.h>
#include <span>
#include <string>

#include "engine/sharedstats.h"
#include "ipcpg/error.h"
#include "ipcpg/frame.h"
#include "sys/clock.h"

namespace ipcpg {

namespace {

constexpr std::uint64_t kCpuCheckMask = 255; // look up the current CPU every 256 messages

void noteCpu(SideCounters& counters)
{
    const int cpu = sched_getcpu();
    if (cpu < 0)
        return;
    counters.lastCpu.store(cpu, std::memory_order_relaxed);
    const std::uint64_t bit = std::uint64_t { 1 } << (cpu < 63 ? cpu : 63);
    const std::uint64_t mask = counters.cpuMask.load(std::memory_order_relaxed);
    if ((mask & bit) == 0)
        counters.cpuMask.store(mask | bit, std::memory_order_relaxed);
}

void recordVerdict(SideCounters& counters, FrameVerifier::Verdict verdict, const FrameVerifier& verifier)
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
inline void countMeasured(SideCounters& counters, std::uint64_t latencyNs, std::uint64_t nowNs)
{
    counters.latency.record(latencyNs);
    bump(counters.measured);
    counters.lastMeasuredNs.store(nowNs, std::memory_order_relaxed);
}

// A round trip that ended at `nowNs`, timed from `startNs`: warm-up or measured. Returns whether
// it was measured.
inline bool countRoundTrip(SideCounters& counters, bool warmup, std::uint64_t startNs, std::uint64_t nowNs)
{
    if (warmup) {
        bump(counters.warmup);
        return false;
    }
    countMeasured(counters, nowNs - startNs, nowNs);
    return true;
}

// Where the side runs, looked up every 256th message (`index`): cheap enough, and a side that
// migrates is seen.
inline void noteCpuNowAndThen(SideCounters& counters, std::uint64_t index)
{
    if ((index & kCpuCheckMask) == 0)
        noteCpu(counters);
}

// What decides when A stops sending.
class RunClock {
public:
    RunClock(const RunSpec& spec, ControlBlock& control, int pair)
        : m_control(control)
        , m_pair(pair)
        , m_count(spec.messages)
    {
        const std::uint64_t start = control.startNs.load(std::memory_order_relaxed);
        m_warmupEnd = start + static_cast<std::uint64_t>(spec.warmupS * 1e9);
        m_deadline = m_warmupEnd + static_cast<std::uint64_t>(spec.durationS * 1e9);
    }

    bool warmingUp(std::uint64_t now)
    {
        if (now < m_warmupEnd)
            return true;
        if (!m_windowStarted) {
            m_windowStarted = true;
            m_control.windowStartNs[m_pair].store(now, std::memory_order_relaxed);
        }
        return false;
    }

    bool finished(std::uint64_t now, std::uint64_t measured) const
    {
        if (m_control.stop.load(std::memory_order_relaxed) != 0)
            return true;
        if (m_count != 0)
            return measured >= m_count;
        return now >= m_deadline;
    }

private:
    ControlBlock& m_control;
    int m_pair;
    std::uint64_t m_count;
    std::uint64_t m_warmupEnd = 0;
    std::uint64_t m_deadline = 0;
    bool m_windowStarted = false;
};

class FrameWriter {
public:
    explicit FrameWriter(std::size_t payloadSize)
        : m_pattern(payloadSize, 0x5EEDULL + payloadSize)
    {
    }

    // Builds frame `sequence` in the transport's next slot and hands it over.
    void send(FrameTransport& transport, std::uint64_t sequence, std::uint16_t flags, std::uint64_t sendNs)
    {
        const SendSlot slot = transport.beginSend();
        const auto payload = slot.frame.subspan(kFrameHeaderSize);
        const std::uint64_t checksum
            = slot.holdsPreviousFrame ? m_pattern.restamp(payload, sequence) : m_pattern.build(payload, sequence);
        const FrameHeader header { kFrameMagic, flags, static_cast<std::uint32_t>(m_pattern.size()), sequence, sendNs,
            checksum };
        writeHeader(slot.frame, header);
        transport.commitSend();
    }

private:
    PayloadPattern m_pattern;
};

[[noreturn]] void peerClosed(const SideContext& context)
{
    (void)context;
    throw Error("the peer closed its end in the middle of the run");
}

bool pairDone(const SideContext& context)
{
    return context.control->pairDone[context.pair].load(std::memory_order_acquire) != 0
        || context.control->stop.load(std::memory_order_relaxed) != 0;
}

void markPairDone(const SideContext& context)
{
    context.control->pairDone[context.pair].store(1, std::memory_order_release);
}

// ---- the two families, each behind the same four operations ------------------------------
//
// A channel is what one role needs of its transport family: hand a message over, wait for the
// answer to one, take the next one that arrives, and check it. The role loops below hold all the
// bookkeeping (clock, warm-up, counts, histogram, CPU) once; a channel holds only what its family
// does differently. A new arrangement of sides (one publisher, many subscribers) reuses the same
// roles over more channels.

// What a responder or receiver took from its channel.
struct Arrival {
    std::uint64_t count = 1; // messages this arrival stands for (a counting primitive may merge several)
    bool counted = true; // false: too malformed to be placed in warm-up or the measured window
    bool warmup = false;
    std::optional<std::uint64_t> latencyNs; // one-way latency, where the message carries its send time
    bool last = false; // the run is over for this side after this arrival
};

enum class Reply { Answered, Lost, Stopped };

// Frames: a header with sequence, flags and send time, a payload checked word by word.
class FrameChannel {
public:
    // The receiver tells warm-up frames by their flag, so the sender need not count them.
    static constexpr bool kSenderCountsWarmup = false;

    explicit FrameChannel(const SideContext& context)
        : m_context(context)
        , m_transport(*context.transport->frames())
        , m_counters(*context.counters)
        , m_writer(context.spec->messageSize)
        , m_verifier(context.spec->messageSize)
    {
    }

    void send(std::uint64_t sequence, bool warmup, std::uint64_t nowNs)
    {
        m_writer.send(m_transport, sequence, warmup ? FrameWarmup : 0, nowNs);
    }
    void sendEnd(std::uint64_t nowNs) { m_writer.send(m_transport, ~std::uint64_t { 0 }, FrameEnd, nowNs); }

    // The initiator's wait for the reply to request `sequence`, verified.
    Reply awaitReply(std::uint64_t sequence)
    {
        for (Received reply = m_transport.receive();; reply = m_transport.receive()) {
            if (reply.status == Received::Status::TimedOut) {
                if (m_context.control->stop.load(std::memory_order_relaxed) != 0)
                    return Reply::Stopped;
                if (m_context.lossy) {
                    // Keep the verifier in step: the next reply it expects is the next request's.
                    m_verifier.countMissing(sequence);
                    recordVerdict(m_counters, FrameVerifier::Verdict::Gap, m_verifier);
                    return Reply::Lost;
                }
            } else if (reply.status == Received::Status::Closed) {
                peerClosed(m_context);
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

    // The next data frame for a responder or receiver, or nullopt when the run is over for this
    // side: the peer sent its end frame, or it is done and the mechanism closed or went quiet. The
    // frame stays valid until check().
    std::optional<Received> next()
    {
        for (;;) {
            const Received received = m_transport.receive();
            if (received.status == Received::Status::TimedOut) {
                if (pairDone(m_context))
                    return std::nullopt;
                continue;
            }
            if (received.status == Received::Status::Closed) {
                if (pairDone(m_context))
                    return std::nullopt;
                peerClosed(m_context);
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
        m_writer.send(m_transport, echoed.sequence, echoed.flags, echoed.sendTimeNs);
    }

    // Verifies a received frame and hands its buffer back.
    FrameVerifier::Verdict verify(const Received& received, FrameHeader& header)
    {
        const auto verdict = m_verifier.check(received.frame, header, received.payloadChecksum);
        m_transport.releaseReceive();
        recordVerdict(m_counters, verdict, m_verifier);
        return verdict;
    }
    void check(const Received& request, std::uint64_t /*served*/)
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
    FrameTransport& m_transport;
    SideCounters& m_counters;
    FrameWriter m_writer;
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

    explicit NotifyChannel(const SideContext& context)
        : m_context(context)
        , m_transport(*context.transport->notifications())
        , m_counters(*context.counters)
        , m_sender(context.control->sides[2 * static_cast<std::size_t>(context.pair)])
        , m_warmupEndNs(context.control->startNs.load(std::memory_order_relaxed)
              + static_cast<std::uint64_t>(context.spec->warmupS * 1e9))
    {
    }

    void send(std::uint64_t sequence, bool /*warmup*/, std::uint64_t /*nowNs*/)
    {
        m_transport.notify(tokenFor(sequence));
    }
    void sendEnd(std::uint64_t /*nowNs*/) { m_transport.notify(0); }

    Reply awaitReply(std::uint64_t sequence)
    {
        Notification reply = m_transport.awaitNotification();
        while (reply.status == Received::Status::TimedOut) {
            if (m_context.control->stop.load(std::memory_order_relaxed) != 0)
                return Reply::Stopped;
            reply = m_transport.awaitNotification();
        }
        if (reply.status == Received::Status::Closed)
            peerClosed(m_context);
        countToken(reply, tokenFor(sequence));
        return Reply::Answered;
    }

    std::optional<Notification> next()
    {
        for (;;) {
            const Notification note = m_transport.awaitNotification();
            // In ping-pong A only raises pairDone after its last reply arrived, so seeing it here
            // means the wake-up was the final one. A stop request alone is not: A may be blocked
            // waiting for this reply (a primitive without a poll interval never times out), and
            // it sends its end marker as soon as the reply lets it see the stop.
            if (m_context.spec->mode == Mode::PingPong
                && m_context.control->pairDone[m_context.pair].load(std::memory_order_acquire) != 0)
                return std::nullopt;
            if (note.status == Received::Status::TimedOut) {
                if (pairDone(m_context))
                    return std::nullopt;
                continue;
            }
            if (note.status == Received::Status::Closed) {
                if (pairDone(m_context))
                    return std::nullopt;
                peerClosed(m_context);
            }
            if (m_context.spec->mode == Mode::Stream && note.token && *note.token == 0)
                return std::nullopt; // the end marker of a primitive that carries tokens
            return note;
        }
    }

    void answer(const Notification& request) { m_transport.notify(request.token.value_or(m_nextToken)); }
    void check(const Notification& request, std::uint64_t served)
    {
        countToken(request, tokenFor(served));
        m_nextToken = tokenFor(served + 1);
    }

    Arrival arrive(const Notification& note, std::uint64_t nowNs)
    {
        Arrival arrival;
        arrival.count = note.count;
        if (pairDone(m_context)) {
            // The sender's count is final once pairDone is visible (release/acquire). Whatever
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
    NotificationTransport& m_transport;
    SideCounters& m_counters;
    const SideCounters& m_sender;
    std::uint64_t m_warmupEndNs;
    std::uint64_t m_received = 0;
    std::uint64_t m_nextToken = tokenFor(0);
};

// ---- the four roles ----------------------------------------------------------------------

// Sends a request, waits for its reply, times the round trip.
template <class Channel> void initiator(const SideContext& context)
{
    Channel channel(context);
    SideCounters& counters = *context.counters;
    RunClock clock(*context.spec, *context.control, context.pair);

    std::uint64_t previous = monotonicNs();
    // Round trips that count towards RunSpec::messages: the measured ones and, for a lossy
    // mechanism, those given up on, so that measured + lost adds up to the count asked for.
    std::uint64_t settled = 0;
    for (std::uint64_t sequence = 0;; ++sequence) {
        if (clock.finished(previous, settled))
            break;
        const bool warmup = clock.warmingUp(previous);
        channel.send(sequence, warmup, previous);
        bump(counters.sent);
        const Reply reply = channel.awaitReply(sequence);
        if (reply == Reply::Stopped)
            return;
        if (reply == Reply::Lost) {
            if (!warmup)
                ++settled;
            previous = monotonicNs();
            continue;
        }
        bump(counters.received);
        const std::uint64_t now = monotonicNs();
        if (countRoundTrip(counters, warmup, previous, now))
            ++settled;
        previous = now;
        noteCpuNowAndThen(counters, sequence);
    }
    markPairDone(context);
    channel.sendEnd(previous);
}

// Answers every request, then checks it: a server that does not keep its client waiting. The
// request is checked all the same (a channel keeps what it received intact until check(),
// whatever is sent meanwhile), but across cores the check runs while the reply travels.
template <class Channel> void responder(const SideContext& context)
{
    Channel channel(context);
    SideCounters& counters = *context.counters;
    for (std::uint64_t served = 0;; ++served) {
        const auto request = channel.next();
        if (!request)
            return;
        channel.answer(*request);
        bump(counters.sent);
        channel.check(*request, served);
        bump(counters.received);
        noteCpuNowAndThen(counters, served);
    }
}

// Sends as fast as the channel takes messages until the run clock says stop.
template <class Channel> void sender(const SideContext& context)
{
    Channel channel(context);
    SideCounters& counters = *context.counters;
    RunClock clock(*context.spec, *context.control, context.pair);

    std::uint64_t measuredSent = 0;
    std::uint64_t now = monotonicNs();
    for (std::uint64_t sequence = 0;; ++sequence) {
        // In stream mode the count applies to messages sent; the receiver counts what arrived.
        if (clock.finished(now, measuredSent))
            break;
        const bool warmup = clock.warmingUp(now);
        channel.send(sequence, warmup, now);
        bump(counters.sent);
        if (!warmup)
            ++measuredSent;
        else if constexpr (Channel::kSenderCountsWarmup)
            bump(counters.warmup);
        noteCpuNowAndThen(counters, sequence);
        now = monotonicNs();
    }
    markPairDone(context);
    channel.sendEnd(now);
}

// Takes every message, checks it and, outside the warm-up, counts it into the measured window.
template <class Channel> void receiver(const SideContext& context)
{
    Channel channel(context);
    SideCounters& counters = *context.counters;
    for (std::uint64_t arrivals = 0;; ++arrivals) {
        const auto message = channel.next();
        if (!message)
            return;
        const std::uint64_t now = monotonicNs();
        const Arrival arrival = channel.arrive(*message, now);
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
        noteCpuNowAndThen(counters, arrivals);
        if (arrival.last)
            return;
    }
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
    noteCpu(*context.counters);
    if (context.transport->frames() != nullptr)
        runRole<FrameChannel>(context);
    else
        runRole<NotifyChannel>(context);
    noteCpu(*context.counters);
}

} // namespace ipcpg
