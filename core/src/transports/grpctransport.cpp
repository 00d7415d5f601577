#include "transports/grpctransport.h"

#include <chrono>
#include <grpcpp/grpcpp.h>
#include <span>
#include <string>
#include <sys/stat.h>
#include <vector>

#include "ipcpg/error.h"
#include "ipcpgpair.grpc.pb.h"

namespace ipcpg {

namespace {

// How long A's receive() waits before it says TimedOut, so its side loop can look at its stop
// flag. B waits without a limit: gRPC drops nothing, so A's end frame always comes.
constexpr auto kPollInterval = std::chrono::milliseconds(100);

const char* codeName(grpc::StatusCode code)
{
    switch (code) {
    case grpc::StatusCode::OK:
        return "OK";
    case grpc::StatusCode::CANCELLED:
        return "CANCELLED";
    case grpc::StatusCode::UNKNOWN:
        return "UNKNOWN";
    case grpc::StatusCode::INVALID_ARGUMENT:
        return "INVALID_ARGUMENT";
    case grpc::StatusCode::DEADLINE_EXCEEDED:
        return "DEADLINE_EXCEEDED";
    case grpc::StatusCode::NOT_FOUND:
        return "NOT_FOUND";
    case grpc::StatusCode::ALREADY_EXISTS:
        return "ALREADY_EXISTS";
    case grpc::StatusCode::PERMISSION_DENIED:
        return "PERMISSION_DENIED";
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
        return "RESOURCE_EXHAUSTED";
    case grpc::StatusCode::FAILED_PRECONDITION:
        return "FAILED_PRECONDITION";
    case grpc::StatusCode::ABORTED:
        return "ABORTED";
    case grpc::StatusCode::OUT_OF_RANGE:
        return "OUT_OF_RANGE";
    case grpc::StatusCode::UNIMPLEMENTED:
        return "UNIMPLEMENTED";
    case grpc::StatusCode::INTERNAL:
        return "INTERNAL";
    case grpc::StatusCode::UNAVAILABLE:
        return "UNAVAILABLE";
    case grpc::StatusCode::DATA_LOSS:
        return "DATA_LOSS";
    case grpc::StatusCode::UNAUTHENTICATED:
        return "UNAUTHENTICATED";
    default:
        return "an unknown status";
    }
}

// "status RESOURCE_EXHAUSTED (8): Received message larger than max (...)": gRPC's own words.
std::string describe(const grpc::Status& status)
{
    return "status " + std::string(codeName(status.error_code())) + " ("
        + std::to_string(static_cast<int>(status.error_code())) + "): " + status.error_message();
}

std::span<std::byte> bytesOf(std::string& bytes) { return std::as_writable_bytes(std::span(bytes)); }
std::span<const std::byte> bytesOf(const std::string& bytes) { return std::as_bytes(std::span(bytes)); }

// Takes everything a shut-down queue still holds, so it can be destroyed (gRPC requires it).
void drain(grpc::CompletionQueue& queue)
{
    void* tag = nullptr;
    bool ok = false;
    while (queue.Next(&tag, &ok)) { }
}

} // namespace

// A's half: a channel to B's server and the call in progress.
class GrpcTransport::Client {
public:
    Client(Mode mode, const std::string& target, const GrpcSettings& settings, std::size_t frameBytes)
    {
        grpc::ChannelArguments arguments;
        arguments.SetMaxReceiveMessageSize(static_cast<int>(settings.maxMessageBytes));
        // Not connected here: B's asynchronous server accepts only while B polls its completion
        // queue, which it does from its first receive() on, after the start. The first call
        // waits for the connection instead (wait_for_ready), inside the run's warm-up.
        m_channel = grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), arguments);
        m_stub = ipcpgpair::Pair::NewStub(m_channel);
        m_request.mutable_data()->resize(frameBytes);
        m_stream = mode == Mode::Stream;
    }

    ~Client()
    {
        // Cancelled, not finished: A is done, and a B that still holds the call must not keep it.
        if (m_writer) {
            m_context->TryCancel();
            m_writer->Finish();
        }
        if (m_pending) {
            m_context->TryCancel();
            void* tag = nullptr;
            bool ok = false;
            m_queue.Next(&tag, &ok);
        }
        m_queue.Shutdown();
        drain(m_queue);
    }

    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;

    std::span<std::byte> sendBuffer() { return bytesOf(*m_request.mutable_data()); }

    void send()
    {
        if (m_stream && !m_writer) {
            m_context = std::make_unique<grpc::ClientContext>();
            m_context->set_wait_for_ready(true);
            m_writer = m_stub->Stream(m_context.get(), &m_summary);
        }
        if (m_writer) {
            if (!m_writer->Write(m_request)) {
                const grpc::Status status = m_writer->Finish();
                m_writer.reset();
                throw Error("grpc: the stream to B's server ended with " + describe(status));
            }
            return;
        }
        if (m_pending)
            throw Error("grpc: A called Echo again before the previous call was answered");
        // A context serves one call. The request is serialized here, so its buffer may be reused.
        m_context = std::make_unique<grpc::ClientContext>();
        // Later calls fail at once when the server has gone (UNAVAILABLE) rather than wait for
        // it to come back.
        m_context->set_wait_for_ready(!m_connected);
        m_connected = true;
        m_call = m_stub->AsyncEcho(m_context.get(), m_request, &m_queue);
        m_call->Finish(&m_reply, &m_status, this);
        m_pending = true;
    }

    Received receive()
    {
        if (!m_pending)
            throw Error("grpc: A waits for a reply, but no Echo call is in progress");
        void* tag = nullptr;
        bool ok = false;
        switch (m_queue.AsyncNext(&tag, &ok, std::chrono::system_clock::now() + kPollInterval)) {
        case grpc::CompletionQueue::TIMEOUT:
            return { Received::Status::TimedOut, {} };
        case grpc::CompletionQueue::SHUTDOWN:
            return { Received::Status::Closed, {} };
        case grpc::CompletionQueue::GOT_EVENT:
            break;
        }
        m_pending = false;
        if (!m_status.ok())
            throw Error("grpc: Echo failed with " + describe(m_status));
        return { Received::Status::Frame, bytesOf(m_reply.data()) };
    }

