#pragma once

#include <sys/un.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "sys/uniquefd.h"

namespace ipcpg {

class RunResources;

// Socket set-up shared by the socket mechanisms. Every function either returns working
// descriptors (close-on-exec, owned by the caller) or throws Error naming what the kernel refused.

struct SocketPair {
    UniqueFd a; // side A's end
    UniqueFd b; // side B's end
};

// A connected AF_UNIX pair of `type` (SOCK_STREAM or SOCK_SEQPACKET) made the way unrelated
// processes would: a listening socket bound to RunResources::filePath(purpose) (mode 0600, in the
// run's private directory, registered with `resources`), then connect and accept. The socket file
// stays until the run's resources are removed; the listener is closed once the pair exists.
// The address of a socket file; throws Error when the path is too long for AF_UNIX.
sockaddr_un unixAddress(const std::string& path);
// Binds `fd` to a new socket file at `path`, owner-only (0600) from the moment it exists, and
// registers the file with `resources` at once so it is removed whatever happens next.
void bindUnix(int fd, const std::string& path, RunResources& resources);

SocketPair connectedUnixPair(int type, std::string_view purpose, RunResources& resources);

// A listening AF_UNIX socket of `type` bound to `path` (as bindUnix does: 0600, registered with
// `resources`), for a peer that accepts connections for as long as the run lasts.
UniqueFd listeningUnixSocket(int type, const std::string& path, RunResources& resources);

// A listening TCP socket bound to 127.0.0.1 with a port the kernel picks, never a wildcard
// address; `port` receives the port.
UniqueFd listeningLoopbackSocket(std::string_view what, std::uint16_t& port);

// A connected AF_UNIX SOCK_DGRAM pair: two sockets bound to "<purpose>-a" and "<purpose>-b" in
// the private directory, each connected to the other, so neither accepts datagrams from anyone else.
SocketPair connectedUnixDatagramPair(std::string_view purpose, RunResources& resources);

// A connected loopback pair of `type`. SOCK_STREAM: listen on 127.0.0.1 port 0, connect, accept.
// SOCK_DGRAM: two sockets bound to 127.0.0.1 port 0, each connected to the other's address, so
// the kernel drops datagrams from any other sender. Never binds a wildcard address.
SocketPair connectedLoopbackPair(int type, std::string_view what);

void setSocketOption(int fd, int level, int name, int value, std::string_view what);
int socketOption(int fd, int level, int name, std::string_view what);

// Makes a blocking recv() give up with EAGAIN after `milliseconds` without a datagram.
void setReceiveTimeout(int fd, int milliseconds, std::string_view what);

} // namespace ipcpg
