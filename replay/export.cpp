#include "zhurnal/replay/export.hpp"

#include <ctime>

#include "schema/journal.capnp.h"
#include "schema/message_reader.hpp"
#include "zhurnal/replay/progress.hpp"

#include <capnp/compat/json.h>

namespace zhurnal::replay {
namespace {

constexpr char kFormat[] = "zhurnal-export-1";

// Appends `s` as a JSON string. Invalid UTF-8 bytes become U+FFFD (a
// re-verifier then sees the field differ from the envelope, as it should).
void json_string(std::string* out, std::string_view s) {
  out->push_back('"');
  for (size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == '"' || c == '\\') {
      out->push_back('\\');
      out->push_back(static_cast<char>(c));
      ++i;
    } else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out->append(buf);
      ++i;
    } else if (c < 0x80) {
      out->push_back(static_cast<char>(c));
      ++i;
    } else {
      // A well-formed UTF-8 sequence of 2-4 bytes (no overlongs, no surrogates).
      size_t n = c >= 0xf0 && c <= 0xf4 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 && c <= 0xdf ? 2 : 0;
      bool ok = n != 0 && i + n <= s.size();
      for (size_t k = 1; ok && k < n; ++k) ok = (static_cast<unsigned char>(s[i + k]) & 0xc0) == 0x80;
      if (ok && n == 3) {
        const unsigned char c1 = static_cast<unsigned char>(s[i + 1]);
        ok = !(c == 0xe0 && c1 < 0xa0) && !(c == 0xed && c1 >= 0xa0);
      }
      if (ok && n == 4) {
        const unsigned char c1 = static_cast<unsigned char>(s[i + 1]);
        ok = !(c == 0xf0 && c1 < 0x90) && !(c == 0xf4 && c1 >= 0x90);
      }
      if (ok) {
        out->append(s.substr(i, n));
        i += n;
      } else {
        out->append("\xef\xbf\xbd");
        ++i;
      }
    }
  }
  out->push_back('"');
}

void field(std::string* out, const char* name, std::string_view value) {
  out->push_back(',');
  json_string(out, name);
  out->push_back(':');
  json_string(out, value);
}

void field(std::string* out, const char* name, int64_t value) {
  out->push_back(',');
  json_string(out, name);
  out->push_back(':');
  out->append(std::to_string(value));
}

std::string utc_iso(int64_t us) {
  const int64_t secs = us >= 0 ? us / 1'000'000 : (us - 999'999) / 1'000'000;
  const int64_t frac = us - secs * 1'000'000;
  std::time_t t = static_cast<std::time_t>(secs);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  const size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  std::snprintf(buf + n, sizeof buf - n, ".%06lldZ", static_cast<long long>(frac));
  return buf;
}

// The domain event as JSON through the schema, or "null" when the payload
// is not a JournalEvent (the envelope still carries its bytes).
std::string event_json(std::string_view payload) {
  thread_local capnp::JsonCodec codec;
  try {
    schema::BoundedMessageReader reader(payload);
    kj::String s = codec.encode(reader.root<schema::JournalEvent>());
    return std::string(s.cStr(), s.size());
  } catch (const kj::Exception&) {
    return "null";
  }
}

bool write_all(std::FILE* out, const std::string& line) {
  return std::fwrite(line.data(), 1, line.size(), out) == line.size();
}

}  // namespace

std::string base64(std::string_view bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  auto at = [&](size_t k) { return static_cast<uint32_t>(static_cast<unsigned char>(bytes[k])); };
  for (; i + 3 <= bytes.size(); i += 3) {
    const uint32_t v = at(i) << 16 | at(i + 1) << 8 | at(i + 2);
    for (int shift = 18; shift >= 0; shift -= 6) out.push_back(kAlphabet[(v >> shift) & 63]);
  }
  if (const size_t rest = bytes.size() - i; rest > 0) {
    const uint32_t v = at(i) << 16 | (rest == 2 ? at(i + 1) << 8 : 0);
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out.push_back(rest == 2 ? kAlphabet[(v >> 6) & 63] : '=');
    out.push_back('=');
  }
  return out;
}

std::string export_line(const events::RecordedEvent& e, std::string_view envelope) {
  std::string line = "{\"position\":" + std::to_string(e.position);
  field(&line, "streamId", e.stream);
  field(&line, "streamVersion", static_cast<int64_t>(e.stream_version));
  field(&line, "eventType", e.type);
  field(&line, "recordedAtUs", e.recorded_at_us);
  field(&line, "recordedAt", utc_iso(e.recorded_at_us));
  field(&line, "actor", e.actor);
  field(&line, "commandId", e.command_id);
  field(&line, "correlationId", e.correlation_id);
  field(&line, "causationId", e.causation_id);
  field(&line, "prevHash", events::to_hex(e.prev_hash));
  field(&line, "hash", events::to_hex(e.hash));
  field(&line, "envelope", base64(envelope));
  line += ",\"event\":" + event_json(e.payload) + "}";
  return line;
}

events::Result<ExportSummary> export_log(events::LogReader& reader, std::FILE* out,
                                         int64_t now_us) {
  auto head = reader.head_position();
  if (!head) return std::unexpected(head.error());
  std::string header = "{\"format\":\"" + std::string(kFormat) + "\"";
  field(&header, "hashChain", "hash(n) = SHA-256(hash(n-1) || envelope(n)); hash(0) = 32 zero bytes");
  field(&header, "headPosition", static_cast<int64_t>(*head));
  field(&header, "exportedAtUs", now_us);
  header += "}\n";
  auto io_error = [] {
    return events::error(events::StatusCode::kIoError, "cannot write the export");
  };
  if (!write_all(out, header)) return io_error();
  ExportSummary summary;
  Progress progress("выгрузка", *head);
  bool write_failed = false;
  events::Status s = reader.scan(1, [&](const events::RecordedEvent& e, std::string_view env) {
    if (e.position > *head) return false;
    if (!write_all(out, export_line(e, env) + "\n")) {
      write_failed = true;
      return false;
    }
    summary.events = e.position;
    summary.last_hash = e.hash;
    progress.update(summary.events);
    return true;
  });
  if (write_failed) return io_error();
  if (!s.is_ok()) return std::unexpected(s);
  progress.finish(summary.events);
  std::string trailer = "{\"end\":true";
  field(&trailer, "events", static_cast<int64_t>(summary.events));
  field(&trailer, "lastHash", events::to_hex(summary.last_hash));
  trailer += "}\n";
  if (!write_all(out, trailer) || std::fflush(out) != 0) return io_error();
  return summary;
}

}  // namespace zhurnal::replay
