#include "run/controlwriter.h"

#include <cerrno>
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include "run/clock.h"

namespace ipcpg {

ControlWriter::ControlWriter(int fd)
    : m_fd(fd)
{
    const int flags = fcntl(fd, F_GETFL);
    if (flags >= 0)
        fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

bool ControlWriter::write(const ControlMessage& message, std::chrono::milliseconds timeout)
{
    if (m_gone)
        return false;
    std::string line = encodeControlMessage(message);
    line += '\n';
    const std::uint64_t deadline = monotonicNs() + static_cast<std::uint64_t>(timeout.count()) * 1'000'000ULL;
    std::size_t done = 0;
    while (done < line.size()) {
        const ssize_t n = ::write(m_fd, line.data() + done, line.size() - done);
        if (n > 0) {
            done += static_cast<std::size_t>(n);
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EAGAIN) {
            // A sample that did not start is simply dropped; one that started must be finished,
            // or the front end would see a torn line.
            const std::uint64_t now = monotonicNs();
            if (now >= deadline) {
                if (done == 0 && timeout.count() == 0) {
                    ++m_dropped;
                    return true;
                }
                if (done == 0 || now >= deadline + 1'000'000'000ULL) {
                    m_gone = true; // a front end that does not read for this long is not reading
                    return false;
                }
            }
            const std::uint64_t until = now >= deadline ? deadline + 1'000'000'000ULL : deadline;
            pollfd pfd { m_fd, POLLOUT, 0 };
            poll(&pfd, 1, static_cast<int>((until - now) / 1'000'000ULL) + 1);
            continue;
        }
        m_gone = true;
        return false;
    }
    return true;
}

} // namespace ipcpg
