// ReadCountingLog: an EventLog that passes everything to another and keeps
// the last position read in order from it (read_all, read_into, the events
// its subscriptions delivered), for showing how far a fold over the log has
// come while it runs on threads of its own (a rebuild, an as-of, a
// history pass: replay::ProgressTicker).
//
// Thread safety: as the wrapped log's; position_read() from any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>

#include "zhurnal/events/event_log.hpp"

namespace zhurnal::replay {

class ReadCountingLog final : public events::EventLog {
 public:
  // `log` must outlive this object.
  explicit ReadCountingLog(events::EventLog* log) : log_(log) {}

  // The largest position read in order so far (0: none).
  uint64_t position_read() const { return read_.load(std::memory_order_relaxed); }
  // Records that `position` was read (the subscriptions' report).
  void note(uint64_t position);
  // Starts counting again from 0 (a fold that starts again from zero).
  void reset() { read_.store(0, std::memory_order_relaxed); }

  void append_async(std::vector<events::StreamAppend> streams, events::CommandContext context,
                    AppendCallback done) override {
    log_->append_async(std::move(streams), std::move(context), std::move(done));
  }
  events::Result<std::vector<events::RecordedEvent>> read_stream(std::string_view stream,
                                                                 uint64_t from_version,
                                                                 events::Direction direction,
                                                                 size_t max) override {
    return log_->read_stream(stream, from_version, direction, max);
  }
  events::Result<std::vector<events::RecordedEvent>> read_all(uint64_t from_position,
                                                              size_t max) override;
  using events::EventLog::read_all;
  events::Status read_into(uint64_t from_position, size_t max,
                           std::vector<events::RecordedEvent>* out,
                           events::EventFields fields) override;
  events::Result<std::optional<events::AppendResult>> find_command(
      std::string_view command_id) override {
    return log_->find_command(command_id);
  }
  events::Result<uint64_t> stream_version(std::string_view stream) override {
    return log_->stream_version(stream);
  }
  uint64_t head_position() const override { return log_->head_position(); }
  using events::EventLog::subscribe;
  std::unique_ptr<events::Subscription> subscribe(uint64_t after_position,
                                                  events::EventFields fields) override;
  uint64_t add_commit_listener(CommitListener listener) override {
    return log_->add_commit_listener(std::move(listener));
  }
  void remove_commit_listener(uint64_t id) override { log_->remove_commit_listener(id); }
  events::Result<events::VerifyReport> verify(std::function<void(uint64_t)> progress) override {
    return log_->verify(std::move(progress));
  }
  events::LogStats stats() const override { return log_->stats(); }
  void close() override { log_->close(); }

 private:
  events::EventLog* log_;
  std::atomic<uint64_t> read_{0};
};

}  // namespace zhurnal::replay