private:
    std::shared_ptr<grpc::Channel> m_channel;
    std::unique_ptr<ipcpgpair::Pair::Stub> m_stub;
    grpc::CompletionQueue m_queue;
    std::unique_ptr<grpc::ClientContext> m_context;
    ipcpgpair::Frame m_request; // the send buffer: built in place
    // Ping-pong: the call in progress, its reply and status.
    std::unique_ptr<grpc::ClientAsyncResponseReader<ipcpgpair::Frame>> m_call;
    ipcpgpair::Frame m_reply;
    grpc::Status m_status;
    bool m_pending = false;
    bool m_connected = false; // the first call was made: the channel connected for it
    // Stream: the one call of the run, started by the first frame.
    bool m_stream = false;
    ipcpgpair::StreamSummary m_summary;
    std::unique_ptr<grpc::ClientWriter<ipcpgpair::Frame>> m_writer;
};

// B's half: the server, its completion queue, and the calls it is serving.
class GrpcTransport::Server {
public:
    Server(Mode mode, GrpcEndpoint& endpoint, const GrpcSettings& settings, std::size_t frameBytes)
        : m_mode(mode)
    {
        grpc::ServerBuilder builder;
        int port = 0;
        builder.AddListeningPort(endpoint.listenAddress(), grpc::InsecureServerCredentials(), &port);
        builder.SetMaxReceiveMessageSize(static_cast<int>(settings.maxMessageBytes));
        builder.RegisterService(&m_service);
        m_queue = builder.AddCompletionQueue();
        // gRPC creates the socket file with the process's umask: owner-only (0600), as every
        // socket of the run (its directory is 0700 as well).
        const mode_t previousMask = umask(0177);
        m_server = builder.BuildAndStart();
        umask(previousMask);
        if (!m_server || port == 0) {
            endpoint.publishFailure();
            stop();
            throw Error("grpc: B's server cannot listen on " + endpoint.listenAddress());
        }
        endpoint.publishListening(port);
        m_reply.mutable_data()->resize(frameBytes);
        if (mode == Mode::PingPong)
            awaitNextEcho();
        else
            m_service.RequestStream(&m_streamContext, &m_reader, m_queue.get(), m_queue.get(), &m_streamArrived);
    }

    ~Server() { stop(); }

    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    std::span<std::byte> sendBuffer() { return bytesOf(*m_reply.mutable_data()); }

    // Ping-pong: answers the call receive() returned last.
    void answer()
    {
        if (m_mode != Mode::PingPong)
            throw Error("grpc: in a stream only A sends frames");
        if (!m_current)
            throw Error("grpc: B has no Echo call to answer");
        // The reply is serialized here; the request stays valid until its call has finished.
        m_current->responder.Finish(m_reply, grpc::Status::OK, &m_current->finished);
        m_finishing.push_back(std::move(m_current));
    }

