#include "texttable.h"

#include <algorithm>
#include <iomanip>
#include <sstream>

namespace ipcpg::cli {

namespace {

// UTF-8 aware enough for "µs": count code points, not bytes.
std::size_t displayWidth(const std::string& text)
{
    return static_cast<std::size_t>(
        std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

} // namespace

TextTable::TextTable(std::vector<std::string> header, std::vector<bool> rightAligned)
    : m_columns(header.size())
    , m_rightAligned(std::move(rightAligned))
{
    if (std::any_of(header.begin(), header.end(), [](const std::string& h) { return !h.empty(); }))
        m_rows.push_back(std::move(header));
}

void TextTable::print(std::ostream& out) const
{
    std::vector<std::size_t> widths(m_columns, 0);
    for (const auto& row : m_rows) {
        for (std::size_t c = 0; c < row.size(); ++c)
            widths[c] = std::max(widths[c], displayWidth(row[c]));
    }
    for (const auto& row : m_rows) {
        std::string line;
        for (std::size_t c = 0; c < row.size(); ++c) {
            const std::size_t pad = widths[c] - displayWidth(row[c]);
            const bool last = c + 1 == row.size();
            if (m_rightAligned[c])
                line += std::string(pad, ' ') + row[c];
            else
                line += row[c] + (last ? "" : std::string(pad, ' '));
            if (!last)
                line += "  ";
        }
        // An empty last cell (a marker column on most rows) leaves no trailing blanks.
        line.erase(line.find_last_not_of(' ') + 1);
        out << line << '\n';
    }
}

std::string number(double value, int decimals)
{
    std::ostringstream text;
    text << std::fixed << std::setprecision(decimals) << value;
    return text.str();
}

std::string withSeparators(std::uint64_t value)
{
    std::string digits = std::to_string(value);
    for (int i = static_cast<int>(digits.size()) - 3; i > 0; i -= 3)
        digits.insert(static_cast<std::size_t>(i), ",");
    return digits;
}

} // namespace ipcpg::cli
