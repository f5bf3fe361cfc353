// PrefixLog: a read-only view of the first `limit` positions of a log, for
// folding the read models as they stood at an instant (replay as-of). The
// ProjectionEngine runs over it unchanged: head_position() is the limit, and
// subscriptions deliver positions up to the limit and then nothing. The limit
// may be raised (never lowered) between catch-ups to fold further.
//
// Appends and verify() are refused (kInvalidArgument). The wrapped log must
// outlive this object. Thread safety: as the wrapped log; set_limit() may
// run concurrently with reads.
#pragma once

#include <atomic>

#include "zhurnal/events/event_log.hpp"

namespace zhurnal::replay::internal {

class PrefixLog final : public events::EventLog {
 public:
  PrefixLog(events::EventLog* log, uint64_t limit) : log_(log), limit_(limit) {}

  void set_limit(uint64_t limit) { limit_.store(limit); }
  uint64_t limit() const { return limit_.load(); }

  void append_async(std::vector<events::StreamAppend> streams, events::CommandContext context,
                    AppendCallback done) override;
  events::Result<std::vector<events::RecordedEvent>> read_stream(std::string_view stream,
                                                                 uint64_t from_version,
                                                                 events::Direction direction,
                                                                 size_t max) override;
  events::Result<std::vector<events::RecordedEvent>> read_all(uint64_t from_position,
                                                              size_t max) override;
  using events::EventLog::read_all;
  events::Status read_into(uint64_t from_position, size_t max,
                           std::vector<events::RecordedEvent>* out,
                           events::EventFields fields) override;
  events::Result<std::optional<events::AppendResult>> find_command(std::string_view command_id) override;
  events::Result<uint64_t> stream_version(std::string_view stream) override;
  uint64_t head_position() const override;
  using events::EventLog::subscribe;
  std::unique_ptr<events::Subscription> subscribe(uint64_t after_position,
                                                  events::EventFields fields) override;
  uint64_t add_commit_listener(CommitListener) override { return 0; }
  void remove_commit_listener(uint64_t) override {}
  events::Result<events::VerifyReport> verify(std::function<void(uint64_t)> progress) override;
  events::LogStats stats() const override;
  void close() override {}

 private:
  events::EventLog* log_;
  std::atomic<uint64_t> limit_;
};

}  // namespace zhurnal::replay::internal
