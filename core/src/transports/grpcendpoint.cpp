#include "transports/grpcendpoint.h"

#include <new>

#include "ipcpg/error.h"
#include "ipcpg/runresources.h"
#include "sys/futexword.h"
#include "sys/socketutil.h"

namespace ipcpg {

GrpcEndpoint::GrpcEndpoint(GrpcSettings::Transport transport, const std::string& purpose, RunResources& resources)
    : m_transport(transport)
    , m_page(sizeof(Page), "the grpc mechanism's rendezvous page")
{
    new (m_page.data()) Page {};
    if (transport == GrpcSettings::Transport::Unix) {
        const std::string path = resources.filePath(purpose);
        unixAddress(path); // refuses a path too long for AF_UNIX now, not in B
        // Registered before it exists: gRPC creates it in B, and whatever ends the run removes it.
        resources.addFile(path);
        m_listenAddress = "unix:" + path;
    } else {
        m_listenAddress = "127.0.0.1:0";
    }
}

GrpcEndpoint::Page& GrpcEndpoint::page() const { return *std::launder(reinterpret_cast<Page*>(m_page.data())); }

void GrpcEndpoint::publishListening(int port)
{
    page().port.store(static_cast<std::uint32_t>(port), std::memory_order_relaxed);
    page().state.store(kListening, std::memory_order_release);
    futexWakeAll(page().state);
}

void GrpcEndpoint::publishFailure()
{
    page().state.store(kFailed, std::memory_order_release);
    futexWakeAll(page().state);
}

std::string GrpcEndpoint::awaitTarget()
{
    // Unbounded: a B that dies before it publishes is seen by the lead, which ends the run.
    futexWaitWhileZero(page().state);
    if (page().state.load(std::memory_order_acquire) == kFailed)
        throw Error("grpc: B's server could not listen on " + m_listenAddress);
    if (m_transport == GrpcSettings::Transport::Unix)
        return m_listenAddress;
    return "127.0.0.1:" + std::to_string(page().port.load(std::memory_order_relaxed));
}

} // namespace ipcpg
