#pragma once

#include <chrono>
#include <cstdint>

#include "ipcpg/controlprotocol.h"

namespace ipcpg {

// Writes control messages to the front end. The lead must never hang on a front end that stopped
// reading, so samples are dropped when the pipe is full (and counted), and final messages wait
// a bounded time.
class ControlWriter {
public:
    explicit ControlWriter(int fd);

    // Returns false when the front end is gone (EPIPE) or did not read within the timeout.
    bool sendSample(const ControlMessage& message) { return write(message, std::chrono::milliseconds(0)); }
    bool sendFinal(const ControlMessage& message) { return write(message, std::chrono::seconds(10)); }

    bool frontEndGone() const { return m_gone; }
    std::uint64_t droppedSamples() const { return m_dropped; }
    int fd() const { return m_fd; }

private:
    bool write(const ControlMessage& message, std::chrono::milliseconds timeout);

    int m_fd;
    bool m_gone = false;
    std::uint64_t m_dropped = 0;
};

} // namespace ipcpg
