// EventLog: the durable, ordered, tamper-evident journal of every change.
//
// Contract (docs/design.md, docs/storage-format.md):
// - Positions are global, 1-based and contiguous; stream versions are 1-based.
// - An append is all-or-nothing across all of its streams. It is acknowledged
//   (its callback runs, or append() returns) only after the storage write has
//   been made durable according to LogOptions::durability.
// - A command id is an idempotency key kept forever: a retry of the same
//   request returns the original AppendResult with duplicate = true and writes
//   nothing; the same id with a different request is kIdempotencyConflict.
// - A rejected append writes nothing.
// - Each stored event carries the SHA-256 of its predecessor; its own hash is
//   SHA-256(prev_hash || encoded envelope). verify() walks the chain.
//
// Thread safety: every method may be called from any thread. Appends are
// sequenced by a single writer thread that commits whatever arrived while the
// previous write was being synced as one group (group commit).
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "zhurnal/events/status.hpp"
#include "zhurnal/events/types.hpp"

namespace spdlog {
class logger;
}

namespace zhurnal::events {

enum class Durability : uint8_t {
  kSync,      // fsync the WAL before acknowledging (default): survives power loss
  kBuffered,  // write the WAL to the OS, no fsync: survives a process crash only
};

struct LogOptions {
  std::string path;  // directory of the RocksDB instance
  Durability durability = Durability::kSync;
  bool create_if_missing = true;
  // Upper bound on events committed in one WriteBatch (one sync).
  size_t max_group_events = 4096;
  // Recent events kept in memory for live subscribers. A subscriber further
  // behind than this reads from storage instead (catch-up).
  size_t live_buffer_events = 1 << 16;
  // Limits on what one append may carry.
  size_t max_events_per_append = 10000;
  size_t max_payload_bytes = 1 << 20;
  // Wall clock in UTC microseconds; injectable for tests. Recorded times never
  // go backwards even if this clock does.
  std::function<int64_t()> clock_us;
  std::shared_ptr<spdlog::logger> logger;  // may be null
  // Appends are refused with kNoSpace (nothing written) while the filesystem
  // of `path` has less free space than this, so that the view store and
  // RocksDB's background work keep headroom (docs/design.md, "Disk full").
  // 0 turns the check off.
  uint64_t min_free_bytes = 0;
  // For tests of a slow or failing disk: called on the storage thread before
  // each group's write; a non-ok status fails that write as a failed storage
  // write would (the log then recovers by reopening, as after a real one).
  std::function<Status()> before_write_for_testing;
};

struct LogStats {
  uint64_t head_position = 0;
  uint64_t appends = 0;      // acknowledged, non-duplicate appends
  uint64_t duplicates = 0;   // retries answered from the idempotency store
  uint64_t rejected = 0;     // appends refused (version conflict, bad input, I/O)
  uint64_t events = 0;       // events written since open
  uint64_t groups = 0;       // storage writes (syncs) since open
  uint64_t write_micros = 0; // time spent in storage writes
  uint64_t fell_behind = 0;  // subscribers switched from live to catch-up
  // Histograms, cumulative counts per upper bound (the last bound is +Inf).
  static constexpr std::array<uint64_t, 11> kGroupSizeBounds = {1, 2, 4, 8, 16, 32, 64, 128, 256, 1024, 4096};
  static constexpr std::array<uint64_t, 11> kAppendLatencyBoundsUs = {100,   250,   500,   1000,  2000, 5000,
                                                                       10000, 25000, 50000, 100000, 1000000};
  std::array<uint64_t, 12> group_sizes{};     // events per storage write
  std::array<uint64_t, 12> append_latency{};  // enqueue to acknowledgement, microseconds
  uint64_t append_latency_sum_us = 0;
};

struct VerifyReport {
  uint64_t events = 0;
  uint64_t first_bad_position = 0;  // 0 when the log verified
  std::string problem;              // empty when the log verified
  bool ok() const { return first_bad_position == 0 && problem.empty(); }
};

// What a subscriber gets from one call to next().
struct SubscriptionBatch {
  std::vector<RecordedEvent> events;
  bool live = false;         // served from the in-memory live buffer
  bool fell_behind = false;  // was live, fell out of the buffer, now catching up
};

// A cursor over the log that catches up through history and then follows the
// head, with no gap and no duplicate: it delivers positions strictly in order,
// each once. Not thread-safe: one consumer per Subscription.
class Subscription {
 public:
  virtual ~Subscription() = default;
  // The events after position(), at most `max`, waiting up to `wait` when
  // there are none yet (an empty batch on timeout or when the log closes).
  Result<SubscriptionBatch> next(size_t max, std::chrono::milliseconds wait) {
    SubscriptionBatch batch;
    if (Status s = next_into(max, wait, &batch); !s.is_ok()) return std::unexpected(s);
    return batch;
  }
  // The same into `batch`, replacing what it held: its events and their
  // strings are decoded into again, so that a catch-up reading batch after
  // batch into the same two allocates next to nothing per event. On an
  // error `batch` holds no events.
  virtual Status next_into(size_t max, std::chrono::milliseconds wait, SubscriptionBatch* batch) = 0;
  // The last position delivered (the resume point).
  virtual uint64_t position() const = 0;
};

class EventLog {
 public:
  using AppendCallback = std::function<void(Result<AppendResult>)>;
  using CommitListener = std::function<void(uint64_t head_position)>;

