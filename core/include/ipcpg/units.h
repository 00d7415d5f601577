#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ipcpg {

// Parses a byte count such as "64", "4K", "4KiB", "1M", "16MiB" (binary multiples, case
// insensitive). Returns nullopt for anything else, including negative numbers, fractions,
// empty strings and values that overflow 64 bits.
std::optional<std::uint64_t> parseByteCount(std::string_view text);

// Parses seconds with decimals ("0.5", "2", "1.5s"). Rejects negatives, NaN and infinity.
std::optional<double> parseSeconds(std::string_view text);

// Parses a rate in events per second with decimals and an optional decimal multiple: "500",
// "2.5k", "10K", "1M" (k = 1000, M = 1000000; a trailing "/s" is allowed). Rejects negatives,
// NaN, infinity and anything else.
std::optional<double> parseRatePerSecond(std::string_view text);

// Parses a plain non-negative decimal integer; nullopt on anything else or overflow.
std::optional<std::uint64_t> parseCount(std::string_view text);

// "4 KiB", "1 MiB", "64 B": exact binary multiples print without decimals.
std::string formatBytes(std::uint64_t bytes);

// "12.3 MiB/s", "1.05 GiB/s".
std::string formatBytesPerSecond(double bytesPerSecond);

// "850 ns", "12.4 µs", "3.20 ms", "1.50 s".
std::string formatNanoseconds(double ns);

// "1.23 M/s", "456 k/s", "12/s".
std::string formatRate(double perSecond);

} // namespace ipcpg
