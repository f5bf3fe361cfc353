// Shared by the golden tool's two modes: the canonical text of decoded
// fields, which --write lists in expected.txt and --check recomputes from what
// the current decoder reads, and small file helpers.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "zhurnal/events/types.hpp"

namespace zhurnal::golden {

inline constexpr char kExpectationsFile[] = "expected.txt";
// Payloads up to this size are listed byte for byte; larger ones by size and
// SHA-256 only.
inline constexpr size_t kMaxListedPayload = 512;

// (key, canonical value) pairs: numbers in decimal, hashes in lower-case hex,
// text and bytes quoted (expectations.hpp). Equal values give equal strings.
using Fields = std::vector<std::pair<std::string, std::string>>;

template <typename Int>
std::string num(Int v) {
  return std::to_string(v);
}

events::Hash sha256(std::string_view bytes);

// Every field of a decoded stored event, and of a decoded receipt.
Fields event_fields(const events::RecordedEvent& e, size_t stored_size);
Fields receipt_fields(const events::AppendResult& r, const events::Hash& digest);

// "any", "no_stream", "stream_exists", "exact" and back.
std::string_view kind_name(events::ExpectedVersion::Kind kind);
bool expected_version_of(std::string_view name, uint64_t version, events::ExpectedVersion* out);

bool read_file(const std::filesystem::path& path, std::string* out);
bool write_file(const std::filesystem::path& path, std::string_view bytes);

// The two modes; each returns the process exit code and prints its own
// messages.
int check(const std::filesystem::path& dir);
int write(const std::filesystem::path& dir);

}  // namespace zhurnal::golden
