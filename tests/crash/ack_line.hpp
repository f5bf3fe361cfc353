// The crash child's stdout protocol, one line per message:
//   "READY <head_position>\n"   the log is open (head as the child saw it)
//   "ACK <command_id> <first_position> <last_position> <stream>:<version>,...\n"
//                               one acknowledged (durable) append
// Every line is shorter than PIPE_BUF and written with a single write(2), so a
// line is either wholly in the pipe or not at all.
//
// Header-only; pure functions.
#pragma once

#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "zhurnal/events/types.hpp"

namespace zhurnal::crash {

struct Ack {
  std::string command_id;
  uint64_t first_position = 0;
  uint64_t last_position = 0;
  std::vector<events::StreamVersion> streams;
};

inline std::string format_ready(uint64_t head) { return "READY " + std::to_string(head) + "\n"; }

inline std::string format_ack(std::string_view command_id, const events::AppendResult& r) {
  std::string line = "ACK ";
  line += command_id;
  line += ' ' + std::to_string(r.first_position) + ' ' + std::to_string(r.last_position) + ' ';
  for (size_t i = 0; i < r.streams.size(); ++i) {
    if (i > 0) line += ',';
    line += r.streams[i].stream + ':' + std::to_string(r.streams[i].version);
  }
  line += '\n';
  return line;
}

namespace detail {

inline std::optional<uint64_t> parse_u64(std::string_view s) {
  uint64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

// Splits off the text before the first `sep` (all of `s` when there is none).
inline std::string_view take(std::string_view* s, char sep) {
  const size_t at = s->find(sep);
  std::string_view head = s->substr(0, at);
  s->remove_prefix(at == std::string_view::npos ? s->size() : at + 1);
  return head;
}

}  // namespace detail

// `line` without its '\n'. nullopt when it is not a well-formed READY line.
inline std::optional<uint64_t> parse_ready(std::string_view line) {
  if (!line.starts_with("READY ")) return std::nullopt;
  return detail::parse_u64(line.substr(6));
}

// `line` without its '\n'. nullopt when it is not a well-formed ACK line.
inline std::optional<Ack> parse_ack(std::string_view line) {
  using detail::parse_u64;
  using detail::take;
  if (detail::take(&line, ' ') != "ACK") return std::nullopt;
  Ack a;
  a.command_id = std::string(take(&line, ' '));
  auto first = parse_u64(take(&line, ' '));
  auto last = parse_u64(take(&line, ' '));
  if (a.command_id.empty() || !first || !last || line.empty()) return std::nullopt;
  a.first_position = *first;
  a.last_position = *last;
  while (!line.empty()) {
    std::string_view item = take(&line, ',');
    std::string_view stream = take(&item, ':');
    auto version = parse_u64(item);
    if (stream.empty() || !version) return std::nullopt;
    a.streams.push_back({std::string(stream), *version});
  }
  return a;
}

}  // namespace zhurnal::crash
