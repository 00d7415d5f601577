#pragma once

#include <string>

#include "sys/uniquefd.h"
#include "transports/zmqsettings.h"

namespace ipcpg {

class RunResources;

// Where one ZeroMQ socket binds, made by the lead before it forks: a listening socket that the
// side which binds hands to libzmq (ZmqSocket::bind, ZMQ_USE_FD). The endpoint therefore exists,
// with its final name or port, before any side starts: a connecting side never waits for it,
// never races another program for a port, and no side names a file the lead did not make.
//
// transport=ipc: a Unix stream socket file in the run's private 0700 directory, mode 0600,
// registered with RunResources at once, so it is removed however the run ends (libzmq does not
// unlink a file it was handed). transport=tcp: 127.0.0.1 with a port the kernel picks, never a
// wildcard address.
//
// Ownership: the listener is this object's until takeListener(); a process that does not bind
// closes it (closeListener(), or the destructor), as the lead does once the sides are forked.
class ZmqEndpoint {
public:
    // Throws Error when the kernel refuses (what was made is still removed by `resources`).
    ZmqEndpoint(ZmqSettings::Transport transport, const std::string& purpose, RunResources& resources);

    // "ipc:///run/user/1000/ipcpg/run-4711-9f3c2a1b/zeromq-0" or "tcp://127.0.0.1:43521".
    const std::string& address() const { return m_address; }
    UniqueFd takeListener() { return std::move(m_listener); }
    void closeListener() { m_listener.reset(); }

private:
    std::string m_address;
    UniqueFd m_listener;
};

} // namespace ipcpg
