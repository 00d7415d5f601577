#include "engine/sideloop.h"

#include <optional>
#include <sched.h>
#include <span>

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

// ---- frame transports -------------------------------------------------------------------

void frameInitiator(const SideContext& context)
{
    const RunSpec& spec = *context.spec;
    FrameTransport& transport = *context.transport->frames();
    SideCounters& counters = *context.counters;
    RunClock clock(spec, *context.control, context.pair);
    FrameWriter writer(spec.messageSize);
    FrameVerifier verifier(spec.messageSize);

    std::uint64_t previous = monotonicNs();
    // Round trips that count towards RunSpec::messages: the measured ones and, for a lossy
    // mechanism, those given up on, so that measured + lost adds up to the count asked for.
    std::uint64_t settled = 0;
    for (std::uint64_t sequence = 0;; ++sequence) {
        if (clock.finished(previous, settled))
            break;
        const bool warmup = clock.warmingUp(previous);
        writer.send(transport, sequence, warmup ? FrameWarmup : 0, previous);
        bump(counters.sent);

        Received reply = transport.receive();
        bool lost = false;
        for (;;) {
            if (reply.status == Received::Status::TimedOut) {
                if (context.control->stop.load(std::memory_order_relaxed) != 0)
                    return;
                if (context.lossy) {
                    lost = true;
                    break;
                }
            } else if (reply.status == Received::Status::Closed) {
                peerClosed(context);
            } else if (context.lossy && reply.frame.size() >= kFrameHeaderSize
                && readHeader(reply.frame).sequence < sequence) {
                // The late reply to a request already given up on: it was counted as lost.
                transport.releaseReceive();
            } else {
                break;
            }
            reply = transport.receive();
        }
        if (lost) {
            // Keep the verifier in step: the next reply it expects is the next request's.
            verifier.countMissing(sequence);
            recordVerdict(counters, FrameVerifier::Verdict::Gap, verifier);
            if (!warmup)
                ++settled;
            previous = monotonicNs();
            continue;
        }
        FrameHeader header;
        const auto verdict = verifier.check(reply.frame, header, reply.payloadChecksum);
        transport.releaseReceive();
        recordVerdict(counters, verdict, verifier);
        bump(counters.received);

        const std::uint64_t now = monotonicNs();
        if (countRoundTrip(counters, warmup, previous, now))
            ++settled;
        previous = now;
        noteCpuNowAndThen(counters, sequence);
    }
    markPairDone(context);
    writer.send(transport, ~std::uint64_t { 0 }, FrameEnd, previous);
}

// The next data frame for a responder or receiver, or nullopt when the run is over for this side:
// the peer sent its end frame, or it is done and the mechanism closed or went quiet. The frame
// stays valid until releaseReceive().
std::optional<Received> nextFrame(const SideContext& context)
{
    FrameTransport& transport = *context.transport->frames();
    for (;;) {
        const Received received = transport.receive();
        if (received.status == Received::Status::TimedOut) {
            if (pairDone(context))
                return std::nullopt;
            continue;
        }
        if (received.status == Received::Status::Closed) {
            if (pairDone(context))
                return std::nullopt;
            peerClosed(context);
        }
        if (received.frame.size() >= kFrameHeaderSize) {
            const FrameHeader header = readHeader(received.frame);
            if (header.magic == kFrameMagic && (header.flags & FrameEnd) != 0) {
                transport.releaseReceive();
                return std::nullopt;
            }
        }
        return received;
    }
}

void frameResponder(const SideContext& context)
{
    const RunSpec& spec = *context.spec;
    FrameTransport& transport = *context.transport->frames();
    SideCounters& counters = *context.counters;
    FrameWriter writer(spec.messageSize);
    FrameVerifier verifier(spec.messageSize);

    for (std::uint64_t served = 0;; ++served) {
        const auto request = nextFrame(context);
        if (!request)
            return;
        // Answer first, then verify, as a server that does not keep its client waiting would:
        // the request is checked all the same (every transport keeps a received frame intact
        // until releaseReceive(), whatever is sent meanwhile), but across cores the check runs
        // while the reply travels instead of before it leaves.
        const FrameHeader echoed
            = request->frame.size() >= kFrameHeaderSize ? readHeader(request->frame) : FrameHeader {};
        writer.send(transport, echoed.sequence, echoed.flags, echoed.sendTimeNs);
        bump(counters.sent);
        FrameHeader header {};
        const auto verdict = verifier.check(request->frame, header, request->payloadChecksum);
        transport.releaseReceive();
        recordVerdict(counters, verdict, verifier);
        bump(counters.received);
        noteCpuNowAndThen(counters, served);
    }
}

