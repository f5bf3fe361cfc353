// --check: decodes every golden file with the current codec and compares each
// field with expected.txt; recomputes the hash chain and the request digest.
#include <algorithm>
#include <cstdio>
#include <map>
#include <set>
#include <sstream>

#include "expectations.hpp"
#include "golden_fields.hpp"
#include "internal/codec.hpp"

namespace zhurnal::golden {
namespace {

namespace fs = std::filesystem;
using events::AppendResult;
using events::CommandContext;
using events::EventData;
using events::ExpectedVersion;
using events::Hash;
using events::RecordedEvent;
using events::StreamAppend;
using events::internal::hex;

// Fields added to the decoded types after v1: absent from old expectations,
// they must decode to these canonical defaults. Empty while only v1 exists.
const std::map<std::string, std::string> kAddedAfterV1;

// The entries of one section, remembering which ones the checker looked at so
// that a key nobody reads (a typo, a field that no longer exists) is reported.
class Entries {
 public:
  explicit Entries(const Section& s) : section_(s), used_(s.entries.size(), false) {}

  const std::string* find(std::string_view key) {
    for (size_t i = 0; i < section_.entries.size(); ++i) {
      if (section_.entries[i].first == key) {
        used_[i] = true;
        return &section_.entries[i].second;
      }
    }
    return nullptr;
  }

  std::vector<std::string> unused() const {
    std::vector<std::string> out;
    for (size_t i = 0; i < used_.size(); ++i) {
      if (!used_[i]) out.push_back(section_.entries[i].first);
    }
    return out;
  }

 private:
  const Section& section_;
  std::vector<bool> used_;
};

class Checker {
 public:
  explicit Checker(fs::path dir) : dir_(std::move(dir)) {}

  // Returns the number of files checked, with errors() empty when all passed.
  size_t run() {
    std::string text;
    if (!read_file(dir_ / kExpectationsFile, &text)) {
      errors_.push_back("cannot read " + (dir_ / kExpectationsFile).string());
      return 0;
    }
    std::vector<Section> sections;
    std::string parse_error;
    if (!parse_expectations(text, &sections, &parse_error)) {
      errors_.push_back(std::string(kExpectationsFile) + " " + parse_error);
      return 0;
    }
    check_listing(sections);
    for (const Section& s : sections) {
      if (s.kind == "event") {
        check_event(s);
      } else if (s.kind == "receipt") {
        check_receipt(s);
      } else {
        fail(s, "unknown kind '" + s.kind + "'");
      }
    }
    return sections.size();
  }

  const std::vector<std::string>& errors() const { return errors_; }

 private:
  void fail(const Section& s, std::string what) {
    errors_.push_back(std::string(kExpectationsFile) + " line " + num(s.line) + " [" + s.kind +
                      " " + s.file + "]: " + std::move(what));
  }

  // Every .bin file in the directory has exactly one section.
  void check_listing(const std::vector<Section>& sections) {
    std::set<std::string> listed;
    for (const Section& s : sections) {
      if (!listed.insert(s.file).second) fail(s, "the file has a second section");
    }
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir_, ec)) {
      const std::string name = entry.path().filename().string();
      if (entry.path().extension() == ".bin" && !listed.contains(name)) {
        errors_.push_back(name + " is in the golden directory but not in " + kExpectationsFile);
      }
    }
    if (ec) errors_.push_back("cannot list " + dir_.string() + ": " + ec.message());
  }

  bool load(const Section& s, std::string* bytes) {
    if (read_file(dir_ / s.file, bytes)) return true;
    fail(s, "cannot read the file");
    return false;
  }

  // Compares the decoded fields with the section; every decoded field must be
  // listed (or be a field added after v1 holding its default).
  void compare(const Section& s, Entries* entries, const Fields& decoded) {
    for (const auto& [key, actual] : decoded) {
      const std::string* expected = entries->find(key);
      if (expected == nullptr) {
        auto added = kAddedAfterV1.find(key);
        if (added == kAddedAfterV1.end()) {
          fail(s, key + ": not listed in the expectations");
        } else if (added->second != actual) {
          fail(s, key + " (added after v1): old data decodes to " + actual + ", not the default " +
                      added->second);
        }
      } else if (*expected != actual) {
        fail(s, key + ": expected " + *expected + ", decoded " + actual);
      }
    }
  }

  void report_unused(const Section& s, const Entries& entries) {
    for (const std::string& key : entries.unused()) {
      fail(s, key + ": listed in the expectations but not decoded (a field lost?)");
    }
  }

