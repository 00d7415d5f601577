#pragma once

#include <atomic>
#include <cstdint>
#include <string>

#include "sys/sharedmapping.h"
#include "transports/grpcsettings.h"

namespace ipcpg {

class RunResources;

// Where B's gRPC server listens, and how A learns that it does.
//
// gRPC is not safe across fork(): the lead, which forks the sides, never touches it, so the server
// can only be made in B (and only B's own gRPC listens, through gRPC's own unix: and TCP
// listeners). The lead therefore makes just the name and a shared page before the fork: a socket
// path in the run's private 0700 directory (registered with RunResources, so it is removed however
// the run ends) or, for TCP, 127.0.0.1 with port 0, the port the kernel then picks written into
// the page by B. A sleeps on the page until B says its server listens (or failed to), and never
// retries against a server that is not there yet.
class GrpcEndpoint {
public:
    // Throws Error when the page cannot be mapped or the path is too long for a socket.
    GrpcEndpoint(GrpcSettings::Transport transport, const std::string& purpose, RunResources& resources);

    // In B: what to give ServerBuilder::AddListeningPort ("unix:/run/user/...", "127.0.0.1:0").
    const std::string& listenAddress() const { return m_listenAddress; }
    // In B, once its server is started: `port` as gRPC selected it (for unix, anything but 0).
    void publishListening(int port);
    // In B, when its server could not start: A must not wait for it.
    void publishFailure();

    // In A: waits until B's server listens and returns the target to connect to. Throws Error
    // when B reported that it could not start.
    std::string awaitTarget();

private:
    struct Page {
        std::atomic<std::uint32_t> state; // 0: not yet; kListening; kFailed
        std::atomic<std::uint32_t> port;
    };
    static constexpr std::uint32_t kListening = 1;
    static constexpr std::uint32_t kFailed = 2;
    Page& page() const;

    GrpcSettings::Transport m_transport;
    std::string m_listenAddress;
    SharedMapping m_page;
};

} // namespace ipcpg
