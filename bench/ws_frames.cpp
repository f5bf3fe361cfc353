#include "ws_frames.hpp"

namespace zhurnal::bench {

std::string field(std::string_view frame, std::string_view key) {
  const std::string pattern = "\"" + std::string(key) + "\":";
  const size_t at = frame.find(pattern);
  if (at == std::string_view::npos) return {};
  const size_t begin = at + pattern.size();
  if (begin < frame.size() && frame[begin] == '"') {
    const size_t end = frame.find('"', begin + 1);
    return std::string(frame.substr(begin + 1, end - begin - 1));
  }
  size_t end = begin;
  while (end < frame.size() && frame[end] != ',' && frame[end] != '}') ++end;
  return std::string(frame.substr(begin, end - begin));
}

bool is_push(std::string_view frame) { return frame.starts_with("{\"push\""); }

bool is_ok(std::string_view frame) { return frame.find("\"ok\":true") != std::string_view::npos; }

std::string describe_error(std::string_view frame) {
  return field(frame, "code") + " (" + field(frame, "message") + ")";
}

std::string json_string(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out + "\"";
}

}  // namespace zhurnal::bench
