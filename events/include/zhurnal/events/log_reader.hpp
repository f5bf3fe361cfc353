// LogReader: the log opened read-only beside whoever holds it, for auditors'
// and operators' tools (`zhurnal replay verify`, `replay export`); and
// open_log_snapshot(), the same as a read-only EventLog (`replay history`,
// `replay as-of`).
//
// It is a RocksDB secondary instance: it needs no lock, so it works while
// `zhurnal serve` runs, and it sees the primary's writes up to the last
// catch_up() (open() catches up once). Between catch-ups it reads a fixed
// state, so a walk over the log and its indexes sees one consistent log.
//
// Thread safety: one thread at a time.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "zhurnal/events/event_log.hpp"
#include "zhurnal/events/status.hpp"
#include "zhurnal/events/types.hpp"

namespace zhurnal::events {

class LogReader {
 public:
  struct Options {
    std::string path;  // the log's RocksDB directory (DATA/log)
    // A directory of the reader's own for RocksDB's info log; empty: a fresh
    // directory under the system temp directory, removed by the destructor.
    std::string scratch_dir;
  };

  // Called for every event in order with its stored envelope: the exact
  // bytes its hash covers (docs/storage-format.md, "Hash chain").
  using Visitor = std::function<bool(const RecordedEvent& event, std::string_view envelope)>;
  using Observer = std::function<void(const RecordedEvent& event, std::string_view envelope)>;

  // kNotFound when there is no log at options.path; kCorruption when it is
  // not a zhurnal log.
  static Result<std::unique_ptr<LogReader>> open(Options options);
  virtual ~LogReader() = default;

  // Reads what the primary appended since the last catch-up.
  virtual Status catch_up() = 0;
  // The last position present (0 for an empty log), as of the last catch-up.
  virtual Result<uint64_t> head_position() = 0;

  // The full audit, up to the head seen at the last catch-up: contiguous
  // positions, envelopes agreeing with their keys, the hash chain, recorded
  // times that never go back, stream versions contiguous per stream, every
  // event's stream index entry, every append's idempotency receipt, and no
  // index entry or receipt that the log does not account for. Names the
  // first bad position. `visit` (may be empty) sees every event that passed
  // its own checks, in order, with the fields EventFields::kAudit names (its
  // envelope holds the rest); `progress` (may be empty) gets the number of
  // events checked now and then. An error is returned only when the walk
  // itself could not run (I/O); damage is reported in the VerifyReport.
  virtual Result<VerifyReport> verify(const std::function<void(uint64_t)>& progress,
                                      const Observer& visit) = 0;

  // Calls fn for each event from `from_position` in order until fn returns
  // false. Checks positions are contiguous and envelopes decode (kCorruption
  // naming the position otherwise); does not check hashes (verify does).
  virtual Status scan(uint64_t from_position, const Visitor& fn) = 0;
};

// The log at options.path as a read-only EventLog holding what the log held
// when this opened, through a secondary instance as LogReader::open()'s: a
// running server may hold the log meanwhile, and what it appends later is
// not seen. For the tools that read the log through EventLog (`replay
// history`, `replay as-of`). Appends are refused (kInvalidArgument), no
// commit listener is ever called, and subscriptions end at that head
// without waiting; verify() audits the state it holds. Errors as open()'s.
// Thread safety: as EventLog's (every method from any thread).
Result<std::unique_ptr<EventLog>> open_log_snapshot(LogReader::Options options);

}  // namespace zhurnal::events
