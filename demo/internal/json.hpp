// Building the protocol's JSON commands by hand: readable, and exactly what a
// browser would send ({"postMark": {...}}). Header-only.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace zhurnal::demo::internal {

// Appends `s` as a JSON string literal (UTF-8 passes through).
inline void append_quoted(std::string& out, std::string_view s) {
  out += '"';
  for (char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          static const char* hex = "0123456789abcdef";
          out += "\\u00";
          out += hex[(c >> 4) & 0xf];
          out += hex[c & 0xf];
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

class JsonObject {
 public:
  JsonObject& str(std::string_view key, std::string_view value) {
    key_(key);
    append_quoted(s_, value);
    return *this;
  }
  JsonObject& num(std::string_view key, int64_t value) {
    key_(key);
    s_ += std::to_string(value);
    return *this;
  }
  JsonObject& boolean(std::string_view key, bool value) {
    key_(key);
    s_ += value ? "true" : "false";
    return *this;
  }
  // `json` must already be valid JSON (an object, array or literal).
  JsonObject& raw(std::string_view key, std::string_view json) {
    key_(key);
    s_ += json;
    return *this;
  }
  JsonObject& strings(std::string_view key, const std::vector<std::string>& values) {
    key_(key);
    s_ += '[';
    for (size_t i = 0; i < values.size(); ++i) {
      if (i) s_ += ", ";
      append_quoted(s_, values[i]);
    }
    s_ += ']';
    return *this;
  }
  std::string done() const { return s_ + "}"; }

 private:
  void key_(std::string_view key) {
    s_ += first_ ? "" : ", ";
    first_ = false;
    append_quoted(s_, key);
    s_ += ": ";
  }
  std::string s_ = "{";
  bool first_ = true;
};

// {"<name>": <body>}
inline std::string command_json(std::string_view name, const JsonObject& body) {
  std::string out = "{";
  append_quoted(out, name);
  out += ": ";
  out += body.done();
  out += '}';
  return out;
}

}  // namespace zhurnal::demo::internal
