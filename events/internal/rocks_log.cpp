#include "rocks_log.hpp"

#include <spdlog/spdlog.h>

#include "codec.hpp"

namespace zhurnal::events::internal {
namespace {

constexpr auto kRecoveryInterval = std::chrono::seconds(1);

Status closed_status() { return {StatusCode::kClosed, "the event log is closed"}; }

}  // namespace

RocksLog::RocksLog(LogOptions options)
    : options_(std::move(options)),
      logger_(options_.logger),
      space_(options_.path, options_.min_free_bytes, options_.logger),
      live_(options_.live_buffer_events) {}

Result<std::unique_ptr<EventLog>> RocksLog::open(LogOptions options) {
  if (options.path.empty()) return error(StatusCode::kInvalidArgument, "log path is empty");
  if (options.max_group_events == 0) options.max_group_events = 1;
  auto store = RocksStore::open(options.path, options.create_if_missing, false);
  if (!store) return std::unexpected(store.error());
  std::unique_ptr<RocksLog> log(new RocksLog(std::move(options)));
  log->store_ = std::move(*store);
  if (Status s = log->load_tail(); !s.is_ok()) return std::unexpected(s);
  log->acker_ = std::thread([raw = log.get()] { raw->acker_loop(); });
  log->storage_ = std::thread([raw = log.get()] { raw->storage_loop(); });
  log->writer_ = std::thread([raw = log.get()] { raw->writer_loop(); });
  return std::unique_ptr<EventLog>(std::move(log));
}

RocksLog::~RocksLog() { close(); }

Status RocksLog::load_tail() {
  Result<Tail> tail = store_->tail();
  if (!tail) return tail.error();
  next_position_ = tail->position + 1;
  last_hash_ = tail->hash;
  last_recorded_at_us_ = std::max(last_recorded_at_us_, tail->recorded_at_us);
  heads_.clear();
  live_.reset(next_position_);
  {
    std::lock_guard lock(head_mu_);
    head_.store(tail->position, std::memory_order_release);
  }
  head_cv_.notify_all();
  return Status::ok();
}

int64_t RocksLog::now_us() const {
  if (options_.clock_us) return options_.clock_us();
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void RocksLog::append_async(std::vector<StreamAppend> streams, CommandContext context,
                            AppendCallback done) {
  Pending p{std::move(streams), std::move(context), std::move(done), 0, {}, {},
            std::chrono::steady_clock::now()};
  for (const StreamAppend& s : p.streams) p.events += s.events.size();
  // Work that needs no log state happens here, on the appender's thread, so
  // the single writer does less per event.
  p.invalid = validate_append(options_, p.streams, p.context, p.events);
  if (p.invalid.is_ok()) p.invalid = space_.check();  // a full disk: refused, nothing written
  if (p.invalid.is_ok()) {
    p.digest = p.context.request_digest ? *p.context.request_digest
                                        : request_digest(p.streams, p.context);
  }
  {
    std::lock_guard lock(queue_mu_);
    if (!closing_) {
      queued_events_ += p.events;
      queue_.push_back(std::move(p));
      queue_cv_.notify_one();
      return;
    }
  }
  p.done(std::unexpected(closed_status()));
}

void RocksLog::writer_loop() {
  std::vector<Pending> group;
  for (;;) {
    {
      // One group waits for the storage thread at most: the next one takes
      // in everything that arrives while that one and its predecessor write.
      std::unique_lock lock(stage_mu_);
      stage_cv_.wait(lock, [&] { return !ready_; });
    }
    {
      std::unique_lock lock(queue_mu_);
      queue_cv_.wait(lock, [&] { return closing_ || !queue_.empty(); });
      if (queue_.empty()) break;  // closing and drained
      // Everything that arrived while the previous group was syncing, within
      // the group bound (an oversized single append still goes alone).
      size_t events = 0;
      while (!queue_.empty() &&
             (group.empty() || events + queue_.front().events <= options_.max_group_events)) {
        events += queue_.front().events;
        queued_events_ -= queue_.front().events;
        group.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    commit_group(&group);
    group.clear();
  }
  {
    std::lock_guard lock(stage_mu_);
    stage_stop_ = true;
  }
  stage_cv_.notify_all();
  storage_.join();  // writes and answers what was handed over
}

Status RocksLog::recover() {
  const auto now = std::chrono::steady_clock::now();
  if (now - last_recovery_ < kRecoveryInterval) return failure_;
  last_recovery_ = now;
  std::unique_lock lock(store_mu_);
  store_.reset();  // releases the RocksDB lock so that it can be reopened
  auto rw = RocksStore::open(options_.path, false, false);
  if (!rw) {
    if (logger_) logger_->warn("event log reopen failed: {}", rw.error().to_string());
    auto ro = RocksStore::open(options_.path, false, true);
    if (ro) store_ = std::move(*ro);
    failure_ = rw.error();
    return failure_;
  }
  store_ = std::move(*rw);
  if (Status s = load_tail(); !s.is_ok()) {
    failure_ = s;
    return s;
  }
  if (logger_) logger_->info("event log reopened at position {}", next_position_ - 1);
  failure_ = Status::ok();
  return failure_;
}

void RocksLog::close() {
  {
    std::lock_guard lock(queue_mu_);
    if (closing_) {
      // Already closing or closed: wait for the writer only once.
    } else {
      closing_ = true;
      queue_cv_.notify_all();
    }
  }
  if (writer_.joinable()) writer_.join();
  {
    std::lock_guard lock(ack_mu_);
    ack_stop_ = true;
  }
  ack_cv_.notify_all();
  if (acker_.joinable()) acker_.join();  // every queued append has its answer
  closed_.store(true, std::memory_order_release);
  {
    std::lock_guard lock(head_mu_);
  }
  head_cv_.notify_all();
}

Result<std::vector<RecordedEvent>> RocksLog::read_stream(std::string_view stream,
                                                         uint64_t from_version,
                                                         Direction direction, size_t max) {
  std::shared_lock lock(store_mu_);
  if (!store_) return error(StatusCode::kIoError, "the event log store is not open");
  return store_->read_stream(stream, from_version, direction, max);
}

Result<std::vector<RecordedEvent>> RocksLog::read_all(uint64_t from_position, size_t max) {
  std::shared_lock lock(store_mu_);
  if (!store_) return error(StatusCode::kIoError, "the event log store is not open");
  return store_->read_all(from_position, max);
}

Status RocksLog::read_into(uint64_t from_position, size_t max, std::vector<RecordedEvent>* out,
                           EventFields fields) {
  std::shared_lock lock(store_mu_);
  if (!store_) {
    out->clear();
    return {StatusCode::kIoError, "the event log store is not open"};
  }
  return store_->read_all(from_position, max, out, fields);
}

Result<std::optional<AppendResult>> RocksLog::find_command(std::string_view command_id) {
  std::shared_lock lock(store_mu_);
  if (!store_) return error(StatusCode::kIoError, "the event log store is not open");
  return store_->find_command(command_id);
}

Result<uint64_t> RocksLog::stream_version(std::string_view stream) {
  std::shared_lock lock(store_mu_);
  if (!store_) return error(StatusCode::kIoError, "the event log store is not open");
  return store_->stream_version(stream);
}

void RocksLog::wait_for_head_past(uint64_t position, std::chrono::milliseconds wait) {
  std::unique_lock lock(head_mu_);
  head_cv_.wait_for(lock, wait, [&] {
    return head_.load(std::memory_order_acquire) > position ||
           closed_.load(std::memory_order_acquire);
  });
}

uint64_t RocksLog::add_commit_listener(CommitListener listener) {
  std::lock_guard lock(listeners_mu_);
  const uint64_t id = next_listener_id_++;
  listeners_.emplace_back(id, std::move(listener));
  return id;
}

void RocksLog::remove_commit_listener(uint64_t id) {
  std::lock_guard lock(listeners_mu_);
  std::erase_if(listeners_, [id](const auto& l) { return l.first == id; });
}

LogStats RocksLog::stats() const {
  LogStats s;
  s.head_position = head_position();
  s.appends = appends_.load(std::memory_order_relaxed);
  s.duplicates = duplicates_.load(std::memory_order_relaxed);
  s.rejected = rejected_.load(std::memory_order_relaxed);
  s.events = events_.load(std::memory_order_relaxed);
  s.groups = groups_.load(std::memory_order_relaxed);
  s.write_micros = write_micros_.load(std::memory_order_relaxed);
  s.fell_behind = fell_behind_.load(std::memory_order_relaxed);
  uint64_t g = 0, l = 0;
  for (size_t i = 0; i < s.group_sizes.size(); ++i) {
    s.group_sizes[i] = g += group_sizes_[i].load(std::memory_order_relaxed);
    s.append_latency[i] = l += latency_[i].load(std::memory_order_relaxed);
  }
  s.append_latency_sum_us = latency_sum_us_.load(std::memory_order_relaxed);
  return s;
}

}  // namespace zhurnal::events::internal
