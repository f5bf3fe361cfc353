#include "golden_fields.hpp"

#include <sodium.h>

#include <fstream>
#include <iterator>

#include "expectations.hpp"
#include "internal/codec.hpp"

namespace zhurnal::golden {
namespace {

constexpr std::pair<events::ExpectedVersion::Kind, std::string_view> kKindNames[] = {
    {events::ExpectedVersion::Kind::kAny, "any"},
    {events::ExpectedVersion::Kind::kNoStream, "no_stream"},
    {events::ExpectedVersion::Kind::kStreamExists, "stream_exists"},
    {events::ExpectedVersion::Kind::kExact, "exact"},
};

}  // namespace

namespace fs = std::filesystem;
using events::AppendResult;
using events::ExpectedVersion;
using events::Hash;
using events::RecordedEvent;
using events::internal::hex;

Hash sha256(std::string_view bytes) {
  Hash h;
  crypto_hash_sha256(h.data(), reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  return h;
}

Fields event_fields(const RecordedEvent& e, size_t stored_size) {
  Fields f = {
      {"stored_size", num(stored_size)},
      {"hash", hex(e.hash)},
      {"position", num(e.position)},
      {"stream", quote(e.stream)},
      {"stream_version", num(e.stream_version)},
      {"type", quote(e.type)},
      {"recorded_at_us", num(e.recorded_at_us)},
      {"actor", quote(e.actor)},
      {"command_id", quote(e.command_id)},
      {"correlation_id", quote(e.correlation_id)},
      {"causation_id", quote(e.causation_id)},
      {"prev_hash", hex(e.prev_hash)},
      {"payload_size", num(e.payload.size())},
      {"payload_sha256", hex(sha256(e.payload))},
  };
  if (e.payload.size() <= kMaxListedPayload) f.emplace_back("payload", quote(e.payload));
  return f;
}

Fields receipt_fields(const AppendResult& r, const Hash& digest) {
  Fields f = {
      {"first_position", num(r.first_position)}, {"last_position", num(r.last_position)},
      {"recorded_at_us", num(r.recorded_at_us)}, {"request_digest", hex(digest)},
      {"streams", num(r.streams.size())},
  };
  for (size_t i = 0; i < r.streams.size(); ++i) {
    const std::string k = "stream." + num(i);
    f.emplace_back(k + ".id", quote(r.streams[i].stream));
    f.emplace_back(k + ".version", num(r.streams[i].version));
  }
  return f;
}

std::string_view kind_name(ExpectedVersion::Kind kind) {
  for (const auto& [k, name] : kKindNames) {
    if (k == kind) return name;
  }
  return "?";
}

bool expected_version_of(std::string_view name, uint64_t version, ExpectedVersion* out) {
  if (name == "any") return *out = ExpectedVersion::any(), true;
  if (name == "no_stream") return *out = ExpectedVersion::no_stream(), true;
  if (name == "stream_exists") return *out = ExpectedVersion::stream_exists(), true;
  if (name == "exact") return *out = ExpectedVersion::exact(version), true;
  return false;
}

bool read_file(const fs::path& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  out->assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return !in.bad();
}

bool write_file(const fs::path& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.close();
  return out.good();
}

}  // namespace zhurnal::golden
