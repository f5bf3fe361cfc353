// RocksLog: EventLog on RocksDB with a single sequencer thread.
//
// The sequencer owns all position and version assignment: positions, stream
// versions, hashes and idempotency are decided here from the log's own
// records, never from RocksDB sequence numbers, so that another sequencer (a
// replicated log) can take its place behind the EventLog interface.
//
// Group commit: the writer thread takes every append queued while the
// previous write was syncing (up to LogOptions::max_group_events), checks and
// encodes them against the group's running state into one WriteBatch, and
// hands the batch to the storage thread, which writes it with one sync.
// Each append in the group succeeds or fails on its own checks; a failed
// storage write fails every append of the group.
//
// Pipeline: while the storage thread writes and syncs group N, the writer
// already builds group N+1 (and at most one more) on the state N will leave:
// positions, the hash chain and stream heads move ahead before N is durable,
// and command ids of groups still in flight are checked from memory. Nothing
// of N+1 is visible to anyone before N and N+1 are durable. When N's write
// fails, every group built after it fails unwritten too, and the writer
// waits for the pipeline to empty before it recovers.
//
// Failure: after a failed write (disk full, I/O error) the store is closed and
// reopened before the next write, so that the in-memory state is reloaded
// from what is really on disk; while reopening read-write fails, the store is
// open read-only and reads go on. Reopen is tried at most once a second.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "disk_space.hpp"
#include "live_buffer.hpp"
#include "rocks_store.hpp"
#include "zhurnal/events/event_log.hpp"

namespace zhurnal::events::internal {

// Checks an append on its own (sizes, ids, limits); group_commit.cpp.
Status validate_append(const LogOptions& options, const std::vector<StreamAppend>& streams,
                       const CommandContext& context, size_t events);

class RocksLog final : public EventLog {
 public:
  static Result<std::unique_ptr<EventLog>> open(LogOptions options);
  ~RocksLog() override;

  void append_async(std::vector<StreamAppend> streams, CommandContext context,
                    AppendCallback done) override;
  Result<std::vector<RecordedEvent>> read_stream(std::string_view stream, uint64_t from_version,
                                                 Direction direction, size_t max) override;
  Result<std::vector<RecordedEvent>> read_all(uint64_t from_position, size_t max) override;
  using EventLog::read_all;
  Status read_into(uint64_t from_position, size_t max, std::vector<RecordedEvent>* out,
                   EventFields fields) override;
  Result<std::optional<AppendResult>> find_command(std::string_view command_id) override;
  Result<uint64_t> stream_version(std::string_view stream) override;
  uint64_t head_position() const override { return head_.load(std::memory_order_acquire); }
  using EventLog::subscribe;
  std::unique_ptr<Subscription> subscribe(uint64_t after_position, EventFields fields) override;
  uint64_t add_commit_listener(CommitListener listener) override;
  void remove_commit_listener(uint64_t id) override;
  Result<VerifyReport> verify(std::function<void(uint64_t)> progress) override;
  LogStats stats() const override;
  void close() override;

  // For backups (backup.cpp): runs fn with the open store while holding the
  // store lock shared, so that recovery cannot swap it meanwhile.
  Status with_store(const std::function<Status(RocksStore&)>& fn);

  // For subscriptions: waits until the head passes `position`, the log
  // closes, or `wait` elapses.
  void wait_for_head_past(uint64_t position, std::chrono::milliseconds wait);
  const LiveBuffer& live() const { return live_; }
  void count_fell_behind() { fell_behind_.fetch_add(1, std::memory_order_relaxed); }

 private:
  struct Pending {
    std::vector<StreamAppend> streams;
    CommandContext context;
    AppendCallback done;
    size_t events = 0;
    Status invalid;  // the append's own checks, made before queueing
    Hash digest{};   // request_digest(streams, context)
    std::chrono::steady_clock::time_point queued{};
  };
  class Group;

