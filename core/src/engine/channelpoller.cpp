#include "engine/channelpoller.h"

#include <cerrno>

#include "ipcpg/error.h"
#include "ipcpg/transport.h"

namespace ipcpg {

ChannelPoller::ChannelPoller(const std::vector<FrameTransport*>& transports, const std::string& mechanism)
    : m_transports(transports)
    , m_ready(transports.size(), false)
    , m_open(transports.size())
{
    for (FrameTransport* transport : transports) {
        const int fd = transport->receiveReadyFd();
        if (fd < 0)
            throw Error(mechanism + " has no descriptor to poll, so one receiver cannot serve several of its channels");
        m_fds.push_back({ fd, POLLIN, 0 });
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

std::optional<std::size_t> ChannelPoller::takeReady()
{
    for (std::size_t step = 0; step < m_fds.size(); ++step) {
        const std::size_t index = (m_cursor + step) % m_fds.size();
        if (m_fds[index].fd >= 0 && (m_ready[index] || m_transports[index]->holdsReceivedFrame())) {
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
    const int count = poll(m_fds.data(), m_fds.size(), timeoutMs);
    if (count < 0) {
        if (errno == EINTR)
            return std::nullopt;
        throwSystemError("poll over the receiver's channels failed", errno);
    }
    for (std::size_t index = 0; index < m_fds.size(); ++index) {
        // Hang-up and errors count as ready: receive() reports them.
        if (m_fds[index].fd >= 0 && m_fds[index].revents != 0)
            m_ready[index] = true;
    }
    return takeReady();
}

} // namespace ipcpg
