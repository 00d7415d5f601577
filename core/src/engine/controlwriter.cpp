#include "engine/controlwriter.h"

#include <cerrno>
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include "sys/clock.h"

namespace ipcpg {

ControlWriter::ControlWriter(int fd)
    : m_fd(fd)
{
    const int flags = fcntl(fd, F_GETFL);
    if (flags >= 0)
        fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

bool ControlWriter::flush(std::uint64_t deadlineNs)
{
    std::size_t done = 0;
    while (done < m_pending.size()) {
        const ssize_t n = ::write(m_fd, m_pending.data() + done, m_pending.size() - done);
        if (n > 0) {
            done += static_cast<std::size_t>(n);
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EAGAIN) {
            const std::uint64_t now = monotonicNs();
            if (now >= deadlineNs)
                break;
            pollfd pfd { m_fd, POLLOUT, 0 };
            poll(&pfd, 1, static_cast<int>((deadlineNs - now) / 1'000'000ULL) + 1);
            continue;
        }
        m_gone = true; // EPIPE: the front end closed its end
        break;
    }
    m_pending.erase(0, done);
    return m_pending.empty() && !m_gone;
}

bool ControlWriter::write(const ControlMessage& message, std::chrono::milliseconds timeout)
{
    if (m_gone)
        return false;
    const bool sample = timeout.count() == 0;
    const std::uint64_t deadline = monotonicNs() + static_cast<std::uint64_t>(timeout.count()) * 1'000'000ULL;
    if (!flush(deadline)) {
        // The rest of an earlier line is still waiting for room.
        if (sample && !m_gone)
            ++m_dropped;
        else
            m_gone = true; // no room for a final message within its time: nobody reads
        return false;
    }
    std::string line = encodeControlMessage(message);
    line += '\n';
    const std::size_t size = line.size();
    m_pending = std::move(line);
    if (flush(deadline))
        return true;
    if (m_gone)
        return false;
    if (!sample) {
        m_gone = true;
        return false;
    }
    if (m_pending.size() == size) {
        m_pending.clear(); // none of it went out: drop it whole
        ++m_dropped;
        return false;
    }
    return true; // begun: the rest goes out first next time
}

} // namespace ipcpg
