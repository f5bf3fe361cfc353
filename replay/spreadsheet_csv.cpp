#include "zhurnal/replay/spreadsheet_csv.hpp"

namespace zhurnal::replay {

std::string csv_text(std::string_view text) {
  std::string t(text);
  if (!t.empty() &&
      (t[0] == '=' || t[0] == '+' || t[0] == '-' || t[0] == '@' || t[0] == '\t' || t[0] == '\r')) {
    t.insert(t.begin(), '\'');
  }
  if (t.find_first_of(";\"\r\n") == std::string::npos) return t;
  std::string out = "\"";
  for (char ch : t) {
    if (ch == '"') out += '"';
    out += ch;
  }
  return out + "\"";
}

void append_csv_line(std::string& out, const std::vector<std::string>& fields) {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i) out += ';';
    out += fields[i];
  }
  out += "\r\n";
}

}  // namespace zhurnal::replay
