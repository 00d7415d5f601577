#include "sys/socketutil.h"

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <netinet/in.h>
#include <string>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "ipcpg/error.h"
#include "ipcpg/runresources.h"

namespace ipcpg {

namespace {

// Room in the listen queue for our own connection even if a few strangers got there first.
constexpr int kBacklog = 16;

UniqueFd makeSocket(int domain, int type, std::string_view what)
{
    UniqueFd fd(::socket(domain, type | SOCK_CLOEXEC, 0));
    if (!fd.valid())
        throwSystemError(std::string(what) + ": cannot create a socket", errno);
    return fd;
}

void connectTo(int fd, const sockaddr* address, socklen_t length, const std::string& what)
{
    // A connect() interrupted by a signal goes on in the background; asking again then reports
    // EALREADY until it completes and EISCONN once it has.
    while (::connect(fd, address, length) != 0 && errno != EISCONN) {
        if (errno != EINTR && errno != EALREADY)
            throwSystemError(what + ": cannot connect", errno);
    }
}

// Whether `accepted` is the other end of `client`, our own connecting socket.
bool connectedTo(int accepted, int client, int family)
{
    if (family == AF_UNIX) {
        // An unbound AF_UNIX client has no address to compare; only this process connects as it.
        ucred peer {};
        socklen_t length = sizeof peer;
        return ::getsockopt(accepted, SOL_SOCKET, SO_PEERCRED, &peer, &length) == 0 && peer.pid == ::getpid();
    }
    sockaddr_storage peer {};
    sockaddr_storage ours {};
    socklen_t peerLength = sizeof peer;
    socklen_t ourLength = sizeof ours;
    return ::getpeername(accepted, reinterpret_cast<sockaddr*>(&peer), &peerLength) == 0
        && ::getsockname(client, reinterpret_cast<sockaddr*>(&ours), &ourLength) == 0 && peerLength == ourLength
        && std::memcmp(&peer, &ours, peerLength) == 0;
}

// Accepts the connection `client` made. Between listen() and accept() another local process could
// connect first (on 127.0.0.1 anyone can); such a stranger is closed and never handed to a side.
UniqueFd acceptPeerOf(int listener, int client, int family, const std::string& what)
{
    for (int strangers = 0; strangers <= kBacklog;) {
        UniqueFd accepted(::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC));
        if (!accepted.valid()) {
            if (errno != EINTR)
                throwSystemError(what + ": cannot accept the connection", errno);
            continue;
        }
        if (connectedTo(accepted.get(), client, family))
            return accepted;
        ++strangers;
    }
    throw Error(what + ": other processes kept connecting to the run's listening socket; try again");
}

sockaddr_in loopbackAddress(std::uint16_t port)
{
    sockaddr_in address {};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(port);
    return address;
}

// Binds to 127.0.0.1 with a port the kernel picks and returns the address it got.
sockaddr_in bindLoopback(int fd, const std::string& what)
{
    sockaddr_in address = loopbackAddress(0);
    if (::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0)
        throwSystemError(what + ": cannot bind to 127.0.0.1", errno);
    socklen_t length = sizeof address;
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0)
        throwSystemError(what + ": cannot read the bound address", errno);
    return address;
}

} // namespace

sockaddr_un unixAddress(const std::string& path)
{
    sockaddr_un address {};
    address.sun_family = AF_UNIX;
    if (path.size() >= sizeof address.sun_path)
        throw Error("the socket path " + path + " is " + std::to_string(path.size())
            + " bytes long; AF_UNIX allows at most " + std::to_string(sizeof address.sun_path - 1)
            + ": point XDG_RUNTIME_DIR at a shorter directory");
    std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
    return address;
}

// Binds `fd` to a new socket file at `path`, owner-only from the moment it exists, and hands the
// file to `resources` at once so it is removed whatever happens next.
void bindUnix(int fd, const std::string& path, RunResources& resources)
{
    const sockaddr_un address = unixAddress(path);
    // bind() creates the file with the socket inode's mode minus the umask; setting the mode first
    // means the file is never reachable with more than 0600.
    const bool modeSet = ::fchmod(fd, 0600) == 0;
    if (::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0)
        throwSystemError("cannot bind an AF_UNIX socket to " + path, errno);
    resources.addFile(path);
    if (!modeSet && ::chmod(path.c_str(), 0600) != 0)
        throwSystemError("cannot make the socket file " + path + " owner-only (mode 0600)", errno);
}

