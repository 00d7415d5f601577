#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "ipcpg/mechanism.h"
#include "ipcpg/transport.h"
#include "rpc/client.h"
#include "rpc/connection.h"
#include "rpc/dispatcher.h"
#include "sys/alignedbuffer.h"
#include "sys/uniquefd.h"

namespace ipcpg {

class RunResources;

// Frames as remote procedure calls over a Unix stream socket. Side A is the client: it connects
// to the socket file by path and calls procedures through the stub. Side B is the server: it
// accepts the connection and dispatches each call by name.
//
// What a measured message is:
//   pingpong  one synchronous echo(bytes) -> bytes call carrying the frame. The server's echo is
//             the side loop's responder: it receives the argument, verifies it and returns the
//             frame it builds, which equals the argument byte for byte (same sequence, same
//             stamps), so the reply is the echo of the call.
//   stream    pipelined sink(bytes) -> int64 calls: the client keeps up to kWindow calls in
//             flight and collects the results (the byte count, checked) as they come, without
//             waiting for each; the server answers each call once the receiver has verified it.
// Every kAddEvery-th frame call is followed by an add(int64, int64) -> int64 call whose result
// is checked: it rides in the same round trip (pipelined behind the frame call), so it adds its
// marshalling and dispatch to that one sample but no extra round trip.
//
// Copies per frame and direction: the kernel copies the frame into the socket and out of it; the
// frame is sent from the side's own buffer (a gather write after the encoded call header) and
// read where the connection's buffer received it, so marshalling itself adds no copy.
class RpcTransport final : public FrameTransport {
public:
    static constexpr std::size_t kWindow = 64;
    static constexpr std::uint64_t kAddEvery = 64;

    // Binds the server's socket file in the run's private 0700 directory (so only this user can
    // connect), registers it with `resources` at once and listens. Throws Error when the kernel
    // refuses or the path is too long for AF_UNIX.
    RpcTransport(const TransportConfig& config, RunResources& resources);

    void attach(Side side) override;
    SendSlot beginSend() override;
    void commitSend() override;
    Received receive() override;
    void releaseReceive() override;

private:
    struct Outstanding {
        std::uint64_t callId = 0;
        bool isAdd = false;
        std::int64_t expected = 0; // add's correct result
    };
    void push(const Outstanding& call);
    Outstanding pop();
    // Client: reads the reply to the oldest outstanding call. Returns it when it is the frame
    // call's, having checked add results on the way; nullptr when the server closed.
    const rpc::Message* nextFrameReply();
    static void checkAdd(const rpc::Message& reply, const Outstanding& call);
    void answerPending(const rpc::Value& result);

    Mode m_mode;
    std::size_t m_frameBytes;
    std::string m_path;
    UniqueFd m_listener;
    UniqueFd m_socket;
    std::optional<rpc::Connection> m_connection;
    std::optional<rpc::Client> m_client;
    rpc::Dispatcher m_dispatcher;
    AlignedBuffer m_sendBuffer;
    bool m_sendBufferBuilt = false;

    // Client state.
    std::array<Outstanding, 2 * kWindow> m_outstanding {};
    std::size_t m_first = 0;
    std::size_t m_count = 0;
    std::uint64_t m_frameCalls = 0;

    // Server state: the frame call waiting for its answer.
    bool m_server = false;
    std::optional<std::uint64_t> m_pendingCall;
    rpc::Bytes m_pendingFrame;
    bool m_clientGone = false;
};

} // namespace ipcpg
