// The sequencer's commit of one group of appends: checks, position and
// version assignment, encoding, the hash chain, one WriteBatch (writer
// thread); one write with one sync, publication, answers (storage thread).
#include <spdlog/spdlog.h>

#include <unordered_set>

#include "codec.hpp"
#include "keys.hpp"
#include "rocks_log.hpp"

namespace zhurnal::events::internal {

// The running state of one group: stream heads and command ids as they will
// be once the group commits. Nothing here is visible outside the writer until
// the batch is durable.
class RocksLog::Group {
 public:
  Group(RocksLog* log, int64_t now, uint64_t seq, std::vector<Pending> pending)
      : pending_(std::move(pending)), now_(now), seq_(seq), log_(log) {
    next_position_ = log->next_position_;
    prev_hash_ = log->last_hash_;
    duplicate_of_.assign(pending_.size(), SIZE_MAX);
    results_.reserve(pending_.size());
  }

  // Checks append `index` and, when it passes, adds its writes to the batch.
  // Returns the append's result; for an in-group duplicate, sets
  // duplicate_of_[index] and returns a placeholder.
  Result<AppendResult> add(size_t index);

  std::vector<Pending> pending_;
  std::vector<Result<AppendResult>> results_;  // one per pending append
  std::vector<size_t> duplicate_of_;           // SIZE_MAX, or the earlier index
  const int64_t now_;
  const uint64_t seq_;

  rocksdb::WriteBatch batch_;
  std::vector<std::string> values_;  // stored values, in position order, for the live buffer
  std::unordered_map<std::string, uint64_t> overlay_;  // stream -> version after the group
  uint64_t first_position_ = 0;
  uint64_t next_position_;
  Hash prev_hash_;

 private:
  Result<uint64_t> current_version(const std::string& stream);