  virtual ~EventLog() = default;

  // Appends atomically to one or more streams. `done` runs exactly once, on
  // the log's acknowledgement thread (in commit order), after the write is
  // durable or the append is rejected; it must not block.
  virtual void append_async(std::vector<StreamAppend> streams, CommandContext context,
                            AppendCallback done) = 0;

  // Blocking forms of append_async.
  Result<AppendResult> append(std::vector<StreamAppend> streams, CommandContext context);
  Result<AppendResult> append(std::string_view stream, ExpectedVersion expected,
                              std::vector<EventData> events, CommandContext context);

  // Events of one stream starting at `from_version` (inclusive), at most
  // `max`. Backward reads go down from `from_version`; pass UINT64_MAX to
  // start at the stream's last event.
  virtual Result<std::vector<RecordedEvent>> read_stream(std::string_view stream,
                                                         uint64_t from_version,
                                                         Direction direction, size_t max) = 0;
  // Events with position >= `from_position`, in order, at most `max`.
  virtual Result<std::vector<RecordedEvent>> read_all(uint64_t from_position, size_t max) = 0;
  // The same into `out`, which is resized to the events read. Elements that
  // `out` already holds are decoded into in place, so a reader that passes the
  // same vector batch after batch reuses their strings' storage (replay,
  // catch-up). On error `out` holds what was read before the bad position.
  Status read_all(uint64_t from_position, size_t max, std::vector<RecordedEvent>* out) {
    return read_into(from_position, max, out, EventFields::kAll);
  }
  // The same with at least `fields` filled in (the others may be left empty).
  virtual Status read_into(uint64_t from_position, size_t max, std::vector<RecordedEvent>* out,
                           EventFields fields);

  // The original result of the append made under `command_id` (duplicate =
  // true), or nullopt when the id was never used.
  virtual Result<std::optional<AppendResult>> find_command(std::string_view command_id) = 0;

  // Current version of a stream (0 when it does not exist).
  virtual Result<uint64_t> stream_version(std::string_view stream) = 0;
  // The last committed position (0 for an empty log).
  virtual uint64_t head_position() const = 0;

  // A subscription that delivers every event after `after_position`.
  std::unique_ptr<Subscription> subscribe(uint64_t after_position) {
    return subscribe(after_position, EventFields::kAll);
  }
  // The same with at least `fields` of each event filled in.
  virtual std::unique_ptr<Subscription> subscribe(uint64_t after_position, EventFields fields) = 0;

  // Registers a function called on the writer thread after every commit with
  // the new head. It must return quickly (post work elsewhere); it runs while
  // no append waits on it. Returns an id for remove_commit_listener.
  virtual uint64_t add_commit_listener(CommitListener listener) = 0;
  virtual void remove_commit_listener(uint64_t id) = 0;

  // The full audit of LogReader::verify (contiguous positions, envelopes
  // agreeing with their keys, the hash chain, recorded times, stream
  // versions, the stream index and the idempotency receipts), over a
  // snapshot: appends made meanwhile are not seen. `progress` (may be empty)
  // is called now and then with the number of events checked.
  virtual Result<VerifyReport> verify(std::function<void(uint64_t)> progress = {}) = 0;

  virtual LogStats stats() const = 0;

  // Stops the writer after the appends already queued; later appends fail
  // with kClosed. Idempotent; the destructor calls it.
  virtual void close() = 0;
};

// Opens (or creates) the RocksDB-backed log at options.path.
Result<std::unique_ptr<EventLog>> open_event_log(LogOptions options);

}  // namespace zhurnal::events
