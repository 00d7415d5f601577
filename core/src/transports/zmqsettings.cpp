#include "transports/zmqsettings.h"

#include <algorithm>
#include <charconv>

#include "ipcpg/error.h"
#include "ipcpg/units.h"
#include "transports/zmqsocket.h"

namespace ipcpg {

namespace {

constexpr std::string_view kAuto = "auto";

// ZMQ_MAXMSGSIZE also applies to the protocol's own frames: the handshake's READY command with
// its metadata (socket type, routing id) is larger than a 1-byte message's frame, and a socket
// that refused it would never connect.
constexpr std::size_t kProtocolFrameBytes = 4096;

std::optional<int> explicitHwm(std::string_view value)
{
    int hwm = 0;
    const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), hwm);
    if (error != std::errc {} || end != value.data() + value.size() || hwm < 1)
        return std::nullopt;
    return hwm;
}

int autoHwm(std::size_t frameBytes)
{
    const std::uint64_t fitting = ZmqSettings::kAutoQueueBytes / std::max<std::size_t>(frameBytes, 1);
    return static_cast<int>(std::clamp<std::uint64_t>(fitting, 1, ZmqSettings::kLibzmqHwm));
}

} // namespace

const std::vector<std::string>& ZmqSettings::hwmValues()
{
    static const std::vector<std::string> values { std::string(kAuto), "1", "10", "100", "1000", "10000" };
    return values;
}

std::optional<std::string> ZmqSettings::hwmRefusal(std::string_view value, std::size_t frameBytes)
{
    const std::optional<int> hwm = explicitHwm(value);
    if (!hwm)
        return std::nullopt;
    const std::uint64_t queueBytes = static_cast<std::uint64_t>(*hwm) * frameBytes;
    if (queueBytes <= kMaxQueueBytes)
        return std::nullopt;
    std::string fitting;
    for (const std::string& candidate : hwmValues()) {
        const std::optional<int> n = explicitHwm(candidate);
        if (n && static_cast<std::uint64_t>(*n) * frameBytes > kMaxQueueBytes)
            continue;
        fitting += (fitting.empty() ? "" : ", ") + candidate;
    }
    return "zeromq hwm=" + std::string(value) + " lets each queue hold " + std::string(value) + " frames of "
        + formatBytes(frameBytes) + " (" + formatBytes(queueBytes) + "), above the " + formatBytes(kMaxQueueBytes)
        + " ipcpg allows one queue; at this size use hwm=" + fitting;
}

ZmqSettings ZmqSettings::from(const TransportConfig& config)
{
    ZmqSettings settings;
    settings.frameBytes = config.frameBytes;
    const std::string& transport = config.options.at("transport");
    if (transport == "ipc")
        settings.transport = Transport::Ipc;
    else if (transport == "tcp")
        settings.transport = Transport::Tcp;
    else
        throw Error("zeromq: transport=\"" + transport + "\" is neither ipc nor tcp");
    const std::string& hwm = config.options.at("hwm");
    if (hwm == kAuto) {
        settings.hwm = autoHwm(config.frameBytes);
    } else if (const std::optional<int> value = explicitHwm(hwm)) {
        settings.hwm = *value;
    } else {
        throw Error("zeromq: hwm=\"" + hwm + "\" is neither auto nor a number of messages");
    }
    return settings;
}

void ZmqSettings::applyTo(ZmqSocket& socket, Linger linger) const
{
    socket.setOption(ZMQ_SNDHWM, hwm, "ZMQ_SNDHWM");
    socket.setOption(ZMQ_RCVHWM, hwm, "ZMQ_RCVHWM");
    const int lingerMs = linger == Linger::Deliver ? kLingerMs : linger == Linger::KeepPeersMessages ? -1 : 0;
    socket.setOption(ZMQ_LINGER, lingerMs, "ZMQ_LINGER");
    socket.setOption(ZMQ_MAXMSGSIZE, static_cast<std::int64_t>(frameBytes + kProtocolFrameBytes), "ZMQ_MAXMSGSIZE");
}

} // namespace ipcpg
