// Subscriptions: catch up from storage, then follow the live buffer. Both
// paths deliver by position, so the hand-over has no gap and no duplicate.
#include "codec.hpp"
#include "rocks_log.hpp"

namespace zhurnal::events::internal {
namespace {

class LogSubscription final : public Subscription {
 public:
  LogSubscription(RocksLog* log, uint64_t after) : log_(log), position_(after) {}

  Result<SubscriptionBatch> next(size_t max, std::chrono::milliseconds wait) override {
    SubscriptionBatch batch;
    if (max == 0) return batch;
    uint64_t head = log_->head_position();
    if (head <= position_) {
      log_->wait_for_head_past(position_, wait);
      head = log_->head_position();
      if (head <= position_) return batch;
    }
    const size_t want = static_cast<size_t>(std::min<uint64_t>(max, head - position_));
    raw_.clear();
    if (log_->live().copy(position_ + 1, want, &raw_)) {
      batch.live = true;
      batch.events.resize(raw_.size());
      for (size_t i = 0; i < raw_.size(); ++i) {
        Status s = decode_stored_event(raw_[i], &batch.events[i]);
        if (!s.is_ok()) return std::unexpected(s);
      }
    } else {
      auto events = log_->read_all(position_ + 1, want);
      if (!events) return std::unexpected(events.error());
      batch.events = std::move(*events);
      if (live_) {
        batch.fell_behind = true;
        log_->count_fell_behind();
      }
    }
    for (const RecordedEvent& e : batch.events) {
      if (e.position != position_ + 1) {
        return std::unexpected(Status(StatusCode::kCorruption,
                                      "subscription expected position " +
                                          std::to_string(position_ + 1) + ", got " +
                                          std::to_string(e.position)));
      }
      position_ = e.position;
    }
    live_ = batch.live;
    return batch;
  }

  uint64_t position() const override { return position_; }

 private:
  RocksLog* log_;
  uint64_t position_;
  bool live_ = false;
  std::vector<std::string> raw_;
};

}  // namespace

std::unique_ptr<Subscription> RocksLog::subscribe(uint64_t after_position) {
  return std::make_unique<LogSubscription>(this, after_position);
}

}  // namespace zhurnal::events::internal
