#include "zhurnal/events/log_reader.hpp"

#include <stdlib.h>

#include <algorithm>
#include <filesystem>

#include "audit.hpp"
#include "codec.hpp"
#include "rocks_store.hpp"

namespace zhurnal::events {
namespace {

namespace fs = std::filesystem;

// A secondary instance of the log and the scratch directory it was opened
// with, removed with it when this opened it.
class Secondary {
 public:
  static Result<std::unique_ptr<Secondary>> open(LogReader::Options options) {
    std::error_code ec;
    if (!fs::exists(fs::path(options.path) / "CURRENT", ec)) {
      return error(StatusCode::kNotFound, "no event log at " + options.path);
    }
    std::unique_ptr<Secondary> s(new Secondary());
    if (options.scratch_dir.empty()) {
      std::string tmpl = (fs::temp_directory_path(ec) / "zhurnal-reader-XXXXXX").string();
      if (ec || mkdtemp(tmpl.data()) == nullptr) {
        return error(StatusCode::kIoError, "cannot create a scratch directory under the temp dir");
      }
      s->owned_scratch_ = options.scratch_dir = tmpl;
    }
    auto store = internal::RocksStore::open_secondary(options.path, options.scratch_dir);
    if (!store) return std::unexpected(store.error());  // the destructor removes the scratch
    s->store_ = std::move(*store);
    return s;
  }

  ~Secondary() {
    store_.reset();  // closes the instance before its directory goes
    if (!owned_scratch_.empty()) {
      std::error_code ec;
      fs::remove_all(owned_scratch_, ec);
    }
  }
  Secondary(const Secondary&) = delete;
  Secondary& operator=(const Secondary&) = delete;

  internal::RocksStore& store() { return *store_; }

 private:
  Secondary() = default;
  std::unique_ptr<internal::RocksStore> store_;
  std::string owned_scratch_;
};

class SecondaryLogReader final : public LogReader {
 public:
  explicit SecondaryLogReader(std::unique_ptr<Secondary> secondary)
      : secondary_(std::move(secondary)), store_(&secondary_->store()) {}

  Status catch_up() override { return store_->catch_up(); }

  Result<uint64_t> head_position() override {
    auto tail = store_->tail();
    if (!tail) return std::unexpected(tail.error());
    return tail->position;
  }

  Result<VerifyReport> verify(const std::function<void(uint64_t)>& progress,
                              const Observer& visit) override {
    return internal::audit_store(*store_, nullptr, progress, visit);
  }

  Status scan(uint64_t from_position, const Visitor& fn) override {
    uint64_t expect = std::max<uint64_t>(from_position, 1);
    Status bad;
    RecordedEvent e;
    Status s = store_->scan_log(expect, [&](uint64_t key, std::string_view value) {
      if (key != expect) {
        bad = {StatusCode::kCorruption, "position " + std::to_string(expect) + " is missing"};
        return false;
      }
      if (value.size() < 32) {
        bad = {StatusCode::kCorruption, "position " + std::to_string(key) + " is truncated"};
        return false;
      }
      if (Status d = internal::decode_stored_event(value, &e); !d.is_ok()) {
        bad = {StatusCode::kCorruption,
               "position " + std::to_string(key) + " does not decode: " + d.message()};
        return false;
      }
      if (e.position != key) {
        bad = {StatusCode::kCorruption, "position " + std::to_string(key) +
                                            " holds the envelope of " + std::to_string(e.position)};
        return false;
      }
      ++expect;
      return fn(e, internal::stored_body(value));
    });
    if (!s.is_ok()) return s;
    return bad;
  }

 private:
  std::unique_ptr<Secondary> secondary_;
  internal::RocksStore* store_;
};

Status read_only() { return {StatusCode::kInvalidArgument, "the log is open read-only"}; }

// The events after a position up to a fixed head, read from the store; it
// never waits, as no event comes after that head.
class SnapshotSubscription final : public Subscription {
 public:
  SnapshotSubscription(internal::RocksStore* store, uint64_t head, uint64_t after,
                       EventFields fields)
      : store_(store), head_(head), position_(after), fields_(fields) {}