  RocksLog* log_;
  std::unordered_map<std::string, std::pair<size_t, Hash>> commands_;  // id -> (index, digest)
};

Status validate_append(const LogOptions& o, const std::vector<StreamAppend>& streams,
                       const CommandContext& context, size_t events) {
  if (context.command_id.empty() || context.command_id.size() > kMaxCommandIdBytes) {
    return {StatusCode::kInvalidArgument, "command id must be 1 to 200 bytes"};
  }
  if (streams.empty()) return {StatusCode::kInvalidArgument, "append has no streams"};
  if (events == 0) return {StatusCode::kInvalidArgument, "append has no events"};
  if (events > o.max_events_per_append) {
    return {StatusCode::kInvalidArgument, "append has too many events"};
  }
  std::unordered_set<std::string_view> seen;
  for (const StreamAppend& s : streams) {
    if (!valid_stream_id(s.stream)) {
      return {StatusCode::kInvalidArgument, "invalid stream id"};
    }
    if (!seen.insert(s.stream).second) {
      return {StatusCode::kInvalidArgument, "stream " + s.stream + " appears twice in one append"};
    }
    if (s.events.empty()) {
      return {StatusCode::kInvalidArgument, "stream " + s.stream + " has no events"};
    }
    for (const EventData& e : s.events) {
      if (e.type.empty() || e.type.size() > 200) {
        return {StatusCode::kInvalidArgument, "event type must be 1 to 200 bytes"};
      }
      if (e.payload.size() > o.max_payload_bytes) {
        return {StatusCode::kInvalidArgument, "event payload is too large"};
      }
    }
  }
  return Status::ok();
}

Result<uint64_t> RocksLog::Group::current_version(const std::string& stream) {
  if (auto it = overlay_.find(stream); it != overlay_.end()) return it->second;
  if (auto it = log_->heads_.find(stream); it != log_->heads_.end()) return it->second;
  Result<uint64_t> v = log_->store_->stream_version(stream);
  if (v) log_->heads_.emplace(stream, *v);  // committed state: safe to cache
  return v;
}

Result<AppendResult> RocksLog::Group::add(size_t index) {
  const Pending& p = pending_[index];
  // Checked and digested by the appender's thread (append_async).
  if (!p.invalid.is_ok()) return std::unexpected(p.invalid);
  const Hash& digest = p.digest;

  // Idempotency: first this group, then groups still in flight, then the store.
  if (auto it = commands_.find(p.context.command_id); it != commands_.end()) {
    if (it->second.second != digest) {
      return error(StatusCode::kIdempotencyConflict,
                   "command id " + p.context.command_id + " was used for another request");
    }
    duplicate_of_[index] = it->second.first;
    return AppendResult{};
  }
  if (log_->in_flight_.contains(p.context.command_id)) {
    // Its original is on its way to disk: once written, the store answers.
    // Should that write fail, this group fails with it.
    log_->drain_pipeline();
  }
  Result<std::optional<std::string>> receipt = log_->store_->get_receipt(p.context.command_id);
  if (!receipt) return std::unexpected(receipt.error());
  if (receipt->has_value()) {
    AppendResult original;
    Hash stored_digest;
    if (Status s = decode_receipt(**receipt, &original, &stored_digest); !s.is_ok()) {
      return std::unexpected(s);
    }
    if (stored_digest != digest) {
      return error(StatusCode::kIdempotencyConflict,
                   "command id " + p.context.command_id + " was used for another request");
    }
    return original;  // duplicate = true
  }

  // Optimistic concurrency: all streams pass, or nothing is written.
  std::vector<uint64_t> versions;
  versions.reserve(p.streams.size());
  for (const StreamAppend& s : p.streams) {
    Result<uint64_t> current = current_version(s.stream);
    if (!current) return std::unexpected(current.error());
    if (!s.expected.matches(*current)) {
      return std::unexpected(Status::wrong_expected_version(s.stream, *current));
    }
    versions.push_back(*current);
  }

  // Should building the batch fail half-way, the group forgets this append.
  batch_.SetSavePoint();
  const uint64_t saved_position = next_position_;
  const Hash saved_hash = prev_hash_;
  const size_t saved_values = values_.size();
  auto undo = [&](const rocksdb::Status& st) -> Result<AppendResult> {
    rocksdb::Status rs = batch_.RollbackToSavePoint();
    rs.PermitUncheckedError();
    next_position_ = saved_position;
    prev_hash_ = saved_hash;
    values_.resize(saved_values);
    return std::unexpected(from_rocksdb(st, "build batch"));
  };

  AppendResult result;
  result.first_position = next_position_;
  result.recorded_at_us = now_;
  EnvelopeFields f;
  f.recorded_at_us = now_;
  f.context = &p.context;
  std::string stream_pos;
  for (size_t i = 0; i < p.streams.size(); ++i) {
    const StreamAppend& s = p.streams[i];
    uint64_t version = versions[i];
    f.stream = s.stream;
    for (const EventData& e : s.events) {
      f.position = next_position_;
      f.stream_version = ++version;
      f.type = e.type;
      f.payload = e.payload;
      f.prev_hash = &prev_hash_;
      Hash hash;
      std::string value = encode_stored_event(f, &hash);
      const std::string pos_key = position_key(next_position_);
      stream_pos.clear();
      put_u64be(&stream_pos, next_position_);
      rocksdb::Status st = batch_.Put(log_->store_->log_cf(), pos_key, value);
      if (st.ok()) {
        st = batch_.Put(log_->store_->streams_cf(), stream_key(s.stream, version), stream_pos);
      }
      if (!st.ok()) return undo(st);
      values_.push_back(std::move(value));
      prev_hash_ = hash;
      ++next_position_;
    }
    result.streams.push_back({s.stream, version});
  }
  result.last_position = next_position_ - 1;
  rocksdb::Status st =
      batch_.Put(log_->store_->commands_cf(), p.context.command_id, encode_receipt(result, digest));
  if (!st.ok()) return undo(st);
  rocksdb::Status ps = batch_.PopSavePoint();
  ps.PermitUncheckedError();
  if (first_position_ == 0) first_position_ = result.first_position;
  for (const StreamVersion& sv : result.streams) overlay_[sv.stream] = sv.version;
  commands_.emplace(p.context.command_id, std::make_pair(index, digest));
  return result;
}

void RocksLog::commit_group(std::vector<Pending>* group) {
  const size_t n = group->size();
  {
    // A failed write poisons the groups built on it: wait until they are
    // answered, then start again from what is on disk.
    std::unique_lock lock(stage_mu_);
    if (!stage_failure_.is_ok()) {
      stage_cv_.wait(lock, [&] { return !ready_ && !writing_; });
      failure_ = stage_failure_;
      stage_failure_ = Status::ok();
    }
  }
  // Command ids of written groups are in the store now.
  const uint64_t completed = completed_seq_.load(std::memory_order_acquire);
  while (!in_flight_groups_.empty() && in_flight_groups_.front()->seq_ <= completed) {
    for (const Pending& p : in_flight_groups_.front()->pending_) {
      // Only this group's own entry: a later group may hold the same id.
      auto it = in_flight_.find(p.context.command_id);
      if (it != in_flight_.end() && it->data() == p.context.command_id.data()) in_flight_.erase(it);
    }
    in_flight_groups_.pop_front();
  }
  if (heads_.size() > kMaxCachedHeads) {
    drain_pipeline();  // heads of groups in flight are not on disk yet
    heads_.clear();
  }

  if (!failure_.is_ok()) {
    Status s = recover();  // the pipeline is empty: see above
    if (!s.is_ok()) {
      rejected_.fetch_add(n, std::memory_order_relaxed);
      acknowledge(group, std::vector<Result<AppendResult>>(n, std::unexpected(s)));
      return;
    }
  }

  const int64_t now = std::max(now_us(), last_recorded_at_us_);
  auto g = std::make_shared<Group>(this, now, next_seq_++, std::move(*group));
  {
    std::shared_lock store_lock(store_mu_);  // the writer never races recovery, but readers do
    for (size_t i = 0; i < n; ++i) g->results_.push_back(g->add(i));
  }

  // Move the writer's state ahead as if the group were written already.
  if (g->first_position_ != 0) {
    for (auto& [stream, version] : g->overlay_) heads_[stream] = version;
    next_position_ = g->next_position_;
    last_hash_ = g->prev_hash_;
    last_recorded_at_us_ = now;
    for (size_t i = 0; i < n; ++i) {
      const Result<AppendResult>& r = g->results_[i];
      if (!r || r->duplicate || g->duplicate_of_[i] != SIZE_MAX) continue;
      in_flight_.insert(g->pending_[i].context.command_id);
    }
    in_flight_groups_.push_back(g);
  }

  std::unique_lock lock(stage_mu_);
  stage_cv_.wait(lock, [&] { return !ready_; });
  ready_ = std::move(g);
  lock.unlock();
  stage_cv_.notify_all();
}

void RocksLog::drain_pipeline() {
  std::unique_lock lock(stage_mu_);
  stage_cv_.wait(lock, [&] { return !ready_ && !writing_; });
}

void RocksLog::storage_loop() {
  for (;;) {
    std::shared_ptr<Group> g;
    {
      std::unique_lock lock(stage_mu_);
      stage_cv_.wait(lock, [&] { return stage_stop_ || ready_; });
      if (!ready_) return;  // stopping and drained
      g = std::move(ready_);
      writing_ = true;
    }
    stage_cv_.notify_all();  // the writer may hand over the next group
    finish_group(g.get());
    {
      std::lock_guard lock(stage_mu_);
      writing_ = false;
      completed_seq_.store(g->seq_, std::memory_order_release);
    }
    stage_cv_.notify_all();
  }
}

void RocksLog::finish_group(Group* g) {
  const size_t n = g->pending_.size();
  std::vector<Result<AppendResult>>& results = g->results_;

  Status poisoned;
  {
    std::lock_guard lock(stage_mu_);
    poisoned = stage_failure_;
  }
  Status write_status = poisoned;
  if (poisoned.is_ok() && g->first_position_ != 0) {
    std::shared_lock store_lock(store_mu_);
    const auto start = std::chrono::steady_clock::now();
    if (options_.before_write_for_testing) write_status = options_.before_write_for_testing();
    if (write_status.is_ok()) {
      write_status = store_->write(&g->batch_, options_.durability == Durability::kSync);
    }
    const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
                            std::chrono::steady_clock::now() - start)
                            .count();
    write_micros_.fetch_add(micros, std::memory_order_relaxed);
    groups_.fetch_add(1, std::memory_order_relaxed);
    const uint64_t size = g->next_position_ - g->first_position_;
    size_t b = 0;
    while (b < LogStats::kGroupSizeBounds.size() && size > LogStats::kGroupSizeBounds[b]) ++b;
    group_sizes_[b].fetch_add(1, std::memory_order_relaxed);
    if (!write_status.is_ok()) {
      if (logger_) logger_->error("event log write failed: {}", write_status.to_string());
      std::lock_guard lock(stage_mu_);
      stage_failure_ = write_status;
    }
  }

