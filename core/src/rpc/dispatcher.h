#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "rpc/connection.h"
#include "rpc/wire.h"

namespace ipcpg::rpc {

// The server side: procedures registered by name with their parameter types, and the dispatch
// of each incoming call to one of them.
//
// Every call gets exactly one reply, in the order calls arrive: the results, or an error reply
// when the procedure is unknown, the arguments do not match its signature, the procedure throws,
// or the message is not a well-formed call. A handler may also answer later (Answer::Later): the
// owner then sends the reply with reply() before it serves the next call.
class Dispatcher {
public:
    enum class Answer { Now, Later };
    // Fills `results` and returns Now, or keeps the call and returns Later. Exceptions become
    // ProcedureFailed error replies.
    using Handler = std::function<Answer(const Message& call, ValueList& results)>;

    void add(std::string name, std::vector<Type> parameters, Handler handler);

    enum class Outcome {
        Answered, // a reply or an error reply went out (or the client had gone)
        Deferred, // the handler answers later
        Closed, // the client closed the connection
    };
    // Receives one message and dispatches it. Throws Error when the stream itself is broken.
    Outcome serveOne(Connection& connection);
    Outcome dispatch(const Message& call, Connection& connection);

    // Send a reply or an error reply; false when the client has closed the connection. A last
    // result of type bytes is sent from where it lies.
    bool reply(Connection& connection, std::uint64_t callId, std::span<const Value> results);
    bool replyError(Connection& connection, std::uint64_t callId, ErrorCode code, std::string_view text);

private:
    struct Procedure {
        std::string name;
        std::vector<Type> parameters;
        Handler handler;
    };
    std::vector<Procedure> m_procedures;
    std::vector<std::byte> m_encoded;
    ValueList m_results;
};

} // namespace ipcpg::rpc
