#include "transports/zmqendpoint.h"

#include <cerrno>
#include <cstdint>
#include <fcntl.h>
#include <sys/socket.h>

#include "ipcpg/error.h"
#include "ipcpg/runresources.h"
#include "sys/socketutil.h"

namespace ipcpg {

ZmqEndpoint::ZmqEndpoint(ZmqSettings::Transport transport, const std::string& purpose, RunResources& resources)
{
    if (transport == ZmqSettings::Transport::Ipc) {
        const std::string path = resources.filePath(purpose);
        m_listener = listeningUnixSocket(SOCK_STREAM, path, resources);
        m_address = "ipc://" + path;
    } else {
        std::uint16_t port = 0;
        m_listener = listeningLoopbackSocket("zeromq", port);
        m_address = "tcp://127.0.0.1:" + std::to_string(port);
    }
    // libzmq accepts from its I/O thread whenever the listener polls readable; non-blocking, a
    // connection that went away in between cannot stall that thread in accept().
    const int flags = fcntl(m_listener.get(), F_GETFL);
    if (flags < 0 || fcntl(m_listener.get(), F_SETFL, flags | O_NONBLOCK) != 0)
        throwSystemError("zeromq: cannot make the listening socket of " + m_address + " non-blocking", errno);
}

} // namespace ipcpg