void frameSender(const SideContext& context)
{
    const RunSpec& spec = *context.spec;
    FrameTransport& transport = *context.transport->frames();
    SideCounters& counters = *context.counters;
    RunClock clock(spec, *context.control, context.pair);
    FrameWriter writer(spec.messageSize);

    std::uint64_t measuredSent = 0;
    std::uint64_t now = monotonicNs();
    for (std::uint64_t sequence = 0;; ++sequence) {
        // In stream mode the count applies to messages sent; the receiver counts what arrived.
        if (clock.finished(now, measuredSent))
            break;
        const bool warmup = clock.warmingUp(now);
        writer.send(transport, sequence, warmup ? FrameWarmup : 0, now);
        bump(counters.sent);
        if (!warmup)
            ++measuredSent;
        noteCpuNowAndThen(counters, sequence);
        now = monotonicNs();
    }
    markPairDone(context);
    writer.send(transport, ~std::uint64_t { 0 }, FrameEnd, now);
}

void frameReceiver(const SideContext& context)
{
    const RunSpec& spec = *context.spec;
    FrameTransport& transport = *context.transport->frames();
    SideCounters& counters = *context.counters;
    FrameVerifier verifier(spec.messageSize);

    for (std::uint64_t received = 0;; ++received) {
        const auto message = nextFrame(context);
        if (!message)
            return;
        const std::uint64_t now = monotonicNs();
        FrameHeader header {};
        const auto verdict = verifier.check(message->frame, header, message->payloadChecksum);
        transport.releaseReceive();
        recordVerdict(counters, verdict, verifier);
        bump(counters.received);
        if (verdict != FrameVerifier::Verdict::BadSize) {
            if ((header.flags & FrameWarmup) != 0) {
                bump(counters.warmup);
            } else {
                // A stamp from the future would mean a broken header: keep it out of the histogram.
                countMeasured(counters, now >= header.sendTimeNs ? now - header.sendTimeNs : 0, now);
            }
        }
        noteCpuNowAndThen(counters, received);
    }
}

// ---- notification transports ------------------------------------------------------------

// Tokens start at 1 so a primitive that reads 0 for "nothing" is never confused with message 0.
std::uint64_t tokenFor(std::uint64_t sequence) { return sequence + 1; }

void countToken(SideCounters& counters, const NotificationTransport::Notification& note, std::uint64_t expectedToken,
    bool tokensWrap32)
{
    if (!note.token)
        return;
    const std::uint64_t mask = tokensWrap32 ? 0xFFFFFFFFULL : ~std::uint64_t { 0 };
    const std::uint64_t got = *note.token & mask;
    const std::uint64_t want = expectedToken & mask;
    if (got == want)
        return;
    if (got > want) {
        bump(counters.gaps);
        bump(counters.missing, got - want);
    } else if (got + 1 == want) {
        bump(counters.duplicates);
    } else {
        bump(counters.reordered);
    }
}

void notifyInitiator(const SideContext& context)
{
    const RunSpec& spec = *context.spec;
    NotificationTransport& transport = *context.transport->notifications();
    SideCounters& counters = *context.counters;
    RunClock clock(spec, *context.control, context.pair);

    std::uint64_t previous = monotonicNs();
    std::uint64_t measured = 0;
    for (std::uint64_t sequence = 0;; ++sequence) {
        if (clock.finished(previous, measured))
            break;
        const bool warmup = clock.warmingUp(previous);
        transport.notify(tokenFor(sequence));
        bump(counters.sent);
        NotificationTransport::Notification reply = transport.awaitNotification();
        while (reply.status == Received::Status::TimedOut) {
            if (context.control->stop.load(std::memory_order_relaxed) != 0)
                return;
            reply = transport.awaitNotification();
        }
        if (reply.status == Received::Status::Closed)
            peerClosed(context);
        countToken(counters, reply, tokenFor(sequence), true);
        bump(counters.received);
        const std::uint64_t now = monotonicNs();
        if (countRoundTrip(counters, warmup, previous, now))
            ++measured;
        previous = now;
        noteCpuNowAndThen(counters, sequence);
    }
    markPairDone(context);
    transport.notify(0);
}

