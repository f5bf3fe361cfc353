// Subscriptions: catch up from storage, then follow the live buffer. Both
// paths deliver by position, so the hand-over has no gap and no duplicate.
#include "codec.hpp"
#include "rocks_log.hpp"

namespace zhurnal::events::internal {
namespace {

class LogSubscription final : public Subscription {
 public:
  LogSubscription(RocksLog* log, uint64_t after, EventFields fields)
      : log_(log), position_(after), fields_(fields) {}

  Status next_into(size_t max, std::chrono::milliseconds wait, SubscriptionBatch* batch) override {
    batch->live = false;
    batch->fell_behind = false;
    Status s = fill(max, wait, batch);
    if (!s.is_ok()) batch->events.clear();
    return s;
  }

  uint64_t position() const override { return position_; }

 private:
  Status fill(size_t max, std::chrono::milliseconds wait, SubscriptionBatch* batch) {
    std::vector<RecordedEvent>& events = batch->events;
    const auto none = [&] {
      events.clear();
      return Status::ok();
    };
    if (max == 0) return none();
    uint64_t head = log_->head_position();
    if (head <= position_) {
      log_->wait_for_head_past(position_, wait);
      head = log_->head_position();
      if (head <= position_) return none();
    }
    const size_t want = static_cast<size_t>(std::min<uint64_t>(max, head - position_));
    raw_.clear();
    if (log_->live().copy(position_ + 1, want, &raw_)) {
      batch->live = true;
      events.resize(raw_.size());
      for (size_t i = 0; i < raw_.size(); ++i) {
        if (Status s = decode_stored_event(raw_[i], &events[i], fields_); !s.is_ok()) return s;
      }
    } else {
      if (Status s = log_->read_into(position_ + 1, want, &events, fields_); !s.is_ok()) return s;
      if (live_) {
        batch->fell_behind = true;
        log_->count_fell_behind();
      }
    }
    // Checked before the position moves: a batch refused moves nothing.
    for (size_t i = 0; i < events.size(); ++i) {
      if (events[i].position != position_ + 1 + i) {
        return Status(StatusCode::kCorruption, "subscription expected position " +
                                                   std::to_string(position_ + 1 + i) + ", got " +
                                                   std::to_string(events[i].position));
      }
    }
    if (!events.empty()) position_ = events.back().position;
    live_ = batch->live;
    return Status::ok();
  }

  RocksLog* log_;
  uint64_t position_;
  EventFields fields_;
  bool live_ = false;
  std::vector<std::string> raw_;
};

}  // namespace

std::unique_ptr<Subscription> RocksLog::subscribe(uint64_t after_position, EventFields fields) {
  return std::make_unique<LogSubscription>(this, after_position, fields);
}

}  // namespace zhurnal::events::internal
