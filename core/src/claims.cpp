#include "ipcpg/claims.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <fcntl.h>
#include <unistd.h>

#include "ipcpg/error.h"
#include "ipcpg/mechanismregistry.h"
#include "ipcpg/placement.h"
#include "ipcpg/units.h"

namespace ipcpg {

std::string_view toString(ClaimVerdict::Outcome outcome)
{
    switch (outcome) {
    case ClaimVerdict::Outcome::Held:
        return "held";
    case ClaimVerdict::Outcome::Partly:
        return "partly held";
    case ClaimVerdict::Outcome::NotHeld:
        return "did not hold";
    case ClaimVerdict::Outcome::Inconclusive:
        break;
    }
    return "inconclusive";
}

namespace {

using Results = std::vector<std::optional<RunResult>>;
using Plan = std::vector<RunSpec>;

RunSpec spec(std::string mechanism, Mode mode, std::uint64_t size, double seconds, MechanismOptions options = {})
{
    RunSpec s;
    s.mechanism = std::move(mechanism);
    s.mode = mode;
    s.messageSize = size;
    s.durationS = seconds;
    s.options = std::move(options);
    // Two CPUs make the hand-off real (each side keeps its own cache); one CPU is all some
    // machines offer.
    s.placement = allowedCpus().size() >= 2 ? Placement::CrossCore : Placement::Unpinned;
    return s;
}

// Keeps the runs this build can do, so a claim still runs with the mechanisms at hand.
Plan feasible(Plan plan)
{
    Plan kept;
    for (RunSpec& s : plan) {
        try {
            RunSpec checked = s;
            MechanismRegistry::instance().validate(checked);
            kept.push_back(std::move(s));
        } catch (const UsageError&) {
        }
    }
    return kept;
}

std::string label(const RunSpec& s)
{
    std::string text = s.mechanism;
    for (const auto& [name, value] : s.options) {
        if (name == "sync" || name == "copy")
            text += " " + name + "=" + value;
    }
    return text;
}

bool isShm(const RunSpec& s) { return s.mechanism == "shm"; }

// The best (lowest or highest) result among those matching `pick`, with its index.
template <typename Pick, typename Value>
std::optional<std::size_t> best(const Plan& plan, const Results& results, Pick pick, Value value, bool highest)
{
    std::optional<std::size_t> found;
    for (std::size_t i = 0; i < plan.size(); ++i) {
        if (!results[i] || !pick(plan[i]) || !(value(*results[i]) > 0))
            continue;
        if (!found
            || (highest ? value(*results[i]) > value(*results[*found]) : value(*results[i]) < value(*results[*found])))
            found = i;
    }
    return found;
}

double p50(const RunResult& r) { return r.latencyNs.p50; }
double throughput(const RunResult& r) { return r.bytesPerS; }
double cpuPerMessage(const RunResult& r) { return r.cpuNsPerMessage(); }

ClaimVerdict judgeFastest(const Plan& plan, const Results& results)
{
    const auto small = [](const RunSpec& s) { return s.mode == Mode::PingPong; };
    const auto large = [](const RunSpec& s) { return s.mode == Mode::Stream; };
    const auto shmSmall = best(
        plan, results, [&](const RunSpec& s) { return small(s) && isShm(s); }, p50, false);
    const auto otherSmall = best(
        plan, results, [&](const RunSpec& s) { return small(s) && !isShm(s); }, p50, false);
    const auto shmLarge = best(
        plan, results, [&](const RunSpec& s) { return large(s) && isShm(s); }, throughput, true);
    const auto otherLarge = best(
        plan, results, [&](const RunSpec& s) { return large(s) && !isShm(s); }, throughput, true);
    if (!shmSmall || !otherSmall || !shmLarge || !otherLarge)
        return { ClaimVerdict::Outcome::Inconclusive, "Some runs failed or are not available in this build." };
    const bool fasterSmall = p50(*results[*shmSmall]) < p50(*results[*otherSmall]);
    const bool fasterLarge = throughput(*results[*shmLarge]) > throughput(*results[*otherLarge]);
    std::string summary = "64 B round trip: " + label(plan[*shmSmall]) + " p50 "
        + formatNanoseconds(p50(*results[*shmSmall])) + " vs " + formatNanoseconds(p50(*results[*otherSmall]))
        + " for the fastest message-passing mechanism (" + label(plan[*otherSmall])
        + "). 1 MiB stream: " + label(plan[*shmLarge]) + " " + formatBytesPerSecond(throughput(*results[*shmLarge]))
        + " vs " + formatBytesPerSecond(throughput(*results[*otherLarge])) + " (" + label(plan[*otherLarge]) + ").";
    // With a blocking notification the wake-up dominates a small round trip; say so when it shows.
    const auto shmBlocking = best(
        plan, results,
        [&](const RunSpec& s) { return small(s) && isShm(s) && s.option("sync") == std::string("semaphore"); }, p50,
        false);
    if (shmBlocking)
        summary += " With a semaphore instead of spinning, shm's 64 B round trip is "
            + formatNanoseconds(p50(*results[*shmBlocking])) + ": the wake-up, not the copy, is the cost there.";
    if (fasterSmall && fasterLarge)
        return { ClaimVerdict::Outcome::Held, summary };
    if (fasterSmall || fasterLarge)
        return { ClaimVerdict::Outcome::Partly, summary };
    return { ClaimVerdict::Outcome::NotHeld, summary };
}

ClaimVerdict judgeCopyingCosts(const Plan& plan, const Results& results)
{
    const auto shm = best(plan, results, isShm, cpuPerMessage, false);
    const auto other = best(
        plan, results, [](const RunSpec& s) { return !isShm(s); }, cpuPerMessage, false);
    const auto shmLatency = best(plan, results, isShm, p50, false);
    const auto otherLatency = best(
        plan, results, [](const RunSpec& s) { return !isShm(s); }, p50, false);
    if (!shm || !other || !shmLatency || !otherLatency)
        return { ClaimVerdict::Outcome::Inconclusive, "Some runs failed or are not available in this build." };
    const bool cheaper = cpuPerMessage(*results[*shm]) < cpuPerMessage(*results[*other]);
    const bool faster = p50(*results[*shmLatency]) < p50(*results[*otherLatency]);
    const std::string summary = "4 KiB ping-pong, both blocking: " + label(plan[*shm]) + " used "
        + formatNanoseconds(cpuPerMessage(*results[*shm])) + " of CPU per round trip against "
        + formatNanoseconds(cpuPerMessage(*results[*other])) + " for the cheapest message-passing mechanism ("
        + label(plan[*other]) + "); p50 " + formatNanoseconds(p50(*results[*shmLatency])) + " against "
        + formatNanoseconds(p50(*results[*otherLatency])) + " (" + label(plan[*otherLatency]) + ").";
    if (cheaper && faster)
        return { ClaimVerdict::Outcome::Held, summary };
    if (cheaper || faster)
        return { ClaimVerdict::Outcome::Partly, summary };
    return { ClaimVerdict::Outcome::NotHeld, summary };
}

ClaimVerdict judgeOneWay(const Plan& plan, const Results& results)
{
    // The kernel itself answers: a pipe's read end refuses to be written.
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0)
        return { ClaimVerdict::Outcome::Inconclusive, "Could not create a pipe to test." };
    const char byte = 'x';
    const ssize_t written = write(fds[0], &byte, 1);
    const int error = errno;
    close(fds[0]);
    close(fds[1]);
    const bool refused = written < 0 && error == EBADF;
    std::string summary = refused
        ? "Writing into a pipe's read end fails with EBADF: data only flows from the write end."
        : "Writing into a pipe's read end did not fail as expected.";
    for (std::size_t i = 0; i < plan.size(); ++i) {
        if (results[i]) {
            summary += " A ping-pong over pipes therefore needs a second pipe for the replies: "
                + std::to_string(results[i]->messages) + " round trips at p50 "
                + formatNanoseconds(results[i]->latencyNs.p50) + " over two pipes.";
        }
    }
    return { refused ? ClaimVerdict::Outcome::Held : ClaimVerdict::Outcome::NotHeld, summary };
}

ClaimVerdict judgeNeedsSync(const Plan& plan, const Results& results)
{
    std::optional<std::size_t> unsynchronised, synchronised;
    for (std::size_t i = 0; i < plan.size(); ++i) {
        if (!results[i])
            continue;
        (plan[i].option("sync") == std::string("none") ? unsynchronised : synchronised) = i;
    }
    if (!unsynchronised || !synchronised)
        return { ClaimVerdict::Outcome::Inconclusive, "Some runs failed or are not available in this build." };
    const RunResult& none = *results[*unsynchronised];
    const RunResult& sync = *results[*synchronised];
    const std::string summary = "Without synchronisation, " + std::to_string(none.syncErrors) + " of "
        + std::to_string(none.messages + none.syncErrors) + " messages arrived torn, overwritten or out of order; with "
        + label(plan[*synchronised]) + ", " + std::to_string(sync.syncErrors + sync.integrityErrors) + " errors in "
        + std::to_string(sync.messages) + " messages.";
    const bool held = none.syncErrors > 0 && sync.syncErrors == 0 && sync.integrityErrors == 0;
    return { held ? ClaimVerdict::Outcome::Held : ClaimVerdict::Outcome::NotHeld, summary };
}

ClaimVerdict judgeInterrupts(const Plan& plan, const Results& results)
{
    std::optional<std::size_t> blocking, spinning;
    for (std::size_t i = 0; i < plan.size(); ++i) {
        if (results[i])
            (plan[i].option("sync") == std::string("spin") ? spinning : blocking) = i;
    }
    if (!blocking || !spinning)
        return { ClaimVerdict::Outcome::Inconclusive, "Some runs failed or are not available in this build." };
    const RunResult& b = *results[*blocking];
    const RunResult& s = *results[*spinning];
    char figures[512];
    std::snprintf(figures, sizeof figures,
        "%s: %.2f context switches and %s of system time per round trip (every wake-up goes through the kernel, "
        "across CPUs by an inter-processor interrupt); shm with spinning: %.3f switches and %s of system time per "
        "round trip at p50 %s against %s.",
        label(plan[*blocking]).c_str(), b.switchesPerMessage(),
        formatNanoseconds(b.messages ? b.cpuSysS * 1e9 / static_cast<double>(b.messages) : 0).c_str(),
        s.switchesPerMessage(),
        formatNanoseconds(s.messages ? s.cpuSysS * 1e9 / static_cast<double>(s.messages) : 0).c_str(),
        formatNanoseconds(s.latencyNs.p50).c_str(), formatNanoseconds(b.latencyNs.p50).c_str());
    // Blocking IPC does lean on the kernel's wake-ups; shared memory with polling needs none.
    const bool blockingUsesKernel = b.switchesPerMessage() >= 0.5;
    const bool spinningAvoidsIt = s.switchesPerMessage() < 0.05;
    if (blockingUsesKernel && spinningAvoidsIt)
        return { ClaimVerdict::Outcome::Partly, figures };
    return { blockingUsesKernel ? ClaimVerdict::Outcome::Held : ClaimVerdict::Outcome::NotHeld, figures };
}

} // namespace

