#include "zhurnal/replay/read_counting_log.hpp"

namespace zhurnal::replay {
namespace {

class CountingSubscription final : public events::Subscription {
 public:
  CountingSubscription(std::unique_ptr<events::Subscription> sub, ReadCountingLog* log)
      : sub_(std::move(sub)), log_(log) {}

  events::Status next_into(size_t max, std::chrono::milliseconds wait,
                           events::SubscriptionBatch* batch) override {
    events::Status s = sub_->next_into(max, wait, batch);
    if (s.is_ok() && !batch->events.empty()) log_->note(batch->events.back().position);
    return s;
  }
  uint64_t position() const override { return sub_->position(); }

 private:
  std::unique_ptr<events::Subscription> sub_;
  ReadCountingLog* log_;
};

}  // namespace

void ReadCountingLog::note(uint64_t position) {
  uint64_t seen = read_.load(std::memory_order_relaxed);
  while (position > seen &&
         !read_.compare_exchange_weak(seen, position, std::memory_order_relaxed)) {
  }
}

events::Result<std::vector<events::RecordedEvent>> ReadCountingLog::read_all(
    uint64_t from_position, size_t max) {
  auto read = log_->read_all(from_position, max);
  if (read && !read->empty()) note(read->back().position);
  return read;
}

events::Status ReadCountingLog::read_into(uint64_t from_position, size_t max,
                                          std::vector<events::RecordedEvent>* out,
                                          events::EventFields fields) {
  events::Status s = log_->read_into(from_position, max, out, fields);
  if (!out->empty()) note(out->back().position);
  return s;
}

std::unique_ptr<events::Subscription> ReadCountingLog::subscribe(uint64_t after_position,
                                                                 events::EventFields fields) {
  return std::make_unique<CountingSubscription>(log_->subscribe(after_position, fields), this);
}

}  // namespace zhurnal::replay
