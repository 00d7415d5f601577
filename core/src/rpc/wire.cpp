#include "rpc/wire.h"

#include <bit>
#include <cstring>
#include <limits>

#include "ipcpg/error.h"

namespace ipcpg::rpc {

static_assert(std::endian::native == std::endian::little, "the rpc wire format is little-endian");

namespace {

template <class T> T load(const std::byte* from)
{
    T value;
    std::memcpy(&value, from, sizeof value);
    return value;
}

template <class T> std::byte* store(std::byte* to, T value)
{
    std::memcpy(to, &value, sizeof value);
    return to + sizeof value;
}

std::size_t lengthOf(const Value& value)
{
    switch (typeOf(value)) {
    case Type::Int64:
    case Type::Float64:
        return 8;
    case Type::Bool:
        return 1;
    case Type::String:
        return std::get<std::string_view>(value).size();
    case Type::Bytes:
        return std::get<Bytes>(value).size();
    }
    return 0;
}

std::byte* storeData(std::byte* to, const Value& value)
{
    switch (typeOf(value)) {
    case Type::Int64:
        return store(to, std::get<std::int64_t>(value));
    case Type::Float64:
        return store(to, std::get<double>(value));
    case Type::Bool:
        return store(to, static_cast<std::uint8_t>(std::get<bool>(value) ? 1 : 0));
    case Type::String: {
        const std::string_view text = std::get<std::string_view>(value);
        if (!text.empty())
            std::memcpy(to, text.data(), text.size());
        return to + text.size();
    }
    case Type::Bytes: {
        const Bytes bytes = std::get<Bytes>(value);
        if (!bytes.empty())
            std::memcpy(to, bytes.data(), bytes.size());
        return to + bytes.size();
    }
    }
    return to;
}

} // namespace

Type typeOf(const Value& value)
{
    switch (value.index()) {
    case 0:
        return Type::Int64;
    case 1:
        return Type::Float64;
    case 2:
        return Type::Bool;
    case 3:
        return Type::String;
    default:
        return Type::Bytes;
    }
}

std::string_view typeName(Type type)
{
    switch (type) {
    case Type::Int64:
        return "int64";
    case Type::Float64:
        return "float64";
    case Type::Bool:
        return "bool";
    case Type::String:
        return "string";
    case Type::Bytes:
        return "bytes";
    }
    return "?";
}

std::string signatureText(std::span<const Type> types)
{
    std::string text = "(";
    for (std::size_t i = 0; i < types.size(); ++i)
        text += std::string(i == 0 ? "" : ", ") + std::string(typeName(types[i]));
    return text + ")";
}

std::string signatureText(std::span<const Value> values)
{
    std::vector<Type> types;
    for (const Value& value : values)
        types.push_back(typeOf(value));
    return signatureText(types);
}

void ValueList::push(const Value& value)
{
    if (m_count == kMaxValues)
        throw Error("rpc: a message carries at most " + std::to_string(kMaxValues) + " values");
    m_values[m_count++] = value;
}

void encode(std::vector<std::byte>& out, Kind kind, std::uint64_t callId, std::string_view procedure,
    std::span<const Value> values, bool detachLast)
{
    if (values.size() > kMaxValues)
        throw Error("rpc: a message carries at most " + std::to_string(kMaxValues) + " values, not "
            + std::to_string(values.size()));
    if (procedure.size() > kMaxNameBytes)
        throw Error("rpc: procedure names are at most " + std::to_string(kMaxNameBytes) + " bytes");
    if (detachLast && (values.empty() || typeOf(values.back()) != Type::Bytes))
        throw Error("rpc: only a last value of type bytes can be sent detached");
    std::size_t dataBytes = 0;
    for (const Value& value : values)
        dataBytes += lengthOf(value);
    const std::size_t detached = detachLast ? lengthOf(values.back()) : 0;
    const std::size_t body = kHeaderBytes + procedure.size() + values.size() * kDescriptorBytes + dataBytes;
    if (body > std::numeric_limits<std::uint32_t>::max())
        throw Error("rpc: a message of " + std::to_string(body) + " bytes does not fit the 32-bit length field");

    out.resize(kPrefixBytes + body - detached);
    std::byte* p = out.data();
    p = store(p, static_cast<std::uint32_t>(body));
    p = store(p, static_cast<std::uint8_t>(kind));
    p = store(p, static_cast<std::uint8_t>(values.size()));
    p = store(p, static_cast<std::uint16_t>(procedure.size()));
    p = store(p, std::uint32_t { 0 });
    p = store(p, callId);
    if (!procedure.empty())
        std::memcpy(p, procedure.data(), procedure.size());
    p += procedure.size();
    for (const Value& value : values) {
        p = store(p, static_cast<std::uint8_t>(typeOf(value)));
        p = store(p, std::array<std::uint8_t, 3> {});
        p = store(p, static_cast<std::uint32_t>(lengthOf(value)));
    }
    for (std::size_t i = 0; i + (detachLast ? 1 : 0) < values.size(); ++i)
        p = storeData(p, values[i]);
}

std::string_view decode(std::span<const std::byte> body, Message& message)
{
    message = Message {};
    if (body.size() < kHeaderBytes)
        return "shorter than a message header";
    const std::byte* header = body.data();
    const auto kind = load<std::uint8_t>(header);
    const auto count = load<std::uint8_t>(header + 1);
    const auto nameLength = load<std::uint16_t>(header + 2);
    const auto reserved = load<std::uint32_t>(header + 4);
    message.callId = load<std::uint64_t>(header + 8);
    if (kind < static_cast<std::uint8_t>(Kind::Call) || kind > static_cast<std::uint8_t>(Kind::Error))
        return "unknown message kind";
    message.kind = static_cast<Kind>(kind);
    if (reserved != 0)
        return "reserved header bytes are not zero";
    if (count > kMaxValues)
        return "more values than a message may carry";
    if ((message.kind == Kind::Call) != (nameLength != 0))
        return message.kind == Kind::Call ? "a call that names no procedure" : "a reply that names a procedure";

    std::size_t offset = kHeaderBytes;
    if (body.size() - offset < nameLength)
        return "the procedure name runs past the end of the message";
    message.procedure = { reinterpret_cast<const char*>(body.data() + offset), nameLength };
    offset += nameLength;
    if ((body.size() - offset) / kDescriptorBytes < count)
        return "the signature runs past the end of the message";
    const std::byte* descriptor = body.data() + offset;
    offset += count * kDescriptorBytes;

    std::size_t remaining = body.size() - offset;
    const std::byte* data = body.data() + offset;
    for (std::size_t i = 0; i < count; ++i, descriptor += kDescriptorBytes) {
        const auto type = load<std::uint8_t>(descriptor);
        const auto padding = load<std::array<std::uint8_t, 3>>(descriptor + 1);
        const auto length = load<std::uint32_t>(descriptor + 4);
        if (padding != std::array<std::uint8_t, 3> {})
            return "signature padding bytes are not zero";
        if (length > remaining)
            return "a value runs past the end of the message";
        switch (static_cast<Type>(type)) {
        case Type::Int64:
            if (length != 8)
                return "an int64 value that is not 8 bytes long";
            message.values.push(load<std::int64_t>(data));
            break;
        case Type::Float64:
            if (length != 8)
                return "a float64 value that is not 8 bytes long";
            message.values.push(load<double>(data));
            break;
        case Type::Bool: {
            if (length != 1)
                return "a bool value that is not 1 byte long";
            const auto flag = load<std::uint8_t>(data);
            if (flag > 1)
                return "a bool value that is neither 0 nor 1";
            message.values.push(flag == 1);
            break;
        }
        case Type::String:
            message.values.push(std::string_view(reinterpret_cast<const char*>(data), length));
            break;
        case Type::Bytes:
            message.values.push(Bytes(data, length));
            break;
        default:
            return "an unknown value type";
        }
        data += length;
        remaining -= length;
    }
    if (remaining != 0)
        return "bytes left over after the last value";
    if (message.kind == Kind::Error
        && (count != 2 || typeOf(message.values[0]) != Type::Int64 || typeOf(message.values[1]) != Type::String))
        return "an error reply that is not (int64 code, string message)";
    return {};
}

} // namespace ipcpg::rpc