  void check_event(const Section& s) {
    std::string value;
    if (!load(s, &value)) return;
    RecordedEvent e;
    if (events::Status st = events::internal::decode_stored_event(value, &e); !st.is_ok()) {
      fail(s, "does not decode: " + st.to_string());
      return;
    }
    Entries entries(s);
    compare(s, &entries, event_fields(e, value.size()));

    // The chain: the stored prefix is SHA-256(prev_hash || body), and
    // prev_hash is the previous event's stored prefix.
    const Hash computed =
        events::internal::chain_hash(e.prev_hash, events::internal::stored_body(value));
    if (computed != e.hash) {
      fail(s, "stored hash prefix " + hex(e.hash) +
                  " is not SHA-256(prev_hash || body) = " + hex(computed));
    }
    if (const std::string* prev_quoted = entries.find("prev_file")) {
      std::string prev_file;
      auto prev = events_.end();
      if (!unquote(*prev_quoted, &prev_file)) {
        fail(s, "prev_file is not a quoted string");
      } else if (prev = events_.find(prev_file); prev == events_.end()) {
        fail(s, "prev_file " + prev_file + " is not an event listed earlier");
      } else {
        if (prev->second.hash != e.prev_hash) {
          fail(s, "prev_hash " + hex(e.prev_hash) + " is not the hash of " + prev_file + " (" +
                      hex(prev->second.hash) + ")");
        }
        if (prev->second.position + 1 != e.position) {
          fail(s, "position " + num(e.position) + " does not follow " + prev_file + "'s " +
                      num(prev->second.position));
        }
      }
    } else if (e.position == 1 && e.prev_hash != Hash{}) {
      fail(s, "the first event's prev_hash is not 32 zero bytes");
    }
    report_unused(s, entries);
    events_.emplace(s.file, std::move(e));
  }

  void check_receipt(const Section& s) {
    std::string value;
    if (!load(s, &value)) return;
    AppendResult r;
    Hash digest;
    if (events::Status st = events::internal::decode_receipt(value, &r, &digest); !st.is_ok()) {
      fail(s, "does not decode: " + st.to_string());
      return;
    }
    Entries entries(s);
    compare(s, &entries, receipt_fields(r, digest));
    if (!r.duplicate) fail(s, "a decoded receipt must say duplicate = true");

    // The request that produced the receipt must still hash to its digest, or
    // a retry of an old command would be refused as an idempotency conflict.
    std::vector<StreamAppend> request;
    CommandContext context;
    if (!read_request(s, &entries, &request, &context)) return;
    const Hash recomputed = events::internal::request_digest(request, context);
    if (recomputed != digest) {
      fail(s, "request_digest of the listed request is now " + hex(recomputed) +
                  ", the receipt holds " + hex(digest));
    }
    report_unused(s, entries);
  }

  // Rebuilds the request from request.* keys; events come from earlier
  // golden event files (their type and payload).
  bool read_request(const Section& s, Entries* entries, std::vector<StreamAppend>* request,
                    CommandContext* context) {
    auto text = [&](const std::string& key, std::string* out) {
      const std::string* v = entries->find(key);
      if (v != nullptr && unquote(*v, out)) return true;
      fail(s, key + ": missing or not a quoted string");
      return false;
    };
    auto number = [&](const std::string& key, uint64_t* out) {
      const std::string* v = entries->find(key);
      if (v != nullptr && !v->empty() &&
          std::all_of(v->begin(), v->end(), [](char c) { return c >= '0' && c <= '9'; })) {
        *out = std::stoull(*v);
        return true;
      }
      fail(s, key + ": missing or not a number");
      return false;
    };
    uint64_t count = 0;
    if (!text("request.actor", &context->actor) || !number("request.streams", &count)) {
      return false;
    }
    for (uint64_t i = 0; i < count; ++i) {
      const std::string k = "request.stream." + num(i);
      std::string stream, kind, files;
      uint64_t version = 0;
      if (!text(k + ".id", &stream) || !text(k + ".expected_kind", &kind) ||
          !number(k + ".expected_version", &version) || !text(k + ".events", &files)) {
        return false;
      }
      ExpectedVersion expected = ExpectedVersion::any();
      if (!expected_version_of(kind, version, &expected)) {
        fail(s, k + ".expected_kind: unknown kind " + kind);
        return false;
      }
      StreamAppend append{stream, expected, {}};
      std::istringstream names(files);
      for (std::string name; names >> name;) {
        auto e = events_.find(name);
        if (e == events_.end()) {
          fail(s, k + ".events: " + name + " is not an event listed earlier");
          return false;
        }
        append.events.push_back(EventData{e->second.type, e->second.payload});
      }
      request->push_back(std::move(append));
    }
    return true;
  }

  fs::path dir_;
  std::vector<std::string> errors_;
  std::map<std::string, RecordedEvent> events_;  // decoded, by file name
};

}  // namespace

int check(const fs::path& dir) {
  Checker checker(dir);
  const size_t files = checker.run();
  if (checker.errors().empty()) {
    std::printf("golden_events: %zu golden files in %s decode as recorded\n", files,
                dir.string().c_str());
    return 0;
  }
  std::fprintf(stderr,
               "golden_events: FAILED: golden encodings in %s no longer decode as recorded\n",
               dir.string().c_str());
  for (const std::string& e : checker.errors()) std::fprintf(stderr, "  %s\n", e.c_str());
  std::fprintf(stderr,
               "Data already on disk would be read differently. Fix the schema or the codec "
               "(schemas only grow: STYLE.md rule 9); never regenerate the golden files to make "
               "this pass.\n");
  return 1;
}

}  // namespace zhurnal::golden
