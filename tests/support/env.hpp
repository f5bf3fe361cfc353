// Settings the long test targets take from the environment.
#pragma once

#include <charconv>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string_view>

namespace zhurnal::testing {

// A decimal environment variable; `fallback` when unset, nullopt when set
// but not a number.
inline std::optional<uint64_t> env_u64(const char* name, uint64_t fallback) {
  const char* text = std::getenv(name);
  if (!text || !*text) return fallback;
  const std::string_view s(text);
  uint64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

}  // namespace zhurnal::testing
