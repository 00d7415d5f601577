#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "ipcpg/controlprotocol.h"

namespace ipcpg {

// Writes control messages to the front end. The lead must never hang on a front end that stopped
// reading, so a sample that finds the pipe full is dropped (and counted), and final messages wait
// a bounded time. A line is never torn: when only part of one fits, the rest goes out before
// anything else, as soon as the front end reads again.
class ControlWriter {
public:
    explicit ControlWriter(int fd);

    // True when the sample went out, or began to and will be finished before the next message;
    // false when it was dropped (the pipe was full, or still held the rest of an earlier line) or
    // the front end is gone (EPIPE). The caller carries a dropped sample's data in the next one.
    bool sendSample(const ControlMessage& message) { return write(message, std::chrono::milliseconds(0)); }
    // Waits up to 10 s for room; a front end that reads nothing for that long is taken as gone.
    bool sendFinal(const ControlMessage& message) { return write(message, std::chrono::seconds(10)); }

    bool frontEndGone() const { return m_gone; }
    std::uint64_t droppedSamples() const { return m_dropped; }
    int fd() const { return m_fd; }

private:
    bool write(const ControlMessage& message, std::chrono::milliseconds timeout);
    // Writes what is pending until it is all out or `deadlineNs` passes; true when all is out.
    bool flush(std::uint64_t deadlineNs);

    int m_fd;
    bool m_gone = false;
    std::uint64_t m_dropped = 0;
    std::string m_pending; // the part of the last line the pipe had no room for
};

} // namespace ipcpg
