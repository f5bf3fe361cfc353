// replay as-of: a read model exactly as it stood at an instant. The log is
// folded up to the last event recorded at or before the instant into a
// scratch view store by the same projections the server runs (those whose
// rows the view reads: "journal" for a register or a diary, with
// "compliance" for the monthly check), and the same Views code answers the
// query, so a mark later corrected or cancelled shows with the value it had
// then.
//
// The instant is school-local: the school of the class (register), the
// student (diary) or the school itself (compliance) gives the IANA zone.
//
// Cost and bounds: the first query folds from position zero (about as long as
// a projection rebuild up to that position); the fold is kept, so a later
// query at the same or a later position only folds the difference, and an
// earlier one, or one of a view whose projections the fold lacks, starts
// again from zero. One fold runs at a time per AsOfReader.
//
// Thread safety: query() and try_query() may be called from any thread; they
// are serialised by an internal mutex.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "zhurnal/events/event_log.hpp"
#include "zhurnal/projections/views.hpp"
#include "zhurnal/replay/read_counting_log.hpp"

namespace zhurnal::replay {

enum class AsOfView { kRegister, kDiary, kCompliance };

struct AsOfQuery {
  std::string at;  // school-local "YYYY-MM-DD[ HH:MM[:SS]]"
  AsOfView view = AsOfView::kRegister;
  std::string class_id, subject_id, period_id;  // register (period may be empty: the current one)
  std::string student_id, date;                 // diary: the week containing `date`
  std::string school_id, month;                 // compliance: "YYYY-MM"
};

struct AsOfResult {
  std::string at;         // the instant, normalised "YYYY-MM-DD HH:MM:SS", school-local
  int64_t at_us = 0;      // the same instant, UTC microseconds
  std::string school_id;
  std::string time_zone;
  uint64_t position = 0;  // the last event folded (0: none yet at that instant)
  // schema::RegisterView, DiaryView or ComplianceView as its root, by `view`.
  projections::ViewMessage view;
};

struct AsOfOptions {
  events::EventLog* log = nullptr;  // must outlive the reader
  // Parent of the scratch view store (a fresh directory under it, removed
  // by the destructor); empty: the system temp directory.
  std::string scratch_parent;
  // The fold's rows kept in memory between bulk loads: the engine's
  // EngineOptions::bulk_memory_bytes (at 10.1M events a register's as-of
  // peaked at 1.42 GB with 1 GiB, 0.56 GB with 256 MiB: docs/benchmarks.md,
  // session 21).
  size_t bulk_memory_bytes = size_t{1} << 30;
};

class AsOfReader {
 public:
  explicit AsOfReader(AsOfOptions options);
  ~AsOfReader();
  AsOfReader(const AsOfReader&) = delete;
  AsOfReader& operator=(const AsOfReader&) = delete;

  // Errors: kInvalidArgument (malformed instant or month, empty ids),
  // kNotFound (unknown class, student, school, subject or period; or the view
  // did not exist yet at that instant), storage errors.
  events::Result<AsOfResult> query(const AsOfQuery& q);
  // The same, but gives up (nullopt) when another query holds the reader for
  // longer than `wait`.
  std::optional<events::Result<AsOfResult>> try_query(const AsOfQuery& q,
                                                      std::chrono::milliseconds wait);

  // The position the kept fold reflects (0 when none).
  uint64_t cached_position() const;
  // How far the fold of a query running now has come: the last position
  // it read and the one it folds to (for a progress display; any thread).
  struct FoldProgress {
    uint64_t done = 0, target = 0;
  };
  FoldProgress fold_progress() const;

 private:
  struct Fold;
  events::Result<AsOfResult> query_locked(const AsOfQuery& q);
  // Folds at least `projections` up to `position`.
  events::Status fold_to(uint64_t position, std::set<std::string> projections);

  AsOfOptions options_;
  std::unique_ptr<ReadCountingLog> counting_;  // options_.log, as the folds read it
  std::atomic<uint64_t> fold_target_{0};
  mutable std::timed_mutex mu_;
  std::unique_ptr<Fold> fold_;
};

// The instant's school for a query: the class's, the student's or the named
// school. Exposed for the server's permission check.
events::Result<std::string> as_of_school(events::EventLog& log, const AsOfQuery& q);

}  // namespace zhurnal::replay