UniqueFd listeningUnixSocket(int type, const std::string& path, RunResources& resources)
{
    UniqueFd listener = makeSocket(AF_UNIX, type, path);
    bindUnix(listener.get(), path, resources);
    if (::listen(listener.get(), kBacklog) != 0)
        throwSystemError("cannot listen on " + path, errno);
    return listener;
}

UniqueFd listeningLoopbackSocket(std::string_view what, std::uint16_t& port)
{
    const std::string name(what);
    UniqueFd listener = makeSocket(AF_INET, SOCK_STREAM, name);
    const sockaddr_in address = bindLoopback(listener.get(), name);
    if (::listen(listener.get(), kBacklog) != 0)
        throwSystemError(name + ": cannot listen on 127.0.0.1", errno);
    port = ntohs(address.sin_port);
    return listener;
}

SocketPair connectedUnixPair(int type, std::string_view purpose, RunResources& resources)
{
    const std::string path = resources.filePath(purpose);
    const std::string what(purpose);
    UniqueFd listener = listeningUnixSocket(type, path, resources);
    SocketPair pair;
    pair.a = makeSocket(AF_UNIX, type, what);
    const sockaddr_un address = unixAddress(path);
    // The connection waits in the listen backlog, so connecting before accepting works in one thread.
    connectTo(pair.a.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address, what);
    pair.b = acceptPeerOf(listener.get(), pair.a.get(), AF_UNIX, what);
    return pair;
}

SocketPair connectedUnixDatagramPair(std::string_view purpose, RunResources& resources)
{
    const std::string what(purpose);
    const std::string paths[2] = { resources.filePath(what + "-a"), resources.filePath(what + "-b") };
    SocketPair pair;
    pair.a = makeSocket(AF_UNIX, SOCK_DGRAM, what);
    pair.b = makeSocket(AF_UNIX, SOCK_DGRAM, what);
    bindUnix(pair.a.get(), paths[0], resources);
    bindUnix(pair.b.get(), paths[1], resources);
    const sockaddr_un addressOfA = unixAddress(paths[0]);
    const sockaddr_un addressOfB = unixAddress(paths[1]);
    connectTo(pair.a.get(), reinterpret_cast<const sockaddr*>(&addressOfB), sizeof addressOfB, what);
    connectTo(pair.b.get(), reinterpret_cast<const sockaddr*>(&addressOfA), sizeof addressOfA, what);
    return pair;
}

SocketPair connectedLoopbackPair(int type, std::string_view what)
{
    const std::string name(what);
    SocketPair pair;
    if (type == SOCK_STREAM) {
        std::uint16_t port = 0;
        UniqueFd listener = listeningLoopbackSocket(name, port);
        const sockaddr_in address = loopbackAddress(port);
        pair.a = makeSocket(AF_INET, SOCK_STREAM, name);
        connectTo(pair.a.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address, name);
        pair.b = acceptPeerOf(listener.get(), pair.a.get(), AF_INET, name);
        return pair;
    }
    pair.a = makeSocket(AF_INET, type, name);
    pair.b = makeSocket(AF_INET, type, name);
    const sockaddr_in addressOfA = bindLoopback(pair.a.get(), name);
    const sockaddr_in addressOfB = bindLoopback(pair.b.get(), name);
    connectTo(pair.a.get(), reinterpret_cast<const sockaddr*>(&addressOfB), sizeof addressOfB, name);
    connectTo(pair.b.get(), reinterpret_cast<const sockaddr*>(&addressOfA), sizeof addressOfA, name);
    return pair;
}

void setSocketOption(int fd, int level, int name, int value, std::string_view what)
{
    if (::setsockopt(fd, level, name, &value, sizeof value) != 0)
        throwSystemError(std::string(what) + ": setsockopt failed", errno);
}

int socketOption(int fd, int level, int name, std::string_view what)
{
    int value = 0;
    socklen_t length = sizeof value;
    if (::getsockopt(fd, level, name, &value, &length) != 0)
        throwSystemError(std::string(what) + ": getsockopt failed", errno);
    return value;
}

void setReceiveTimeout(int fd, int milliseconds, std::string_view what)
{
    const timeval timeout { milliseconds / 1000, static_cast<suseconds_t>(milliseconds % 1000) * 1000 };
    if (::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout) != 0)
        throwSystemError(std::string(what) + ": cannot set the receive timeout", errno);
}

} // namespace ipcpg
