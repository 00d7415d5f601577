#include "engine/channelpoller.h"

#include <cerrno>
#include <sched.h>

#include "ipcpg/error.h"
#include "ipcpg/transport.h"
#include "sys/clock.h"

namespace ipcpg {

ChannelPoller::ChannelPoller(const std::vector<FrameTransport*>& transports, const std::string& mechanism)
    : m_transports(transports)
    , m_ready(transports.size(), false)
    , m_open(transports.size())
{
    for (FrameTransport* transport : transports) {
        const int fd = transport->receiveReadyFd();
        m_wakeOnly.push_back(fd >= 0 && transport->readyFdOnlyWakes());
        if (fd < 0) {
            if (!transport->canPeek())
                throw Error(mechanism
                    + " has no descriptor to poll and cannot be looked at without waiting, so one receiver cannot "
                      "serve several of its channels");
            m_scanning = true;
        }
        // A placeholder descriptor for a transport that is peeked at: only its sign matters.
        m_fds.push_back({ fd >= 0 ? fd : 0, POLLIN, 0 });
    }
}

std::optional<std::size_t> ChannelPoller::scanUntil(int timeoutMs)
{
    const std::uint64_t until = monotonicNs() + static_cast<std::uint64_t>(timeoutMs) * 1'000'000ULL;
    for (unsigned pass = 1;; ++pass) {
        for (std::size_t step = 0; step < m_fds.size(); ++step) {
            const std::size_t index = (m_cursor + step) % m_fds.size();
            if (m_fds[index].fd >= 0 && m_transports[index]->peekReceive()) {
                m_cursor = index + 1;
                return index;
            }
        }
        // Nothing anywhere: let a publisher that shares this CPU run, and look at the time now and then.
        if (pass % 16 == 0) {
            sched_yield();
            if (monotonicNs() >= until)
                return std::nullopt;
        }
    }
}

void ChannelPoller::close(std::size_t index)
{
    if (m_fds[index].fd < 0)
        return;
    m_fds[index].fd = -1; // poll() ignores negative descriptors
    m_ready[index] = false;
    --m_open;
}

bool ChannelPoller::holdsFrame(std::size_t index)
{
    FrameTransport& transport = *m_transports[index];
    return m_wakeOnly[index] ? transport.peekReceive() : transport.holdsReceivedFrame();
}

std::optional<std::size_t> ChannelPoller::takeReady()
{
    for (std::size_t step = 0; step < m_fds.size(); ++step) {
        const std::size_t index = (m_cursor + step) % m_fds.size();
        if (m_fds[index].fd >= 0 && (m_ready[index] || holdsFrame(index))) {
            m_ready[index] = false;
            m_cursor = index + 1;
            return index;
        }
    }
    return std::nullopt;
}

std::optional<std::size_t> ChannelPoller::nextReady(int timeoutMs)
{
    if (const auto ready = takeReady())
        return ready;
    if (m_open == 0)
        return std::nullopt;
    if (m_scanning)
        return scanUntil(timeoutMs);
    const std::uint64_t until = monotonicNs() + static_cast<std::uint64_t>(timeoutMs) * 1'000'000ULL;
    for (int waitMs = timeoutMs;;) {
        const int count = poll(m_fds.data(), m_fds.size(), waitMs);
        if (count < 0) {
            if (errno == EINTR)
                return std::nullopt;
            throwSystemError("poll over the receiver's channels failed", errno);
        }
        for (std::size_t index = 0; index < m_fds.size(); ++index) {
            // Hang-up and errors count as ready: receive() reports them.
            if (m_fds[index].fd >= 0 && m_fds[index].revents != 0 && !m_wakeOnly[index])
                m_ready[index] = true;
        }
        if (const auto ready = takeReady())
            return ready;
        // Woken by a descriptor that only wakes, with nothing to receive yet: sleep on for the
        // rest of the time, so that "nothing within the timeout" keeps its meaning.
        const std::uint64_t now = monotonicNs();
        if (count == 0 || now >= until)
            return std::nullopt;
        waitMs = static_cast<int>((until - now + 999'999ULL) / 1'000'000ULL);
    }
}

} // namespace ipcpg
