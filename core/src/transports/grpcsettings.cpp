#include "transports/grpcsettings.h"

#include <algorithm>

#include "ipcpg/error.h"
#include "ipcpg/frame.h"
#include "ipcpg/runspec.h"
#include "ipcpg/units.h"

namespace ipcpg {

GrpcSettings GrpcSettings::from(const MechanismOptions& options)
{
    GrpcSettings settings;
    const auto transport = options.find("transport");
    const std::string transportValue = transport == options.end() ? "unix" : transport->second;
    if (transportValue == "unix")
        settings.transport = Transport::Unix;
    else if (transportValue == "tcp")
        settings.transport = Transport::Tcp;
    else
        throw Error("grpc: transport=" + transportValue + " is not one of unix, tcp");
    const auto limit = options.find("max-message");
    const std::string limitValue = limit == options.end() ? "4M" : limit->second;
    if (limitValue == "4M")
        settings.maxMessageBytes = kDefaultMaxMessageBytes;
    else if (limitValue == "16M")
        // Exactly ipcpg's largest frame, serialized: the largest message a run can send.
        settings.maxMessageBytes = RunSpec::kMaxMessageSize + kFrameHeaderSize + kProtobufOverheadBytes;
    else
        throw Error("grpc: max-message=" + limitValue + " is not one of 4M, 16M");
    return settings;
}

std::uint64_t GrpcSettings::maxPayload() const
{
    return std::min<std::uint64_t>(
        RunSpec::kMaxMessageSize, maxMessageBytes - kProtobufOverheadBytes - kFrameHeaderSize);
}

std::string GrpcSettings::limitReason() const
{
    const std::string framing = "a Frame message adds " + std::to_string(kProtobufOverheadBytes)
        + " bytes of protobuf framing to ipcpg's " + std::to_string(kFrameHeaderSize) + "-byte frame header";
    if (maxMessageBytes == kDefaultMaxMessageBytes)
        return "gRPC refuses a received message above " + formatBytes(kDefaultMaxMessageBytes)
            + " by default (grpc.max_receive_message_length) and " + framing
            + "; --option max-message=16M raises the limit on both sides for messages up to 16 MiB";
    return "max-message=16M raises gRPC's receive limit on both sides to " + std::to_string(maxMessageBytes)
        + " bytes, ipcpg's largest frame serialized (" + framing + ")";
}

} // namespace ipcpg