  explicit RocksLog(LogOptions options);
  void writer_loop();
  // Writer thread: checks and encodes a group and hands it to the storage
  // thread (group_commit.cpp).
  void commit_group(std::vector<Pending>* group);
  // Storage thread: writes each group handed over, in order, publishes it and
  // acknowledges its appends.
  void storage_loop();
  void finish_group(Group* g);
  // Writer thread: waits until every group handed over is answered.
  void drain_pipeline();
  // Hands a group's answers to the acknowledgement thread, in commit order.
  void acknowledge(std::vector<Pending>* group, std::vector<Result<AppendResult>> results);
  void acker_loop();
  Status recover();
  Status load_tail();
  int64_t now_us() const;

  const LogOptions options_;
  std::shared_ptr<spdlog::logger> logger_;
  DiskSpaceGuard space_;  // checked by append_async (LogOptions::min_free_bytes)

  // The store; the pointer changes only during recovery, under an exclusive
  // lock. Readers hold a shared lock while they use it.
  mutable std::shared_mutex store_mu_;
  std::unique_ptr<RocksStore> store_;

  // At most this many stream heads are cached before the cache is emptied.
  static constexpr size_t kMaxCachedHeads = 1 << 20;

  // Writer-thread state (touched only by the writer thread after open).
  std::unordered_map<std::string, uint64_t> heads_;  // stream -> version, a cache
  uint64_t next_position_ = 1;
  Hash last_hash_{};
  int64_t last_recorded_at_us_ = 0;
  Status failure_;  // non-ok after a failed write until recovery succeeds
  std::chrono::steady_clock::time_point last_recovery_{};
  // Command ids appended by groups handed to the storage thread but maybe
  // not yet written (views into those groups' requests), and the groups,
  // kept until written. A retry of one of them waits for the pipeline to
  // drain and then finds the receipt in the store: rare, and nothing is
  // copied for the common case.
  std::unordered_set<std::string_view> in_flight_;
  std::deque<std::shared_ptr<Group>> in_flight_groups_;
  uint64_t next_seq_ = 1;

  // The pipeline between the writer and the storage thread: at most one group
  // waiting (`ready_`) and one being written (`writing_`).
  std::mutex stage_mu_;
  std::condition_variable stage_cv_;
  std::shared_ptr<Group> ready_;
  bool writing_ = false;
  bool stage_stop_ = false;
  Status stage_failure_;  // the failed write that poisons later groups
  std::atomic<uint64_t> completed_seq_{0};  // the last group written (or failed)
  std::thread storage_;

  // The queue between appenders and the writer.
  std::mutex queue_mu_;
  std::condition_variable queue_cv_;
  std::deque<Pending> queue_;
  size_t queued_events_ = 0;
  bool closing_ = false;
  std::thread writer_;

  // Answers on their way to the appenders. Waking up to 64 waiting threads
  // costs as much as a sync; a separate thread does it while the writer
  // already commits the next group.
  struct Answers {
    std::vector<AppendCallback> callbacks;
    std::vector<Result<AppendResult>> results;
    std::vector<std::chrono::steady_clock::time_point> queued;
  };
  std::mutex ack_mu_;
  std::condition_variable ack_cv_;
  std::deque<Answers> acks_;
  bool ack_stop_ = false;
  std::thread acker_;

  // Published state.
  std::atomic<uint64_t> head_{0};
  std::mutex head_mu_;
  std::condition_variable head_cv_;
  std::atomic<bool> closed_{false};
  LiveBuffer live_;
  std::mutex listeners_mu_;
  std::vector<std::pair<uint64_t, CommitListener>> listeners_;
  uint64_t next_listener_id_ = 1;

  std::atomic<uint64_t> appends_{0}, duplicates_{0}, rejected_{0}, events_{0}, groups_{0},
      write_micros_{0}, fell_behind_{0}, latency_sum_us_{0};
  std::array<std::atomic<uint64_t>, 12> group_sizes_{};
  std::array<std::atomic<uint64_t>, 12> latency_{};
};

}  // namespace zhurnal::events::internal
