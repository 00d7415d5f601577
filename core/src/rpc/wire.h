#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace ipcpg::rpc {

// The compact binary format every call and reply travels in. Integers are little-endian (the
// byte order of every machine ipcpg builds for; checked at compile time).
//
//   u32 length        bytes that follow this field
//   u8  kind          1 call, 2 reply, 3 error reply
//   u8  valueCount    arguments of a call, results of a reply (at most kMaxValues)
//   u16 nameLength    bytes of the procedure name: calls only, 0 in replies
//   u32 reserved      0
//   u64 callId        chosen by the caller, returned in the reply
//   name              nameLength bytes (UTF-8, not validated)
//   signature         valueCount x { u8 type, u8 0, u8 0, u8 0, u32 length }
//   data              the values' bytes back to back, in signature order, nothing after them
//
// Types and lengths come first so a receiver checks the whole signature before it looks at any
// data, and a large bytes value is last on the wire, so a sender can hand it to the kernel from
// where it lies (a gather write) instead of copying it into the message first.
// An error reply carries exactly (int64 code, string message), code being an ErrorCode.

enum class Kind : std::uint8_t { Call = 1, Reply = 2, Error = 3 };
enum class Type : std::uint8_t { Int64 = 1, Float64 = 2, Bool = 3, String = 4, Bytes = 5 };
enum class ErrorCode : std::int64_t {
    UnknownProcedure = 1,
    BadArguments = 2, // wrong number or types of arguments
    ProcedureFailed = 3, // the procedure threw
    MalformedCall = 4, // the message could not be decoded, or was not a call
};

using Bytes = std::span<const std::byte>;
// A marshalled value. Strings and bytes are views: into the caller's memory when encoding, into
// the received message when decoding (valid until the next message is received).
using Value = std::variant<std::int64_t, double, bool, std::string_view, Bytes>;

inline constexpr std::size_t kMaxValues = 8;
inline constexpr std::size_t kMaxNameBytes = 255;
inline constexpr std::size_t kPrefixBytes = 4;
inline constexpr std::size_t kHeaderBytes = 16;
inline constexpr std::size_t kDescriptorBytes = 8;

Type typeOf(const Value& value);
std::string_view typeName(Type type);
// "(int64, bytes)"
std::string signatureText(std::span<const Type> types);
std::string signatureText(std::span<const Value> values);

// Up to kMaxValues values without a heap allocation.
class ValueList {
public:
    void clear() { m_count = 0; }
    // Throws Error beyond kMaxValues.
    void push(const Value& value);
    std::size_t size() const { return m_count; }
    const Value& operator[](std::size_t index) const { return m_values[index]; }
    std::span<const Value> span() const { return { m_values.data(), m_count }; }

private:
    std::array<Value, kMaxValues> m_values {};
    std::size_t m_count = 0;
};

struct Message {
    Kind kind = Kind::Call;
    std::uint64_t callId = 0;
    std::string_view procedure; // calls only
    ValueList values;
};

// Encodes one message, length prefix included, into `out` (replacing its contents). With
// `detachLast` the last value must be Bytes and its bytes are left out of `out`: the caller sends
// them right after it, and the prefix already counts them. Throws Error for what a caller got
// wrong (too many values, a name too long, a detached value that is not bytes).
void encode(std::vector<std::byte>& out, Kind kind, std::uint64_t callId, std::string_view procedure,
    std::span<const Value> values, bool detachLast = false);

// Decodes one message body (what follows the length prefix) into `message`, whose views then
// point into `body`. Returns an empty string on success, else what is wrong; nothing outside
// `body` is ever read. `message.callId` is filled as soon as the header is long enough, so an
// error reply can name the call it refuses.
std::string_view decode(std::span<const std::byte> body, Message& message);

} // namespace ipcpg::rpc
