#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

namespace ipcpg::cli {

// A plain text table: columns as wide as their widest cell, numbers right-aligned.
class TextTable {
public:
    // An empty header makes a key/value block without a heading line.
    TextTable(std::vector<std::string> header, std::vector<bool> rightAligned);
    void add(std::vector<std::string> row) { m_rows.push_back(std::move(row)); }
    void print(std::ostream& out) const;

private:
    std::size_t m_columns;
    std::vector<std::vector<std::string>> m_rows;
    std::vector<bool> m_rightAligned;
};

// "12.35" for number(12.3456, 2).
std::string number(double value, int decimals);
// "1,234,567".
std::string withSeparators(std::uint64_t value);

} // namespace ipcpg::cli
