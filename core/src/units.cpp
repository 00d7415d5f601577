#include "ipcpg/units.h"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>

namespace ipcpg {

namespace {

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool equalsIgnoreCase(std::string_view a, std::string_view b)
{
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (lower(a[i]) != lower(b[i]))
            return false;
    }
    return true;
}

std::string_view trim(std::string_view text)
{
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
        text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t'))
        text.remove_suffix(1);
    return text;
}

std::string printf1(const char* format, double value, const char* unit)
{
    std::array<char, 64> buffer {};
    std::snprintf(buffer.data(), buffer.size(), format, value, unit);
    return buffer.data();
}

// Three significant digits, which is what a person reads off a chart.
std::string threeDigits(double value, const char* unit)
{
    const double magnitude = std::fabs(value);
    if (magnitude >= 100.0 || magnitude == 0.0)
        return printf1("%.0f %s", value, unit);
    if (magnitude >= 10.0)
        return printf1("%.1f %s", value, unit);
    return printf1("%.2f %s", value, unit);
}

} // namespace

std::optional<std::uint64_t> parseCount(std::string_view text)
{
    text = trim(text);
    if (text.empty())
        return std::nullopt;
    std::uint64_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc {} || end != text.data() + text.size())
        return std::nullopt;
    return value;
}

std::optional<std::uint64_t> parseByteCount(std::string_view text)
{
    text = trim(text);
    std::size_t digits = 0;
    while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9')
        ++digits;
    if (digits == 0)
        return std::nullopt;
    const auto number = parseCount(text.substr(0, digits));
    if (!number)
        return std::nullopt;
    const std::string_view suffix = trim(text.substr(digits));

    struct Unit {
        std::string_view names[3];
        int shift;
    };
    static constexpr Unit units[] = {
        { { "", "b", "" }, 0 },
        { { "k", "kib", "kb" }, 10 },
        { { "m", "mib", "mb" }, 20 },
        { { "g", "gib", "gb" }, 30 },
        { { "t", "tib", "tb" }, 40 },
    };
    for (const Unit& unit : units) {
        for (std::string_view name : unit.names) {
            if ((name.empty() && suffix.empty()) || (!name.empty() && equalsIgnoreCase(suffix, name))) {
                if (unit.shift > 0 && *number > (~std::uint64_t { 0 } >> unit.shift))
                    return std::nullopt;
                return *number << unit.shift;
            }
        }
    }
    return std::nullopt;
}

namespace {

// A plain decimal number, 0 or more, finite, nothing around it (no sign either).
std::optional<double> nonNegativeDecimal(std::string_view text)
{
    if (text.empty() || text.front() == '-' || text.front() == '+')
        return std::nullopt;
    double value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc {} || end != text.data() + text.size() || !std::isfinite(value) || value < 0)
        return std::nullopt;
    return value;
}

} // namespace

std::optional<double> parseSeconds(std::string_view text)
{
    text = trim(text);
    if (!text.empty() && lower(text.back()) == 's')
        text.remove_suffix(1);
    return nonNegativeDecimal(text);
}

std::optional<double> parseRatePerSecond(std::string_view text)
{
    text = trim(text);
    if (text.size() > 2 && text.substr(text.size() - 2) == "/s")
        text.remove_suffix(2);
    double multiple = 1;
    if (!text.empty() && (text.back() == 'k' || text.back() == 'K')) {
        multiple = 1e3;
        text.remove_suffix(1);
    } else if (!text.empty() && text.back() == 'M') {
        multiple = 1e6;
        text.remove_suffix(1);
    }
    const auto value = nonNegativeDecimal(text);
    if (!value)
        return std::nullopt;
    return *value * multiple;
}

std::string formatBytes(std::uint64_t bytes)
{
    static constexpr const char* names[] = { "B", "KiB", "MiB", "GiB", "TiB" };
    int unit = 0;
    while (unit < 4 && bytes >= (std::uint64_t { 1 } << (10 * (unit + 1))))
        ++unit;
    const std::uint64_t scale = std::uint64_t { 1 } << (10 * unit);
    if (bytes % scale == 0)
        return std::to_string(bytes / scale) + " " + names[unit];
    return threeDigits(static_cast<double>(bytes) / static_cast<double>(scale), names[unit]);
}

std::string formatBytesPerSecond(double bytesPerSecond)
{
    static constexpr const char* names[] = { "B/s", "KiB/s", "MiB/s", "GiB/s", "TiB/s" };
    int unit = 0;
    double value = bytesPerSecond;
    while (unit < 4 && std::fabs(value) >= 1024.0) {
        value /= 1024.0;
        ++unit;
    }
    return threeDigits(value, names[unit]);
}

std::string formatNanoseconds(double ns)
{
    const double magnitude = std::fabs(ns);
    if (magnitude < 1e3)
        return threeDigits(ns, "ns");
    if (magnitude < 1e6)
        return threeDigits(ns / 1e3, "µs");
    if (magnitude < 1e9)
        return threeDigits(ns / 1e6, "ms");
    return threeDigits(ns / 1e9, "s");
}

std::string formatRate(double perSecond)
{
    const double magnitude = std::fabs(perSecond);
    if (magnitude >= 1e9)
        return threeDigits(perSecond / 1e9, "G/s");
    if (magnitude >= 1e6)
        return threeDigits(perSecond / 1e6, "M/s");
    if (magnitude >= 1e3)
        return threeDigits(perSecond / 1e3, "k/s");
    return threeDigits(perSecond, "/s");
}

} // namespace ipcpg
