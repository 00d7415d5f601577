#include "transports/rpctransport.h"

#include <cerrno>
#include <cstring>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "ipcpg/error.h"
#include "ipcpg/runresources.h"
#include "sys/socketutil.h"

namespace ipcpg {

namespace {

constexpr int kAcceptTimeoutMs = 10'000;
// Room for the call header, a procedure name and the signature around the frame.
constexpr std::size_t kEnvelopeBytes = rpc::kHeaderBytes + rpc::kMaxNameBytes + rpc::kMaxValues * rpc::kDescriptorBytes;
constexpr std::int64_t kAddOperand = 0x5DEECE66DLL;

const char* frameProcedure(Mode mode) { return mode == Mode::PingPong ? "echo" : "sink"; }

} // namespace

RpcTransport::RpcTransport(const TransportConfig& config, RunResources& resources)
    : m_mode(config.mode)
    , m_frameBytes(config.frameBytes)
    , m_path(resources.filePath("rpc-" + std::to_string(config.pair) + ".sock"))
    , m_sendBuffer(config.frameBytes)
{
    m_listener.reset(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!m_listener.valid())
        throwSystemError("rpc: cannot create the server socket", errno);
    bindUnix(m_listener.get(), m_path, resources);
    if (listen(m_listener.get(), 1) != 0)
        throwSystemError("rpc: cannot listen on " + m_path, errno);
}

void RpcTransport::attach(Side side)
{
    if (side == Side::A) {
        m_listener.reset();
        m_socket.reset(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
        if (!m_socket.valid())
            throwSystemError("rpc: cannot create the client socket", errno);
        const sockaddr_un address = unixAddress(m_path);
        if (connect(m_socket.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0)
            throwSystemError("rpc: cannot connect to " + m_path, errno);
    } else {
        pollfd ready { m_listener.get(), POLLIN, 0 };
        const int polled = poll(&ready, 1, kAcceptTimeoutMs);
        if (polled < 0)
            throwSystemError("rpc: cannot wait for the client to connect", errno);
        if (polled == 0)
            throw Error("rpc: the client did not connect to " + m_path + " within 10 s");
        m_socket.reset(accept4(m_listener.get(), nullptr, nullptr, SOCK_CLOEXEC));
        if (!m_socket.valid())
            throwSystemError("rpc: cannot accept the client's connection", errno);
        m_listener.reset();
        m_server = true;

        const auto takeFrame = [this](const rpc::Message& call, rpc::ValueList&) {
            m_pendingCall = call.callId;
            m_pendingFrame = std::get<rpc::Bytes>(call.values[0]);
            return rpc::Dispatcher::Answer::Later;
        };
        m_dispatcher.add(frameProcedure(m_mode), { rpc::Type::Bytes }, takeFrame);
        m_dispatcher.add(
            "add", { rpc::Type::Int64, rpc::Type::Int64 }, [](const rpc::Message& call, rpc::ValueList& results) {
                // Unsigned arithmetic: wraps like the client's check instead of overflowing.
                const auto a = static_cast<std::uint64_t>(std::get<std::int64_t>(call.values[0]));
                const auto b = static_cast<std::uint64_t>(std::get<std::int64_t>(call.values[1]));
                results.push(static_cast<std::int64_t>(a + b));
                return rpc::Dispatcher::Answer::Now;
            });
    }
    m_connection.emplace(m_socket.get(), m_frameBytes + kEnvelopeBytes);
    m_client.emplace(*m_connection);
}

SendSlot RpcTransport::beginSend()
{
    const bool built = m_sendBufferBuilt;
    m_sendBufferBuilt = true;
    return { m_sendBuffer.span(), built };
}

void RpcTransport::push(const Outstanding& call)
{
    m_outstanding[(m_first + m_count) % m_outstanding.size()] = call;
    ++m_count;
}

RpcTransport::Outstanding RpcTransport::pop()
{
    const Outstanding call = m_outstanding[m_first];
    m_first = (m_first + 1) % m_outstanding.size();
    --m_count;
    return call;
}

void RpcTransport::commitSend()
{
    if (!m_connection)
        throw Error("rpc: send before the connection was set up");
    if (m_server) {
        // The server's send is the answer to the echo call it is holding.
        if (!m_pendingCall)
            throw Error("rpc: the server has no call to answer");
        answerPending(rpc::Bytes(m_sendBuffer.span()));
        return;
    }
    const rpc::Value frame = rpc::Bytes(m_sendBuffer.span());
    push({ m_client->post(frameProcedure(m_mode), { &frame, 1 }, true), false, 0 });
    if (++m_frameCalls % kAddEvery == 0) {
        const auto a = static_cast<std::int64_t>(m_frameCalls);
        const rpc::Value arguments[] = { a, kAddOperand };
        push({ m_client->post("add", arguments), true, a + kAddOperand });
    }
    // Stream: collect results only when the window is full, so a burst of them costs one read.
    while (m_mode == Mode::Stream && m_count >= kWindow) {
        const rpc::Message* reply = nextFrameReply();
        if (!reply)
            throw Error("rpc: the server closed the connection with calls outstanding");
        // An error reply means the frame never reached the receiver: its verifier counts the gap.
        if (reply->kind == rpc::Kind::Reply
            && rpc::singleResult<std::int64_t>(*reply, "sink") != static_cast<std::int64_t>(m_frameBytes))
            throw Error("rpc: sink reports a frame of " + std::to_string(std::get<std::int64_t>(reply->values[0]))
                + " bytes, but " + std::to_string(m_frameBytes) + " were sent");
    }
}

void RpcTransport::checkAdd(const rpc::Message& reply, const Outstanding& call)
{
    if (reply.kind == rpc::Kind::Error)
        throw Error("rpc: add failed remotely: " + std::string(std::get<std::string_view>(reply.values[1])));
    const auto sum = rpc::singleResult<std::int64_t>(reply, "add");
    if (sum != call.expected)
        throw Error("rpc: add returned " + std::to_string(sum) + " instead of " + std::to_string(call.expected));
}

const rpc::Message* RpcTransport::nextFrameReply()
{
    while (m_count > 0) {
        const Outstanding call = pop();
        const rpc::Message* reply = m_client->nextReply();
        if (!reply)
            return nullptr;
        if (reply->callId != call.callId)
            throw Error("rpc: the reply to call " + std::to_string(reply->callId) + " arrived while call "
                + std::to_string(call.callId) + " was due");
        if (!call.isAdd)
            return reply;
        checkAdd(*reply, call);
    }
    throw Error("rpc: waiting for a reply with no call outstanding");
}

Received RpcTransport::receive()
{
    if (!m_connection)
        throw Error("rpc: receive before the connection was set up");
    if (!m_server) {
        // Client (ping-pong): the echo's result is the reply frame.
        const rpc::Message* reply = nextFrameReply();
        if (!reply)
            return { Received::Status::Closed, {} };
        if (reply->kind != rpc::Kind::Reply || reply->values.size() != 1
            || !std::holds_alternative<rpc::Bytes>(reply->values[0]))
            return { Received::Status::Frame, {} }; // an error reply or a wrong result: a damaged frame
        return { Received::Status::Frame, std::get<rpc::Bytes>(reply->values[0]) };
    }
    // Even once the client has gone, the calls it sent before are still to be served.
    for (;;) {
        switch (m_dispatcher.serveOne(*m_connection)) {
        case rpc::Dispatcher::Outcome::Closed:
            return { Received::Status::Closed, {} };
        case rpc::Dispatcher::Outcome::Deferred:
            return { Received::Status::Frame, m_pendingFrame };
        case rpc::Dispatcher::Outcome::Answered:
            break;
        }
    }
}

void RpcTransport::releaseReceive()
{
    // A sink call returns once the receiver is done with its frame; an echo call returns the
    // frame the responder sends next.
    if (m_mode == Mode::Stream && m_pendingCall)
        answerPending(static_cast<std::int64_t>(m_pendingFrame.size()));
}

void RpcTransport::answerPending(const rpc::Value& result)
{
    const std::uint64_t callId = *m_pendingCall;
    m_pendingCall.reset();
    m_pendingFrame = {};
    // The client may have sent its last call and gone: nobody to answer, but its calls already
    // sent are still read and the next receive reports the close after them.
    if (!m_clientGone && !m_dispatcher.reply(*m_connection, callId, { &result, 1 }))
        m_clientGone = true;
}

} // namespace ipcpg
