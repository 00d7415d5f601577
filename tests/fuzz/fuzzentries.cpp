#include "fuzzentries.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <string_view>

#include "ipcpg/controlprotocol.h"
#include "ipcpg/error.h"
#include "ipcpg/mechanismregistry.h"
#include "ipcpg/runresult.h"
#include "ipcpg/runspec.h"
#include "ipcpg/sampleaccumulator.h"
#include "ipcpg/units.h"

namespace ipcpg::fuzz {

namespace {

[[noreturn]] void broken(const char* invariant, std::string_view detail)
{
    std::fprintf(stderr, "fuzz invariant broken: %s: %.*s\n", invariant,
        static_cast<int>(std::min<std::size_t>(detail.size(), 400)), detail.data());
    std::abort();
}

void require(bool holds, const char* invariant, std::string_view detail = {})
{
    if (!holds)
        broken(invariant, detail);
}

std::string_view text(std::span<const std::uint8_t> data)
{
    return { reinterpret_cast<const char*>(data.data()), data.size() };
}

// One line through everything a front end does with it.
void readLine(const std::string& line, ControlMessageOrder& order, SampleAccumulator& samples)
{
    require(line.size() <= kMaxControlLineBytes, "ControlLineBuffer returned a line above the limit");
    ControlMessage message;
    try {
        message = parseControlLine(line);
    } catch (const ProtocolError&) {
        return;
    }
    // What the parser accepted, our own encoder must write in a form the parser accepts again:
    // otherwise a value slipped through that does not fit the message (a pid beyond int, ...).
    const std::string encoded = encodeControlMessage(message);
    try {
        parseControlLine(encoded);
    } catch (const ProtocolError& error) {
        broken("an accepted message does not parse after encoding", std::string(error.what()) + " in " + encoded);
    }
    try {
        order.check(message);
    } catch (const ProtocolError&) {
        return;
    }
    if (const auto* sample = std::get_if<SampleMessage>(&message))
        samples.add(*sample);
    if (const auto* result = std::get_if<ResultMessage>(&message)) {
        nlohmann::json json = result->result;
        json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        csvRow(result->result);
    }
}

} // namespace

void controlProtocol(std::span<const std::uint8_t> data)
{
    const std::size_t chunk = data.empty() ? 1 : static_cast<std::size_t>(data[0]) * 61 + 1;
    const std::string_view bytes = text(data.empty() ? data : data.subspan(1));
    ControlLineBuffer buffer;
    ControlMessageOrder order;
    SampleAccumulator samples;
    for (std::size_t at = 0; at < bytes.size(); at += chunk) {
        buffer.append(bytes.substr(at, chunk));
        while (auto line = buffer.nextLine())
            readLine(*line, order, samples);
    }
    // A truncated last line is what a worker that died mid-write leaves.
    const std::string rest = buffer.takeRemainder();
    require(rest.find('\n') == std::string::npos, "the remainder holds a complete line");
    readLine(rest.substr(0, std::min(rest.size(), kMaxControlLineBytes)), order, samples);

    RunSpec spec;
    spec.mechanism = "pipe";
    if (const auto partial = samples.partialResult(spec, "killed")) {
        require(partial->partial, "a result made from samples is not marked partial");
        nlohmann::json json = *partial;
        json.dump();
        csvRow(*partial);
    }
}

void runSpec(std::span<const std::uint8_t> data)
{
    const std::string_view raw = text(data);
    // The text parsers behind every size, duration and count a user types.
    if (const auto bytes = parseByteCount(raw))
        formatBytes(*bytes);
    if (const auto seconds = parseSeconds(raw))
        require(*seconds >= 0 && *seconds == *seconds, "parseSeconds returned a negative or NaN", raw);
    parseCount(raw);
    parseMode(raw);
    parsePlacement(raw);

    const nlohmann::json json = nlohmann::json::parse(raw, nullptr, false);
    if (json.is_discarded())
        return;
    try {
        RunResult result = json.get<RunResult>();
        nlohmann::json back = result;
        back.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        csvRow(result);
    } catch (const nlohmann::json::exception&) {
        // A result the control protocol refuses (ProtocolError there): a wrong type...
    } catch (const std::out_of_range&) {
        // ... or a count that does not fit.
    }

    RunSpec spec;
    try {
        spec = json.get<RunSpec>();
        MechanismRegistry::instance().validate(spec);
    } catch (const UsageError&) {
        return;
    }
    // A valid spec goes to the worker as JSON and must arrive as it left.
    const std::string sent = nlohmann::json(spec).dump();
    RunSpec received;
    try {
        received = nlohmann::json::parse(sent).get<RunSpec>();
        MechanismRegistry::instance().validate(received);
    } catch (const std::exception& error) {
        broken("a validated spec is refused after the trip through JSON", std::string(error.what()) + " in " + sent);
    }
    require(received.mechanism == spec.mechanism && received.mode == spec.mode
            && received.messageSize == spec.messageSize && received.durationS == spec.durationS
            && received.messages == spec.messages && received.warmupS == spec.warmupS
            && received.placement == spec.placement && received.workers == spec.workers
            && received.options == spec.options,
        "a validated spec changed on the trip through JSON", sent);
}

} // namespace ipcpg::fuzz
