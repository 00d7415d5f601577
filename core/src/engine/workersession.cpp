#include "ipcpg/workersession.h"

#include <sys/wait.h>

#include "ipcpg/runresources.h"
#include "ipcpg/workerprocess.h"

namespace ipcpg {

namespace {

std::string secondsText(std::chrono::milliseconds duration)
{
    const long long tenths = (duration.count() + 50) / 100;
    return std::to_string(tenths / 10) + "." + std::to_string(tenths % 10) + " s";
}

} // namespace

WorkerSession::WorkerSession(Handlers handlers, SilenceLimits limits)
    : m_handlers(std::move(handlers))
    , m_limits(limits)
{
}

void WorkerSession::started(pid_t pid, std::uint64_t nowMs)
{
    m_pid = pid;
    m_lastHeardMs = nowMs;
}

void WorkerSession::output(std::string_view bytes, std::uint64_t nowMs)
{
    if (m_mustKill)
        return; // what a worker being killed still says is not read
    m_lines.append(bytes);
    while (auto line = m_lines.nextLine()) {
        if (line->empty())
            continue;
        m_lastHeardMs = nowMs;
        try {
            const ControlMessage message = parseControlLine(*line);
            m_order.check(message);
            if (const auto* hello = std::get_if<HelloMessage>(&message)) {
                if (m_handlers.onHello)
                    m_handlers.onHello(*hello);
            } else if (const auto* sample = std::get_if<SampleMessage>(&message)) {
                m_sampled = true;
                if (m_handlers.onSample)
                    m_handlers.onSample(*sample);
            } else if (const auto* error = std::get_if<ErrorMessage>(&message)) {
                m_workerError = error->message;
            } else if (m_handlers.onFinal) {
                m_handlers.onFinal(message);
            }
        } catch (const ProtocolError& error) {
            kill(std::string("ipcpg-worker sent something unreadable (") + error.what() + "); stopped it");
            return;
        }
        if (m_mustKill)
            return;
    }
    if (m_lines.overflowed())
        kill("ipcpg-worker sent something unreadable (a line longer than the protocol's limit); stopped it");
}

void WorkerSession::endOfOutput()
{
    if (!m_mustKill && !m_lines.takeRemainder().empty())
        kill("ipcpg-worker sent something unreadable (its output ended in the middle of a line); stopped it");
}

void WorkerSession::stopRequested(std::uint64_t nowMs)
{
    if (m_stopRequestedMs == 0)
        m_stopRequestedMs = nowMs == 0 ? 1 : nowMs;
}

void WorkerSession::tick(std::uint64_t nowMs)
{
    if (m_mustKill)
        return;
    if (m_stopRequestedMs != 0 && nowMs > m_stopRequestedMs + static_cast<std::uint64_t>(kStopGrace.count())) {
        kill("ipcpg-worker (pid " + std::to_string(m_pid) + ") did not stop within " + secondsText(kStopGrace)
            + " of the stop request; killed it");
        return;
    }
    const std::chrono::milliseconds limit = m_sampled ? m_limits.running : m_limits.setUp;
    if (nowMs > m_lastHeardMs + static_cast<std::uint64_t>(limit.count()))
        kill("ipcpg-worker (pid " + std::to_string(m_pid) + ") sent nothing for " + secondsText(limit)
            + (m_sampled ? ": it was stopped or hangs; killed it"
                         : " while setting up: it was stopped or hangs; killed it"));
}

void WorkerSession::kill(std::string reason)
{
    m_mustKill = true;
    m_failure = std::move(reason);
}

void WorkerSession::exited(int waitStatus)
{
    if (m_mustKill) {
        m_exitCode = 1;
        m_abnormal = true;
    } else if (!WIFEXITED(waitStatus)) {
        m_exitCode = 1;
        m_abnormal = true;
        m_failure = "ipcpg-worker (pid " + std::to_string(m_pid) + ") " + describeWaitStatus(waitStatus);
    } else if (const int code = WEXITSTATUS(waitStatus); code != 0) {
        m_exitCode = code == 2 ? 2 : 1;
        m_failure = m_workerError.empty() ? "ipcpg-worker exited with status " + std::to_string(code) : m_workerError;
    } else if (!m_handlers.haveResult || !m_handlers.haveResult()) {
        m_exitCode = 1;
        m_failure = "ipcpg-worker ended without reporting a result";
    }
    // A worker that was killed or crashed could not remove its objects: remove what it left.
    if (m_abnormal)
        RunResources::removeStaleObjects();
}

} // namespace ipcpg
