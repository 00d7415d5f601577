#pragma once

#include <memory>

#include "ipcpg/mechanism.h"
#include "ipcpg/transport.h"
#include "transports/grpcendpoint.h"
#include "transports/grpcsettings.h"

namespace ipcpg {

class RunResources;

// One pair over gRPC (the C++ library, HTTP/2 over a unix: socket or TCP on loopback), speaking
// the service of core/proto/ipcpgpair.proto.
//
// B runs the server, A the client. Ping-pong is one unary Echo call per round trip: A starts the
// call in commitSend() and receive() waits for its completion, so a call that is never answered
// (the end frame's) does not hold A, and an error status becomes an Error carrying gRPC's code and
// message. Stream is one client-streaming call for the whole run: each frame is one Write, which
// returns once gRPC took the message under HTTP/2's flow control. B serves with gRPC's
// asynchronous API on a completion queue it drains itself, so its side loop, not a gRPC worker
// thread, handles every frame and no hand-over between threads is measured.
//
// Nothing of gRPC exists before attach(): the lead constructs the transport before it forks,
// and gRPC does not survive a fork. A frame is received in place in the protobuf message, valid
// until the next receive().
class GrpcTransport final : public FrameTransport {
public:
    GrpcTransport(const TransportConfig& config, RunResources& resources);
    ~GrpcTransport() override;
    GrpcTransport(const GrpcTransport&) = delete;
    GrpcTransport& operator=(const GrpcTransport&) = delete;

    void attach(Side side) override;
    // A stream's last Writes may still sit in gRPC's buffers when A is done with them.
    bool holdsSentMessages() const override { return true; }
    SendSlot beginSend() override;
    void commitSend() override;
    Received receive() override;

    class Client;
    class Server;

private:
    Mode m_mode;
    std::size_t m_frameBytes;
    GrpcSettings m_settings;
    GrpcEndpoint m_endpoint;
    std::unique_ptr<Client> m_client; // A, after attach()
    std::unique_ptr<Server> m_server; // B, after attach()
    bool m_sendBufferBuilt = false;
};

} // namespace ipcpg