    Received receive() { return m_mode == Mode::PingPong ? nextEcho() : nextStreamFrame(); }

private:
    // One Echo call from its arrival until its reply has gone out. Its tags are the addresses of
    // `arrived` and `finished`.
    struct EchoCall {
        grpc::ServerContext context;
        ipcpgpair::Frame request;
        grpc::ServerAsyncResponseWriter<ipcpgpair::Frame> responder { &context };
        char arrived = 0;
        char finished = 0;
    };

    void awaitNextEcho()
    {
        m_next = std::make_unique<EchoCall>();
        m_service.RequestEcho(
            &m_next->context, &m_next->request, &m_next->responder, m_queue.get(), m_queue.get(), &m_next->arrived);
    }

    Received nextEcho()
    {
        for (;;) {
            void* tag = nullptr;
            bool ok = false;
            if (!m_queue->Next(&tag, &ok))
                return { Received::Status::Closed, {} };
            if (tag == &m_next->arrived) {
                if (!ok)
                    return { Received::Status::Closed, {} }; // the server is shutting down
                m_current = std::move(m_next);
                awaitNextEcho();
                return { Received::Status::Frame, bytesOf(m_current->request.data()) };
            }
            std::erase_if(m_finishing, [tag](const auto& call) { return tag == &call->finished; });
        }
    }

    Received nextStreamFrame()
    {
        for (;;) {
            if (m_streamEnded)
                return { Received::Status::Closed, {} };
            // The previous frame has been handed back: the next Read may overwrite it.
            if (m_streamOpen && !m_readPending) {
                m_reader.Read(&m_frame, &m_readDone);
                m_readPending = true;
            }
            void* tag = nullptr;
            bool ok = false;
            if (!m_queue->Next(&tag, &ok))
                return { Received::Status::Closed, {} };
            if (tag == &m_streamArrived) {
                m_streamOpen = ok;
                m_streamEnded = !ok;
            } else if (tag == &m_readDone) {
                m_readPending = false;
                if (!ok) {
                    m_streamEnded = true; // A finished writing, or the call was cancelled
                    return { Received::Status::Closed, {} };
                }
                return { Received::Status::Frame, bytesOf(m_frame.data()) };
            }
        }
    }

    // Ends every call at once and takes what the queue still holds, in the order gRPC requires.
    void stop() noexcept
    {
        if (m_server)
            m_server->Shutdown(std::chrono::system_clock::now());
        if (m_queue) {
            m_queue->Shutdown();
            drain(*m_queue);
        }
    }

    Mode m_mode;
    ipcpgpair::Pair::AsyncService m_service;
    std::unique_ptr<grpc::ServerCompletionQueue> m_queue;
    std::unique_ptr<grpc::Server> m_server;
    ipcpgpair::Frame m_reply; // the send buffer: built in place
    // Ping-pong: the call waited for, the one being answered, those whose reply is on its way.
    std::unique_ptr<EchoCall> m_next;
    std::unique_ptr<EchoCall> m_current;
    std::vector<std::unique_ptr<EchoCall>> m_finishing;
    // Stream: the one call of the run.
    grpc::ServerContext m_streamContext;
    grpc::ServerAsyncReader<ipcpgpair::StreamSummary, ipcpgpair::Frame> m_reader { &m_streamContext };
    ipcpgpair::Frame m_frame;
    char m_streamArrived = 0; // tags
    char m_readDone = 0;
    bool m_streamOpen = false;
    bool m_streamEnded = false;
    bool m_readPending = false;
};

GrpcTransport::GrpcTransport(const TransportConfig& config, RunResources& resources)
    : m_mode(config.mode)
    , m_frameBytes(config.frameBytes)
    , m_settings(GrpcSettings::from(config.options))
    , m_endpoint(m_settings.transport, "grpc-" + std::to_string(config.pair), resources)
{
}

GrpcTransport::~GrpcTransport() = default;

void GrpcTransport::attach(Side side)
{
    if (side == Side::B)
        m_server = std::make_unique<Server>(m_mode, m_endpoint, m_settings, m_frameBytes);
    else
        m_client = std::make_unique<Client>(m_mode, m_endpoint.awaitTarget(), m_settings, m_frameBytes);
}

SendSlot GrpcTransport::beginSend()
{
    const bool built = m_sendBufferBuilt;
    m_sendBufferBuilt = true;
    return { m_client ? m_client->sendBuffer() : m_server->sendBuffer(), built };
}

void GrpcTransport::commitSend()
{
    if (m_client)
        m_client->send();
    else
        m_server->answer();
}

Received GrpcTransport::receive() { return m_client ? m_client->receive() : m_server->receive(); }

} // namespace ipcpg
