#include "prefix_log.hpp"

#include <algorithm>

namespace zhurnal::replay::internal {
namespace {

using events::StatusCode;

// Reads forward from the wrapped log, never past the prefix's limit. It
// never waits: a fold over a prefix has all of its events stored already.
class PrefixSubscription final : public events::Subscription {
 public:
  PrefixSubscription(PrefixLog* log, uint64_t after, events::EventFields fields)
      : log_(log), position_(after), fields_(fields) {}

  events::Status next_into(size_t max, std::chrono::milliseconds,
                           events::SubscriptionBatch* batch) override {
    batch->live = false;
    batch->fell_behind = false;
    const uint64_t limit = log_->limit();
    if (position_ >= limit || max == 0) {
      batch->events.clear();
      return events::Status::ok();
    }
    events::Status st = log_->read_into(position_ + 1, std::min<uint64_t>(max, limit - position_),
                                        &batch->events, fields_);
    if (!st.is_ok()) {
      batch->events.clear();
      return st;
    }
    if (!batch->events.empty()) position_ = batch->events.back().position;
    return events::Status::ok();
  }
  uint64_t position() const override { return position_; }

 private:
  PrefixLog* log_;
  uint64_t position_;
  events::EventFields fields_;
};

events::Status read_only() {
  return {StatusCode::kInvalidArgument, "a log prefix is read-only"};
}

}  // namespace

void PrefixLog::append_async(std::vector<events::StreamAppend>, events::CommandContext,
                             AppendCallback done) {
  done(std::unexpected(read_only()));
}

events::Result<std::vector<events::RecordedEvent>> PrefixLog::read_stream(
    std::string_view stream, uint64_t from_version, events::Direction direction, size_t max) {
  auto read = log_->read_stream(stream, from_version, direction, max);
  if (!read) return read;
  const uint64_t limit = limit_.load();
  std::erase_if(*read, [limit](const events::RecordedEvent& e) { return e.position > limit; });
  return read;
}

events::Result<std::vector<events::RecordedEvent>> PrefixLog::read_all(uint64_t from_position,
                                                                       size_t max) {
  std::vector<events::RecordedEvent> out;
  if (events::Status st = read_all(from_position, max, &out); !st.is_ok()) return std::unexpected(st);
  return out;
}

events::Status PrefixLog::read_into(uint64_t from_position, size_t max,
                                    std::vector<events::RecordedEvent>* out,
                                    events::EventFields fields) {
  const uint64_t limit = limit_.load();
  const uint64_t from = std::max<uint64_t>(from_position, 1);
  if (from > limit || max == 0) {
    out->clear();
    return events::Status::ok();
  }
  return log_->read_into(from, std::min<uint64_t>(max, limit - from + 1), out, fields);
}

events::Result<std::optional<events::AppendResult>> PrefixLog::find_command(std::string_view id) {
  auto found = log_->find_command(id);
  if (found && *found && (*found)->last_position > limit_.load()) return std::nullopt;
  return found;
}

events::Result<uint64_t> PrefixLog::stream_version(std::string_view stream) {
  auto last = read_stream(stream, UINT64_MAX, events::Direction::kBackward, 1);
  if (!last) return std::unexpected(last.error());
  if (!last->empty()) return last->front().stream_version;
  // The stream's last event is past the limit: walk back to the limit.
  auto all = log_->read_stream(stream, UINT64_MAX, events::Direction::kBackward, SIZE_MAX);
  if (!all) return std::unexpected(all.error());
  for (const events::RecordedEvent& e : *all) {
    if (e.position <= limit_.load()) return e.stream_version;
  }
  return uint64_t{0};
}

uint64_t PrefixLog::head_position() const {
  return std::min(limit_.load(), log_->head_position());
}

std::unique_ptr<events::Subscription> PrefixLog::subscribe(uint64_t after_position,
                                                           events::EventFields fields) {
  return std::make_unique<PrefixSubscription>(this, after_position, fields);
}

events::Result<events::VerifyReport> PrefixLog::verify(std::function<void(uint64_t)>) {
  return std::unexpected(read_only());
}

events::LogStats PrefixLog::stats() const {
  events::LogStats s;
  s.head_position = head_position();
  return s;
}

}  // namespace zhurnal::replay::internal
