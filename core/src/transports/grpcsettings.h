#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "ipcpg/mechanism.h"

namespace ipcpg {

// What the grpc mechanism's options (transport, max-message) make of its channel and server.
struct GrpcSettings {
    enum class Transport {
        Unix, // a unix: socket file in the run's private 0700 directory
        Tcp, // TCP on 127.0.0.1, a port the kernel picks
    };

    // gRPC's default limit on a received message (GRPC_DEFAULT_MAX_RECV_MESSAGE_LENGTH), the
    // serialized protobuf message included: max-message=4M keeps it.
    static constexpr std::size_t kDefaultMaxMessageBytes = 4ULL << 20;
    // What a Frame message adds to the frame's bytes when serialized: the field's tag (1 byte)
    // and its length as a varint (4 bytes from 2 MiB to 256 MiB, where both limits lie).
    static constexpr std::size_t kProtobufOverheadBytes = 5;

    // From resolved options; throws Error for a value the mechanism does not declare.
    static GrpcSettings from(const MechanismOptions& options);

    // The largest payload a run may carry with these settings, and why, for SizeLimit.
    std::uint64_t maxPayload() const;
    std::string limitReason() const;

    Transport transport = Transport::Unix;
    // What both sides' gRPC accepts as one received message (grpc.max_receive_message_length).
    std::size_t maxMessageBytes = kDefaultMaxMessageBytes;
};

} // namespace ipcpg
