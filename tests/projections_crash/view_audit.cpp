#include "view_audit.hpp"

#include <cstdio>
#include <utility>

namespace zhurnal::projections_crash {
namespace {

using Rows = std::vector<std::pair<std::string, std::string>>;

constexpr size_t kMaxDifferences = 5;

// The rows under `prefix`, keys relative to it.
events::Status collect(events::KvStore& store, const std::string& prefix, Rows* out) {
  return store.scan(prefix, events::KvStore::prefix_end(prefix),
                    [&](std::string_view k, std::string_view v) {
                      out->emplace_back(std::string(k.substr(prefix.size())), std::string(v));
                      return true;
                    });
}

// The first differences of two sorted row lists, one per line.
std::string describe_difference(const Rows& live, const Rows& rebuilt) {
  std::string out;
  size_t shown = 0, total = 0;
  auto note = [&](const std::string& line) {
    ++total;
    if (shown++ < kMaxDifferences) out += "  " + line + "\n";
  };
  size_t i = 0, j = 0;
  while (i < live.size() || j < rebuilt.size()) {
    if (j == rebuilt.size() || (i < live.size() && live[i].first < rebuilt[j].first)) {
      note("only live:    " + printable(live[i].first) + " = " + printable(live[i].second));
      ++i;
    } else if (i == live.size() || rebuilt[j].first < live[i].first) {
      note("only rebuilt: " + printable(rebuilt[j].first) + " = " + printable(rebuilt[j].second));
      ++j;
    } else {
      if (live[i].second != rebuilt[j].second) {
        note("differs:      " + printable(live[i].first) + ": live " +
             std::to_string(live[i].second.size()) + " bytes " + printable(live[i].second) +
             " / rebuilt " + std::to_string(rebuilt[j].second.size()) + " bytes " +
             printable(rebuilt[j].second));
      }
      ++i;
      ++j;
    }
  }
  if (total > shown) out += "  ... " + std::to_string(total - shown) + " more\n";
  return out;
}

}  // namespace

std::string printable(std::string_view bytes, size_t max) {
  std::string out;
  for (size_t i = 0; i < bytes.size() && i < max; ++i) {
    const unsigned char c = static_cast<unsigned char>(bytes[i]);
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      out += static_cast<char>(c);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    }
  }
  if (bytes.size() > max) out += "...";
  return out;
}

events::Status compare_with_rebuild(projections::ProjectionEngine& engine, events::KvStore& store,
                                    std::vector<ProjectionComparison>* out) {
  for (const projections::ProjectionStatus& s : engine.status()) {
    ProjectionComparison c;
    c.name = s.name;
    events::Status scan_status;
    events::Status st = engine.rebuild_and_compare(
        s.name, [&](const std::string& live_prefix, const std::string& rebuilt_prefix) {
          // Runs with the live generation held steady (no commit in between).
          Rows live, rebuilt;
          scan_status = collect(store, live_prefix, &live);
          if (scan_status.is_ok()) scan_status = collect(store, rebuilt_prefix, &rebuilt);
          if (!scan_status.is_ok()) return;
          c.live_prefix = live_prefix;
          c.live_rows = live.size();
          c.rebuilt_rows = rebuilt.size();
          for (const auto& [k, v] : live) c.live_bytes += k.size() + v.size();
          if (live != rebuilt) c.difference = describe_difference(live, rebuilt);
        });
    if (!st.is_ok()) return st;
    if (!scan_status.is_ok()) return scan_status;
    out->push_back(std::move(c));
  }
  return events::Status::ok();
}

std::vector<std::string> stray_keys(const projections::ProjectionEngine& engine,
                                    events::KvStore& store, size_t max) {
  std::vector<std::string> allowed;  // meta rows and active prefixes
  for (const projections::ProjectionStatus& s : engine.status()) {
    allowed.push_back("_meta/" + s.name);
    allowed.push_back(engine.active_prefix(s.name));
  }
  std::vector<std::string> stray;
  events::Status st = store.scan("", "\xff\xff\xff\xff", [&](std::string_view k, std::string_view) {
    bool ok = false;
    for (size_t i = 0; i < allowed.size() && !ok; ++i) {
      ok = i % 2 == 0 ? k == allowed[i] : k.starts_with(allowed[i]);
    }
    if (!ok) stray.push_back(printable(k));
    return stray.size() < max;
  });
  if (!st.is_ok()) stray.push_back("<scan failed: " + st.to_string() + ">");
  return stray;
}

}  // namespace zhurnal::projections_crash
