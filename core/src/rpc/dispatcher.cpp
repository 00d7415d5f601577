#include "rpc/dispatcher.h"

#include <algorithm>
#include <exception>

#include "ipcpg/error.h"

namespace ipcpg::rpc {

void Dispatcher::add(std::string name, std::vector<Type> parameters, Handler handler)
{
    if (name.empty() || name.size() > kMaxNameBytes)
        throw Error("rpc: a procedure name must have 1 to " + std::to_string(kMaxNameBytes) + " bytes");
    if (parameters.size() > kMaxValues)
        throw Error("rpc: a procedure takes at most " + std::to_string(kMaxValues) + " arguments");
    m_procedures.push_back({ std::move(name), std::move(parameters), std::move(handler) });
}

Dispatcher::Outcome Dispatcher::serveOne(Connection& connection)
{
    switch (connection.receive()) {
    case Connection::Status::Closed:
        return Outcome::Closed;
    case Connection::Status::Malformed:
        replyError(connection, connection.message().callId, ErrorCode::MalformedCall,
            "malformed call: " + std::string(connection.error()));
        return Outcome::Answered;
    case Connection::Status::Message:
        break;
    }
    return dispatch(connection.message(), connection);
}

Dispatcher::Outcome Dispatcher::dispatch(const Message& call, Connection& connection)
{
    if (call.kind != Kind::Call) {
        replyError(connection, call.callId, ErrorCode::MalformedCall, "expected a call, got a reply");
        return Outcome::Answered;
    }
    const auto found = std::find_if(m_procedures.begin(), m_procedures.end(),
        [&](const Procedure& procedure) { return procedure.name == call.procedure; });
    if (found == m_procedures.end()) {
        std::string known;
        for (const Procedure& procedure : m_procedures)
            known += (known.empty() ? "" : ", ") + procedure.name;
        replyError(connection, call.callId, ErrorCode::UnknownProcedure,
            "no procedure named \"" + std::string(call.procedure) + "\"; this server offers: " + known);
        return Outcome::Answered;
    }
    const std::span<const Value> arguments = call.values.span();
    const bool matches = std::equal(found->parameters.begin(), found->parameters.end(), arguments.begin(),
        arguments.end(), [](Type type, const Value& value) { return typeOf(value) == type; });
    if (!matches) {
        replyError(connection, call.callId, ErrorCode::BadArguments,
            found->name + " takes " + signatureText(found->parameters) + ", not " + signatureText(arguments));
        return Outcome::Answered;
    }
    m_results.clear();
    try {
        if (found->handler(call, m_results) == Answer::Later)
            return Outcome::Deferred;
    } catch (const std::exception& error) {
        replyError(connection, call.callId, ErrorCode::ProcedureFailed, found->name + " failed: " + error.what());
        return Outcome::Answered;
    }
    reply(connection, call.callId, m_results.span());
    return Outcome::Answered;
}

bool Dispatcher::reply(Connection& connection, std::uint64_t callId, std::span<const Value> results)
{
    const bool detach = !results.empty() && typeOf(results.back()) == Type::Bytes;
    encode(m_encoded, Kind::Reply, callId, {}, results, detach);
    return connection.send(m_encoded, detach ? std::get<Bytes>(results.back()) : Bytes {});
}

bool Dispatcher::replyError(Connection& connection, std::uint64_t callId, ErrorCode code, std::string_view text)
{
    const Value values[] = { static_cast<std::int64_t>(code), text };
    encode(m_encoded, Kind::Error, callId, {}, values);
    return connection.send(m_encoded);
}

} // namespace ipcpg::rpc