  const bool wrote = poisoned.is_ok() && g->first_position_ != 0 && write_status.is_ok();
  if (wrote) {
    const uint64_t written = g->next_position_ - g->first_position_;
    live_.push(g->first_position_, &g->values_);
    events_.fetch_add(written, std::memory_order_relaxed);
    {
      std::lock_guard lock(head_mu_);
      head_.store(g->next_position_ - 1, std::memory_order_release);
    }
    head_cv_.notify_all();
    // Listeners hear of the commit before any appender is answered, so that
    // an answered append is always visible to them.
    std::lock_guard lock(listeners_mu_);
    for (auto& [id, listener] : listeners_) listener(g->next_position_ - 1);
  }

  // Each append now has its final answer.
  for (size_t i = 0; i < n; ++i) {
    Result<AppendResult>& r = results[i];
    if (!poisoned.is_ok()) {
      // Built on the state of a group that failed: only the request's own
      // checks still stand.
      if (g->pending_[i].invalid.is_ok()) r = std::unexpected(poisoned);
    } else if (g->duplicate_of_[i] != SIZE_MAX) {
      r = results[g->duplicate_of_[i]];
      if (r) r->duplicate = true;
    } else if (r && !r->duplicate && !write_status.is_ok()) {
      r = std::unexpected(write_status);
    }
  }
  for (const Result<AppendResult>& r : results) {
    if (!r) {
      rejected_.fetch_add(1, std::memory_order_relaxed);
    } else if (r->duplicate) {
      duplicates_.fetch_add(1, std::memory_order_relaxed);
    } else {
      appends_.fetch_add(1, std::memory_order_relaxed);
    }
  }
  acknowledge(&g->pending_, std::move(results));
}

