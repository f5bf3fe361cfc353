// The log's RocksDB key layout. docs/storage-format.md is the prose version of
// this file; change both together, and only by adding.
//
// Column families:
//   default   "format"                      -> kFormatTag
//   log       u64be(position)               -> hash[32] || EventEnvelope (flat, unpacked)
//   streams   stream_id || 0x00 || u64be(version) -> u64be(position)
//   commands  command_id                    -> AppendReceipt (flat, unpacked)
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace zhurnal::events::internal {

inline constexpr char kLogCf[] = "log";
inline constexpr char kStreamsCf[] = "streams";
inline constexpr char kCommandsCf[] = "commands";
inline constexpr char kFormatKey[] = "format";
inline constexpr char kFormatTag[] = "zhurnal-log-1";

inline constexpr size_t kHashSize = 32;
inline constexpr size_t kMaxStreamIdBytes = 200;
inline constexpr size_t kMaxCommandIdBytes = 200;

inline void put_u64be(std::string* out, uint64_t v) {
  char buf[8];
  for (int i = 7; i >= 0; --i) {
    buf[i] = static_cast<char>(v & 0xff);
    v >>= 8;
  }
  out->append(buf, 8);
}

// Requires s.size() >= 8; reads the first 8 bytes.
inline uint64_t get_u64be(std::string_view s) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<uint8_t>(s[i]);
  return v;
}

inline std::string position_key(uint64_t position) {
  std::string k;
  k.reserve(8);
  put_u64be(&k, position);
  return k;
}

inline std::string stream_key(std::string_view stream, uint64_t version) {
  std::string k;
  k.reserve(stream.size() + 9);
  k.append(stream);
  k.push_back('\0');
  put_u64be(&k, version);
  return k;
}

// A valid stream id is 1..kMaxStreamIdBytes bytes with no NUL byte, so that
// one stream's keys never interleave with another's.
inline bool valid_stream_id(std::string_view stream) {
  return !stream.empty() && stream.size() <= kMaxStreamIdBytes &&
         stream.find('\0') == std::string_view::npos;
}

}  // namespace zhurnal::events::internal