std::vector<Claim> articleClaims(double seconds)
{
    std::vector<Claim> claims;
    claims.push_back({ "shm-fastest",
        "Shared memory is the fastest way for processes to exchange data, and the one that suits large amounts of it.",
        "Round trips of 64 B and streams of 1 MiB messages through shared memory and through pipes, Unix sockets, "
        "TCP and message queues; the fastest of each kind is compared.",
        feasible({ spec("shm", Mode::PingPong, 64, seconds, { { "sync", "spin" } }),
            spec("shm", Mode::PingPong, 64, seconds, { { "sync", "semaphore" } }),
            spec("pipe", Mode::PingPong, 64, seconds), spec("unix-stream", Mode::PingPong, 64, seconds),
            spec("posix-mq", Mode::PingPong, 64, seconds), spec("tcp", Mode::PingPong, 64, seconds),
            spec("shm", Mode::Stream, 1 << 20, seconds, { { "copy", "zero-copy" } }),
            spec("pipe", Mode::Stream, 1 << 20, seconds), spec("unix-stream", Mode::Stream, 1 << 20, seconds),
            spec("tcp", Mode::Stream, 1 << 20, seconds) }),
        judgeFastest });
    claims.push_back({ "copy-overhead",
        "Message passing costs more than shared memory because every message is copied into and out of the kernel "
        "and queued there.",
        "4 KiB round trips where both sides block while waiting, so only the way the data travels differs: shared "
        "memory read in place against pipes, Unix sockets and message queues. Compares CPU time per round trip and "
        "latency.",
        feasible({ spec("shm", Mode::PingPong, 4096, seconds, { { "sync", "semaphore" }, { "copy", "zero-copy" } }),
            spec("pipe", Mode::PingPong, 4096, seconds), spec("unix-stream", Mode::PingPong, 4096, seconds),
            spec("posix-mq", Mode::PingPong, 4096, seconds), spec("sysv-mq", Mode::PingPong, 4096, seconds) }),
        judgeCopyingCosts });
    claims.push_back({ "pipe-one-way", "A pipe carries data in one direction only.",
        "Asks the kernel to write into a pipe's read end, then runs a ping-pong over pipes to show what a reply needs.",
        feasible({ spec("pipe", Mode::PingPong, 64, seconds) }), judgeOneWay });
    claims.push_back({ "shm-needs-sync", "Processes sharing memory must synchronise, or they see inconsistent data.",
        "Streams 4 KiB messages through a shared-memory ring with synchronisation switched off, then with a "
        "semaphore, and counts torn, overwritten and out-of-order messages.",
        feasible({ spec("shm", Mode::Stream, 4096, seconds, { { "sync", "none" } }),
            spec("shm", Mode::Stream, 4096, seconds, { { "sync", "semaphore" } }) }),
        judgeNeedsSync });
    claims.push_back({ "interrupts", "At the CPU level, interprocess communication works through interrupts.",
        "Counts context switches and system time per round trip for a blocking mechanism (a pipe) and for shared "
        "memory that polls instead of sleeping.",
        feasible({ spec("pipe", Mode::PingPong, 64, seconds),
            spec("shm", Mode::PingPong, 64, seconds, { { "sync", "spin" } }) }),
        judgeInterrupts });
    return claims;
}

} // namespace ipcpg
