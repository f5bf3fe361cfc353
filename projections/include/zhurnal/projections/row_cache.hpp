// RowCache: rows of the journal projection kept in memory between queries of
// a view that is asked again and again (a diary push after every mark), so
// that a query reads from the store only the rows that changed since the
// last one.
//
// It follows the log. Before each use the events up to the position the
// query will report are looked at, and the rows they may have changed are
// dropped: a mark or an attendance entry drops its one cell row
// ("C/<lesson>/<student>"), a final mark the final-mark rows, a comment or
// message the cached note scans; an event the journal projection does not
// store (sign-ins, teaching assignments, sign-offs, holidays, period
// closing) drops nothing; every other event, an undecodable payload or a
// switch of the projection's generation empties the cache. A query through
// the cache therefore returns what it returns without one (the store's rows
// are never older than the engine's position; rows newer than it are dropped
// when their event is looked at, before the next use).
//
// The event kinds handled finely mirror projections/internal/
// journal_projection.cpp: a new row that a known event writes must be added
// to RowCache::apply (row_cache.cpp), or the cache would serve it stale.
//
// Bounded: rows and scans are counted in bytes, and a cache over
// `max_bytes` starts again empty at its next use.
//
// Thread safety: all methods may be called from any thread; one use at a
// time (a Use holds the cache's lock for the whole query).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "zhurnal/events/event_log.hpp"

namespace zhurnal::projections {

class RowCache {
 public:
  struct Options {
    size_t max_bytes = size_t{64} << 20;
  };
  struct Stats {
    uint64_t hits = 0, misses = 0;  // rows and scans served / read from the store
    uint64_t dropped = 0;           // rows and scans dropped by an event
    uint64_t resets = 0;            // times the cache was emptied
    size_t bytes = 0, entries = 0;
  };
  using Rows = std::vector<std::pair<std::string, std::string>>;

  // Follows `log` (must outlive the cache) from `position`: rows read later
  // must reflect at least that position (the engine's position now).
  RowCache(events::EventLog* log, uint64_t position, Options options);
  RowCache(events::EventLog* log, uint64_t position) : RowCache(log, position, Options{}) {}
  ~RowCache();
  RowCache(const RowCache&) = delete;
  RowCache& operator=(const RowCache&) = delete;

  Stats stats() const;

  // One query's access to the cache. Row names are relative to the
  // projection's prefix. Rows only accumulate while a Use lives, so the
  // views of a scan's rows stay valid until it ends.
  class Use {
   public:
    Use(Use&&) = default;
    // nullopt: not cached; otherwise the row (nullopt inside: no such row).
    std::optional<std::optional<std::string>> get(const std::string& row);
    void put(const std::string& row, const std::optional<std::string>& value);
    // The rows of [from, to) when cached (row name, value), else null.
    const Rows* scan(const std::string& from, const std::string& to);
    const Rows& put_scan(const std::string& from, const std::string& to, Rows rows);

   private:
    friend class RowCache;
    Use(RowCache* cache, std::unique_lock<std::mutex> lock) : cache_(cache), lock_(std::move(lock)) {}
    RowCache* cache_;
    std::unique_lock<std::mutex> lock_;
  };

  // Locks the cache for one query of the rows under `prefix` (the
  // projection's active generation) as of `position` (the engine's
  // position, read before `prefix` and before any row).
  Use use(uint64_t position, const std::string& prefix);

 private:
  void advance(uint64_t position);
  void apply(const events::RecordedEvent& e);
  void reset();
  void drop_row(const std::string& row);
  void drop_rows_from(std::string_view prefix);
  void drop_scans_from(std::string_view prefix);

  events::EventLog* log_;
  Options options_;
  mutable std::mutex mu_;
  std::unique_ptr<events::Subscription> sub_;  // at cursor_
  uint64_t cursor_;
  std::string prefix_;
  std::map<std::string, std::optional<std::string>, std::less<>> rows_;
  std::map<std::pair<std::string, std::string>, Rows> scans_;
  size_t bytes_ = 0;
  Stats stats_;
};

}  // namespace zhurnal::projections