  Status next_into(size_t max, std::chrono::milliseconds, SubscriptionBatch* batch) override {
    batch->live = false;
    batch->fell_behind = false;
    if (position_ >= head_ || max == 0) {
      batch->events.clear();
      return Status::ok();
    }
    Status s = store_->read_all(position_ + 1, std::min<uint64_t>(max, head_ - position_),
                                &batch->events, fields_);
    if (!s.is_ok()) {
      batch->events.clear();
      return s;
    }
    if (!batch->events.empty()) position_ = batch->events.back().position;
    return Status::ok();
  }
  uint64_t position() const override { return position_; }

 private:
  internal::RocksStore* store_;
  const uint64_t head_;
  uint64_t position_;
  const EventFields fields_;
};

// open_log_snapshot(): the reads of RocksLog over a secondary instance that
// never catches up again, so every read sees the same log, up to head_.
class SnapshotLog final : public EventLog {
 public:
  SnapshotLog(std::unique_ptr<Secondary> secondary, uint64_t head)
      : secondary_(std::move(secondary)), store_(&secondary_->store()), head_(head) {}

  void append_async(std::vector<StreamAppend>, CommandContext, AppendCallback done) override {
    done(std::unexpected(read_only()));
  }
  Result<std::vector<RecordedEvent>> read_stream(std::string_view stream, uint64_t from_version,
                                                 Direction direction, size_t max) override {
    return store_->read_stream(stream, from_version, direction, max);
  }
  Result<std::vector<RecordedEvent>> read_all(uint64_t from_position, size_t max) override {
    return store_->read_all(from_position, max);
  }
  using EventLog::read_all;
  Status read_into(uint64_t from_position, size_t max, std::vector<RecordedEvent>* out,
                   EventFields fields) override {
    return store_->read_all(from_position, max, out, fields);
  }
  Result<std::optional<AppendResult>> find_command(std::string_view command_id) override {
    return store_->find_command(command_id);
  }
  Result<uint64_t> stream_version(std::string_view stream) override {
    return store_->stream_version(stream);
  }
  uint64_t head_position() const override { return head_; }
  using EventLog::subscribe;
  std::unique_ptr<Subscription> subscribe(uint64_t after_position, EventFields fields) override {
    return std::make_unique<SnapshotSubscription>(store_, head_, after_position, fields);
  }
  uint64_t add_commit_listener(CommitListener) override { return 0; }
  void remove_commit_listener(uint64_t) override {}
  Result<VerifyReport> verify(std::function<void(uint64_t)> progress) override {
    return internal::audit_store(*store_, nullptr, progress, {});
  }
  LogStats stats() const override {
    LogStats s;
    s.head_position = head_;
    return s;
  }
  void close() override {}

 private:
  std::unique_ptr<Secondary> secondary_;
  internal::RocksStore* store_;
  const uint64_t head_;
};

}  // namespace

Result<std::unique_ptr<LogReader>> LogReader::open(Options options) {
  auto secondary = Secondary::open(std::move(options));
  if (!secondary) return std::unexpected(secondary.error());
  return std::unique_ptr<LogReader>(new SecondaryLogReader(std::move(*secondary)));
}

Result<std::unique_ptr<EventLog>> open_log_snapshot(LogReader::Options options) {
  auto secondary = Secondary::open(std::move(options));
  if (!secondary) return std::unexpected(secondary.error());
  auto tail = (*secondary)->store().tail();
  if (!tail) return std::unexpected(tail.error());
  const uint64_t head = tail->position;
  return std::unique_ptr<EventLog>(new SnapshotLog(std::move(*secondary), head));
}

}  // namespace zhurnal::events
