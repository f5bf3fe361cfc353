// The projection crash child's stdout protocol, one line per message, each
// written with a single write(2) and shorter than PIPE_BUF (so a line is
// wholly in the pipe or not at all):
//   "OPEN <log_head> <engine_position>"  log, view store and engine are open;
//                                        catch-up starts
//   "LIVE <engine_position>"             caught up; the engine follows live
//                                        and the appender starts
//   "DAY <day> <days> <log_head>"        the generator finished a school day
//   "REBUILD <name>"                     a full rebuild of <name> starts
//   "REBUILT <name>"                     ... and swapped in its new generation
//   "DONE <log_head>"                    nothing more to append; the views
//                                        reached the head; waits to be killed
//
// Header-only; pure functions.
#pragma once

#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace zhurnal::projections_crash {

struct ChildLine {
  std::string kind;                // "OPEN", "LIVE", ...
  std::vector<std::string> words;  // the rest, split at spaces
};

inline std::optional<ChildLine> parse_child_line(std::string_view line) {
  ChildLine out;
  size_t i = 0;
  while (i <= line.size()) {
    size_t sp = line.find(' ', i);
    if (sp == std::string_view::npos) sp = line.size();
    if (sp == i) return std::nullopt;  // empty word
    std::string word(line.substr(i, sp - i));
    if (out.kind.empty()) {
      out.kind = std::move(word);
    } else {
      out.words.push_back(std::move(word));
    }
    i = sp + 1;
  }
  static constexpr std::string_view kKinds[] = {"OPEN",    "LIVE",    "DAY",
                                                "REBUILD", "REBUILT", "DONE"};
  for (std::string_view k : kKinds) {
    if (out.kind == k) return out;
  }
  return std::nullopt;
}

// words[i] as a decimal number, or nullopt.
inline std::optional<uint64_t> word_u64(const ChildLine& l, size_t i) {
  if (i >= l.words.size()) return std::nullopt;
  const std::string& s = l.words[i];
  uint64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

}  // namespace zhurnal::projections_crash
