// replay rebuild: every projection rebuilt from position zero into a fresh
// key space (ProjectionEngine::rebuild_and_compare, all of them in one pass
// over the log) and compared row by row with the live one at the same
// checkpoint, each projection on a thread of its own. Every row that differs
// is reported, named readably in Russian ("journal C/l-math/s1 — клетка
// журнала (отметки и посещаемость): урок l-math, ученик s1") with both
// values decoded.
//
// The live rows are not changed. The comparison holds the engine's lock for
// the length of every projection's scan (see engine.hpp): run it on a stopped
// server's data (the CLI) or accept that projections pause meanwhile.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "zhurnal/events/kv_store.hpp"
#include "zhurnal/projections/engine.hpp"

namespace zhurnal::replay {

struct RowDifference {
  enum class Kind {
    kMissing,  // in the live store only: the rebuild did not produce it
    kExtra,    // in the rebuild only: missing from the live store
    kChanged,  // both, with different bytes
  };
  Kind kind = Kind::kChanged;
  std::string projection;
  std::string row;          // the row key within the projection's generation
  std::string description;  // what the row is, e.g. "урок: урок l-math"
  std::string live;         // the live value, decoded (empty when absent)
  std::string rebuilt;      // the rebuilt value, decoded (empty when absent)
};

struct ProjectionComparison {
  std::string name;
  uint64_t checkpoint = 0;  // the position both sides reflect
  uint64_t live_rows = 0;
  uint64_t rebuilt_rows = 0;
  uint64_t differences = 0;
  double seconds = 0;  // the comparison
};

struct RebuildReport {
  std::vector<ProjectionComparison> projections;
  std::vector<RowDifference> differences;  // the first `keep` of them
  uint64_t total_differences = 0;
  double rebuild_seconds = 0;  // every projection's fold (one pass over the log)
  bool ok() const { return total_differences == 0; }
};

struct RebuildOptions {
  // Called for every difference as it is found (may be empty).
  std::function<void(const RowDifference&)> on_difference;
  size_t keep = 1000;  // differences kept in the report
  // For a progress display (may be empty / null): called once every
  // projection is folded, as the comparison starts; and the rows compared
  // so far (both sides, every projection), added to as it goes.
  std::function<void()> on_compare;
  std::atomic<uint64_t>* rows_compared = nullptr;
};

// Rebuilds and compares every projection of `engine`, whose rows live in
// `store`. Errors: storage failures and gaps in the log (from the engine).
events::Result<RebuildReport> rebuild_and_compare_all(projections::ProjectionEngine& engine,
                                                      events::KvStore& store,
                                                      const RebuildOptions& options = {});

// What a row key of a standard projection is, in Russian words.
std::string describe_row(std::string_view projection, std::string_view row);
// A row value decoded for people (Cap'n Proto text for structured rows).
std::string describe_value(std::string_view projection, std::string_view row,
                           std::string_view value);

// The report as Russian text: one line per projection, then every kept
// difference, then the verdict ("итог: ...").
std::string format_rebuild_report(const RebuildReport& report);

}  // namespace zhurnal::replay
