#pragma once

#include <cstddef>
#include <span>
#include <string_view>

namespace ipcpg {

// Writes all of `bytes`, retrying on EINTR and partial writes. Throws Error naming `what` and the
// errno (EPIPE becomes "the peer closed ...").
void writeAll(int fd, std::span<const std::byte> bytes, std::string_view what);

// Reads exactly `into.size()` bytes. Returns the number read: into.size(), or fewer only when the
// peer closed the stream (0 when it closed between frames). Throws Error on read errors.
std::size_t readExactly(int fd, std::span<std::byte> into, std::string_view what);

// One readv() into `first`, then on into `second`, retried on EINTR: the number of bytes read, 0
// at end of stream (or when the peer reset the connection). Throws Error on read errors.
std::size_t readIntoTwo(int fd, std::span<std::byte> first, std::span<std::byte> second, std::string_view what);

} // namespace ipcpg
