// Reading the tables of a Markdown document (docs/permissions.md) in tests:
// a row's cells, and a column header without its footnote marks.
#pragma once

#include <cstring>
#include <string>
#include <vector>

namespace zhurnal::server::testing {

inline std::string trim(std::string s) {
  const auto b = s.find_first_not_of(" \t");
  const auto e = s.find_last_not_of(" \t");
  return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

// The cells of a table row "| a | `b|c` | d |", a `code span` kept whole.
inline std::vector<std::string> cells_of(const std::string& line) {
  std::vector<std::string> cells;
  std::string cur;
  bool code = false;
  for (size_t i = 1; i < line.size(); ++i) {  // skip the leading '|'
    const char ch = line[i];
    if (ch == '`') code = !code;
    if (ch == '|' && !code) {
      cells.push_back(trim(cur));
      cur.clear();
    } else {
      cur += ch;
    }
  }
  return cells;
}

// A column header without its footnote marks ("Par¹" -> "Par").
inline std::string column_name(std::string h) {
  for (const char* mark : {"¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹", "*"}) {
    for (size_t at = h.find(mark); at != std::string::npos; at = h.find(mark)) {
      h.erase(at, std::strlen(mark));
    }
  }
  return trim(h);
}

}  // namespace zhurnal::server::testing
