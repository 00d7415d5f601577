#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ipcpg/error.h"
#include "rpc/connection.h"
#include "rpc/wire.h"

namespace ipcpg::rpc {

// A remote procedure answered with an error reply.
class RemoteError : public Error {
public:
    RemoteError(ErrorCode code, const std::string& message)
        : Error(message)
        , m_code(code)
    {
    }
    ErrorCode code() const { return m_code; }

private:
    ErrorCode m_code;
};

// The client stub: marshals calls onto a connection and unmarshals the replies. The server
// answers calls in the order it receives them, so replies come back in call order; post() and
// nextReply() let a caller keep several calls in flight, call() and the typed stubs wait for each.
class Client {
public:
    explicit Client(Connection& connection);

    // Sends a call without waiting for its reply; returns its call id. With `detachLast` the last
    // argument (bytes) goes to the kernel from the caller's memory, not through the encode
    // buffer. Throws Error when the server has closed the connection.
    std::uint64_t post(std::string_view procedure, std::span<const Value> arguments, bool detachLast = false);

    // Waits for the next reply; nullptr when the server closed the connection. The message is
    // valid until the next receive on the connection. Malformed replies throw Error.
    const Message* nextReply();

    // A synchronous call. Throws RemoteError when the server answers with an error, Error when
    // the connection closes or the reply is not for this call.
    const Message& call(std::string_view procedure, std::span<const Value> arguments);

    // Typed stubs of the procedures every ipcpg rpc server offers (see Dispatcher users).
    std::int64_t add(std::int64_t a, std::int64_t b);
    Bytes echo(Bytes data);

private:
    Connection& m_connection;
    std::vector<std::byte> m_encoded;
    std::uint64_t m_nextCallId = 1;
};

// The single result of `reply` as a T, or Error naming what came back instead.
template <class T> T singleResult(const Message& reply, std::string_view procedure)
{
    if (reply.values.size() != 1 || !std::holds_alternative<T>(reply.values[0]))
        throw Error("rpc: " + std::string(procedure) + " returned " + signatureText(reply.values.span()) + ", not ("
            + std::string(typeName(typeOf(Value(T {})))) + ")");
    return std::get<T>(reply.values[0]);
}

} // namespace ipcpg::rpc