void notifyResponder(const SideContext& context)
{
    NotificationTransport& transport = *context.transport->notifications();
    SideCounters& counters = *context.counters;
    for (std::uint64_t served = 0;; ++served) {
        const NotificationTransport::Notification request = transport.awaitNotification();
        // A only raises pairDone after its last reply arrived, so seeing it here means the
        // wake-up was the final one. A stop request alone is not: A may be blocked waiting for
        // this reply (a primitive without a poll interval never times out), and it sends its
        // end marker as soon as the reply lets it see the stop.
        if (context.control->pairDone[context.pair].load(std::memory_order_acquire) != 0)
            return;
        if (request.status == Received::Status::TimedOut) {
            if (pairDone(context))
                return;
            continue;
        }
        if (request.status == Received::Status::Closed)
            peerClosed(context);
        countToken(counters, request, tokenFor(served), true);
        bump(counters.received);
        transport.notify(request.token.value_or(tokenFor(served)));
        bump(counters.sent);
        noteCpuNowAndThen(counters, served);
    }
}

void notifySender(const SideContext& context)
{
    const RunSpec& spec = *context.spec;
    NotificationTransport& transport = *context.transport->notifications();
    SideCounters& counters = *context.counters;
    RunClock clock(spec, *context.control, context.pair);

    std::uint64_t measuredSent = 0;
    std::uint64_t now = monotonicNs();
    for (std::uint64_t sequence = 0;; ++sequence) {
        if (clock.finished(now, measuredSent))
            break;
        const bool warmup = clock.warmingUp(now);
        transport.notify(tokenFor(sequence));
        bump(counters.sent);
        if (warmup)
            bump(counters.warmup);
        else
            ++measuredSent;
        noteCpuNowAndThen(counters, sequence);
        now = monotonicNs();
    }
    markPairDone(context);
    transport.notify(0);
}

void notifyReceiver(const SideContext& context)
{
    NotificationTransport& transport = *context.transport->notifications();
    SideCounters& counters = *context.counters;
    const SideCounters& sender = context.control->sides[2 * context.pair];
    std::uint64_t received = 0;
    // Notifications carry no flags, so warm-up is decided by arrival time; the lead compares
    // the total with the sender's count to find the lost ones.
    const std::uint64_t warmupEnd = context.control->startNs.load(std::memory_order_relaxed)
        + static_cast<std::uint64_t>(context.spec->warmupS * 1e9);
    for (std::uint64_t wakeups = 0;; ++wakeups) {
        const NotificationTransport::Notification note = transport.awaitNotification();
        if (note.status == Received::Status::TimedOut) {
            if (pairDone(context))
                return;
            continue;
        }
        if (note.status == Received::Status::Closed) {
            if (pairDone(context))
                return;
            peerClosed(context);
        }
        if (note.token && *note.token == 0)
            return; // the end marker of a primitive that carries tokens
        std::uint64_t count = note.count;
        bool last = false;
        if (pairDone(context)) {
            // The sender's count is final once pairDone is visible (release/acquire). Whatever
            // this wake-up stands for beyond it is the end marker of a tokenless primitive.
            const std::uint64_t sent = sender.sent.load(std::memory_order_relaxed);
            const std::uint64_t remaining = sent > received ? sent - received : 0;
            if (count > remaining) {
                count = remaining;
                last = true;
            }
        }
        received += count;
        bump(counters.received, count);
        const std::uint64_t now = monotonicNs();
        if (now < warmupEnd) {
            bump(counters.warmup, count);
        } else {
            bump(counters.measured, count);
            counters.lastMeasuredNs.store(now, std::memory_order_relaxed);
        }
        noteCpuNowAndThen(counters, wakeups);
        if (last)
            return;
    }
}

} // namespace

void runSide(const SideContext& context)
{
    noteCpu(*context.counters);
    const bool pingPong = context.spec->mode == Mode::PingPong;
    const bool frames = context.transport->frames() != nullptr;
    if (context.side == Side::A) {
        if (frames)
            pingPong ? frameInitiator(context) : frameSender(context);
        else
            pingPong ? notifyInitiator(context) : notifySender(context);
    } else {
        if (frames)
            pingPong ? frameResponder(context) : frameReceiver(context);
        else
            pingPong ? notifyResponder(context) : notifyReceiver(context);
    }
    noteCpu(*context.counters);
}

} // namespace ipcpg
