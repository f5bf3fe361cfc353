// ReadAhead: rebuild mode's reader of the log (projections/engine.cpp,
// generations.cpp).
#pragma once

#include <array>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "zhurnal/events/event_log.hpp"

namespace zhurnal::projections::internal {

// A thread that reads the log's next batches while the projections fold, up
// to two batches ahead of the one being folded, so that the folds wait for a
// read only when the reader falls behind. (A reader that ran as one more
// task of each batch's folds made every batch last as long as the slower of
// the two, and the cores idled at each batch's end: docs/benchmarks.md,
// "Session 18".) The batches' buffers are read into again and again, so
// their events' strings keep their storage.
//
// Between start() and stop() only the reader calls `read` (and so uses what
// it reads from: a subscription, a cursor). It stops on its own after a
// batch that reaches `until`, and after a read that fails (status() then
// says how) or finds nothing.
class ReadAhead {
 public:
  // Replaces `batch`'s events with the next ones; none: there are no more.
  using Read = std::function<events::Status(events::SubscriptionBatch* batch)>;

  ReadAhead() = default;
  ~ReadAhead() { stop(); }
  ReadAhead(const ReadAhead&) = delete;
  ReadAhead& operator=(const ReadAhead&) = delete;

  // From `subscription`, `max` events at a time, without waiting for new
  // ones (a read that finds none ends the reading).
  void start(events::Subscription* subscription, size_t max, uint64_t until) {
    start([subscription, max](events::SubscriptionBatch* batch) {
      return subscription->next_into(max, std::chrono::milliseconds(0), batch);
    }, until);
  }
  void start(Read read, uint64_t until) {
    stop();
    read_ = std::move(read);
    until_ = until;
    status_ = events::Status::ok();
    filled_.clear();
    free_.clear();
    for (size_t b = 0; b < buffers_.size(); ++b) free_.push_back(b);
    taken_.reset();
    done_ = stopping_ = false;
    thread_ = std::thread([this] { loop(); });
  }
  // Started and not stopped (take() may still hand out what it read after
  // the reader has finished reading).
  bool running() const { return thread_.joinable(); }

  // The next batch read, in order, waiting for it; nullptr once the reader
  // has stopped and every batch it read was taken. The batch stays valid
  // until the next take() or stop().
  events::SubscriptionBatch* take() {
    std::unique_lock lock(mu_);
    if (taken_) {
      free_.push_back(*taken_);
      taken_.reset();
      cv_.notify_all();
    }
    cv_.wait(lock, [&] { return !filled_.empty() || done_; });
    if (filled_.empty()) return nullptr;
    taken_ = filled_.front();
    filled_.pop_front();
    return &buffers_[*taken_];
  }

  // Why the reader stopped before `until`, once take() has returned nullptr:
  // the failed read's status, or ok (it found nothing more).
  const events::Status& status() const { return status_; }

  // Stops the reader and drops the batches read and not taken; true when
  // there were any (the subscription is then ahead of what was taken). The
  // subscription is the caller's again.
  bool stop() {
    if (!thread_.joinable()) return false;
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
    }
    cv_.notify_all();
    thread_.join();
    const bool dropped = !filled_.empty();
    filled_.clear();
    taken_.reset();
    return dropped;
  }

 private:
  void loop() {
    for (;;) {
      size_t b;
      {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [&] { return stopping_ || !free_.empty(); });
        if (stopping_) break;
        b = free_.back();
        free_.pop_back();
      }
      events::SubscriptionBatch& batch = buffers_[b];
      events::Status st;
      try {
        st = read_(&batch);
      } catch (const std::exception& e) {
        st = {events::StatusCode::kIoError, std::string("read ahead: ") + e.what()};
      }
      std::lock_guard lock(mu_);
      if (!st.is_ok() || batch.events.empty()) {
        status_ = st;
        free_.push_back(b);
        break;
      }
      filled_.push_back(b);
      cv_.notify_all();
      if (batch.events.back().position >= until_) break;
    }
    std::lock_guard lock(mu_);
    done_ = true;
    cv_.notify_all();
  }

  std::mutex mu_;
  std::condition_variable cv_;  // a batch filled or freed, done_, stopping_
  // The batch taken and up to two read ahead.
  std::array<events::SubscriptionBatch, 3> buffers_;
  std::deque<size_t> filled_;       // read, not taken, in order
  std::vector<size_t> free_;        // neither read into nor taken
  std::optional<size_t> taken_;     // the batch take() returned last
  bool done_ = false;               // the reader has stopped reading
  bool stopping_ = false;
  events::Status status_;   // of the read that stopped the reader
  Read read_;
  uint64_t until_ = 0;
  std::thread thread_;  // last: started after the rest is set
};

}  // namespace zhurnal::projections::internal
