#include "rpc/client.h"

namespace ipcpg::rpc {

Client::Client(Connection& connection)
    : m_connection(connection)
{
}

std::uint64_t Client::post(std::string_view procedure, std::span<const Value> arguments, bool detachLast)
{
    const std::uint64_t id = m_nextCallId++;
    encode(m_encoded, Kind::Call, id, procedure, arguments, detachLast);
    const Bytes detached = detachLast ? std::get<Bytes>(arguments.back()) : Bytes {};
    if (!m_connection.send(m_encoded, detached))
        throw Error("rpc: the server closed the connection");
    return id;
}

const Message* Client::nextReply()
{
    switch (m_connection.receive()) {
    case Connection::Status::Closed:
        return nullptr;
    case Connection::Status::Malformed:
        throw Error("rpc: a malformed reply: " + std::string(m_connection.error()));
    case Connection::Status::Message:
        break;
    }
    if (m_connection.message().kind == Kind::Call)
        throw Error("rpc: the server sent a call where a reply was due");
    return &m_connection.message();
}

const Message& Client::call(std::string_view procedure, std::span<const Value> arguments)
{
    const std::uint64_t id = post(procedure, arguments);
    const Message* reply = nextReply();
    if (!reply)
        throw Error("rpc: the server closed the connection before answering " + std::string(procedure));
    if (reply->callId != id)
        throw Error(
            "rpc: the reply is for call " + std::to_string(reply->callId) + ", not for call " + std::to_string(id));
    if (reply->kind == Kind::Error)
        throw RemoteError(static_cast<ErrorCode>(std::get<std::int64_t>(reply->values[0])),
            "rpc: " + std::string(procedure)
                + " failed remotely: " + std::string(std::get<std::string_view>(reply->values[1])));
    return *reply;
}

std::int64_t Client::add(std::int64_t a, std::int64_t b)
{
    const Value arguments[] = { a, b };
    return singleResult<std::int64_t>(call("add", arguments), "add");
}

Bytes Client::echo(Bytes data)
{
    const Value arguments[] = { data };
    return singleResult<Bytes>(call("echo", arguments), "echo");
}

} // namespace ipcpg::rpc
