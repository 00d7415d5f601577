#include "sys/fdio.h"

#include <cerrno>
#include <string>
#include <sys/uio.h>
#include <unistd.h>

#include "ipcpg/error.h"

namespace ipcpg {

void writeAll(int fd, std::span<const std::byte> bytes, std::string_view what)
{
    std::size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
        if (n > 0) {
            done += static_cast<std::size_t>(n);
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EPIPE || errno == ECONNRESET))
            throw Error(std::string(what) + ": the peer closed its end");
        throwSystemError(std::string(what) + ": write failed", errno);
    }
}

std::size_t readIntoTwo(int fd, std::span<std::byte> first, std::span<std::byte> second, std::string_view what)
{
    iovec parts[2] = { { first.data(), first.size() }, { second.data(), second.size() } };
    for (;;) {
        const ssize_t n = ::readv(fd, parts, 2);
        if (n >= 0)
            return static_cast<std::size_t>(n);
        if (errno == EINTR)
            continue;
        if (errno == ECONNRESET)
            return 0;
        throwSystemError(std::string(what) + ": read failed", errno);
    }
}

std::size_t readExactly(int fd, std::span<std::byte> into, std::string_view what)
{
    std::size_t done = 0;
    while (done < into.size()) {
        const ssize_t n = ::read(fd, into.data() + done, into.size() - done);
        if (n > 0) {
            done += static_cast<std::size_t>(n);
            continue;
        }
        if (n == 0)
            return done;
        if (errno == EINTR)
            continue;
        if (errno == ECONNRESET)
            return done;
        throwSystemError(std::string(what) + ": read failed", errno);
    }
    return done;
}

} // namespace ipcpg
