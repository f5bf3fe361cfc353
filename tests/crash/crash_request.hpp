// The crash child's requests, derived deterministically from the command id,
// so that the parent can rebuild the byte-identical request of any command it
// finds in the log (to check the stored events, and to re-send it as a retry).
//
// Command id: "<run>-<thread>-<seq>" optionally followed by "-x<version>".
//   <run> is 16 hex digits, random per child run (unique across restarts);
//   <thread> and <seq> are decimal. The streams, event types and payloads are
//   drawn from a PRNG seeded by the base id (everything before "-x"); the
//   "-x<version>" suffix only makes the first stream's expectation
//   ExpectedVersion::exact(version), every other expectation is any().
//
// Header-only; every function is pure and thread-safe.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "zhurnal/events/types.hpp"

namespace zhurnal::crash {

// Streams are drawn from a small set so that their versions grow.
inline constexpr int kStreamCount = 12;
inline constexpr char kActor[] = "crash-child";

// SplitMix64: fully specified, so parent and child agree on every draw.
class SplitMix64 {
 public:
  explicit SplitMix64(uint64_t seed) : state_(seed) {}
  uint64_t next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  // Uniform enough in [lo, hi] for a test (modulo bias is irrelevant here).
  uint64_t between(uint64_t lo, uint64_t hi) { return lo + next() % (hi - lo + 1); }

 private:
  uint64_t state_;
};

inline uint64_t fnv1a64(std::string_view s) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : s) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

inline std::string stream_name(int index) {
  return "crash-s" + std::to_string(index / 10) + std::to_string(index % 10);
}

struct ParsedCommandId {
  std::string_view base;
  std::optional<uint64_t> exact;  // the first stream's exact expected version
};

inline ParsedCommandId parse_command_id(std::string_view id) {
  const size_t x = id.rfind("-x");
  if (x == std::string_view::npos || x + 2 >= id.size()) return {id, std::nullopt};
  uint64_t v = 0;
  for (char c : id.substr(x + 2)) {
    if (c < '0' || c > '9') return {id, std::nullopt};
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  return {id.substr(0, x), v};
}

inline std::string base_command_id(uint64_t run_id, int thread, uint64_t seq) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id(16, '0');
  for (int i = 15; i >= 0; --i, run_id >>= 4) id[static_cast<size_t>(i)] = kHex[run_id & 0xf];
  return id + "-" + std::to_string(thread) + "-" + std::to_string(seq);
}

inline std::string with_exact(const std::string& base, uint64_t version) {
  return base + "-x" + std::to_string(version);
}

struct Request {
  std::vector<events::StreamAppend> streams;
  events::CommandContext context;
  size_t event_count() const {
    size_t n = 0;
    for (const auto& s : streams) n += s.events.size();
    return n;
  }
};

// The one request that `command_id` stands for. One stream in three of four
// appends; otherwise 2 to 4 distinct streams in one atomic append. Each stream
// gets 1 to 3 events with binary payloads of 0 to 95 bytes.
inline Request make_request(std::string_view command_id) {
  const ParsedCommandId parsed = parse_command_id(command_id);
  SplitMix64 rng(fnv1a64(parsed.base));
  const size_t stream_count = rng.between(0, 3) == 0 ? rng.between(2, 4) : 1;
  std::vector<int> picked;
  while (picked.size() < stream_count) {
    const int s = static_cast<int>(rng.between(0, kStreamCount - 1));
    if (std::find(picked.begin(), picked.end(), s) == picked.end()) picked.push_back(s);
  }
  Request r;
  for (int s : picked) {
    events::StreamAppend sa;
    sa.stream = stream_name(s);
    const uint64_t n = rng.between(1, 3);
    for (uint64_t i = 0; i < n; ++i) {
      events::EventData e;
      e.type = "crash.event." + std::to_string(rng.between(0, 5));
      e.payload.resize(rng.between(0, 95));
      for (char& c : e.payload) c = static_cast<char>(rng.next() & 0xff);
      sa.events.push_back(std::move(e));
    }
    r.streams.push_back(std::move(sa));
  }
  if (parsed.exact) r.streams.front().expected = events::ExpectedVersion::exact(*parsed.exact);
  r.context.command_id = std::string(command_id);
  r.context.actor = kActor;
  r.context.correlation_id = std::string(parsed.base);
  r.context.causation_id = "crash";
  return r;
}

}  // namespace zhurnal::crash