void RocksLog::acknowledge(std::vector<Pending>* group, std::vector<Result<AppendResult>> results) {
  Answers answers;
  answers.callbacks.reserve(group->size());
  for (Pending& p : *group) {
    answers.callbacks.push_back(std::move(p.done));
    answers.queued.push_back(p.queued);
  }
  answers.results = std::move(results);
  {
    std::lock_guard lock(ack_mu_);
    acks_.push_back(std::move(answers));
  }
  ack_cv_.notify_one();
}

void RocksLog::acker_loop() {
  for (;;) {
    Answers answers;
    {
      std::unique_lock lock(ack_mu_);
      ack_cv_.wait(lock, [&] { return ack_stop_ || !acks_.empty(); });
      if (acks_.empty()) return;  // stopping and drained
      answers = std::move(acks_.front());
      acks_.pop_front();
    }
    const auto now = std::chrono::steady_clock::now();
    for (size_t i = 0; i < answers.callbacks.size(); ++i) {
      answers.callbacks[i](std::move(answers.results[i]));
      const uint64_t us = static_cast<uint64_t>(
          std::chrono::duration_cast<std::chrono::microseconds>(now - answers.queued[i]).count());
      size_t b = 0;
      while (b < LogStats::kAppendLatencyBoundsUs.size() && us > LogStats::kAppendLatencyBoundsUs[b]) ++b;
      latency_[b].fetch_add(1, std::memory_order_relaxed);
      latency_sum_us_.fetch_add(us, std::memory_order_relaxed);
    }
  }
}

}  // namespace zhurnal::events::internal
