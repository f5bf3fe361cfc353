#include "log_read_ahead.hpp"

#include <cstring>

#include "codec.hpp"

namespace zhurnal::events::internal {

LogReadAhead::LogReadAhead(RocksStore& store, const rocksdb::Snapshot* snapshot)
    : store_(store), snapshot_(snapshot) {
  for (int i = 0; i < kBatches; ++i) free_.push_back(std::make_unique<Batch>());
  reader_ = std::thread([this] { read(); });
}

LogReadAhead::~LogReadAhead() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  reader_.join();
}

const LogReadAhead::Batch* LogReadAhead::next() {
  std::unique_lock lock(mu_);
  if (in_hand_) {
    in_hand_->clear();
    free_.push_back(std::move(in_hand_));
    cv_.notify_all();
  }
  cv_.wait(lock, [&] { return !full_.empty() || done_; });
  if (full_.empty()) return nullptr;
  in_hand_ = std::move(full_.front());
  full_.pop_front();
  return in_hand_.get();
}

Status LogReadAhead::status() {
  std::lock_guard lock(mu_);
  return status_;
}

void LogReadAhead::read() {
  std::unique_ptr<Batch> batch = take_free();
  Hash before{};      // the hash the value read before starts with
  bool here = false;  // this thread checks the link of every other value
  Status s = store_.scan_log(1, [&](uint64_t key, std::string_view value) {
    std::optional<bool> linked;
    if (value.size() < before.size()) {
      before = Hash{};  // the caller stops at this value (too short to hold a hash)
    } else {
      here = !here;
      if (here) {
        const Hash hash = chain_hash(before, stored_body(value));
        linked = std::memcmp(hash.data(), value.data(), hash.size()) == 0;
      }
      std::memcpy(before.data(), value.data(), before.size());
    }
    batch->add(key, value, linked);
    if (batch->size() < kBatchEvents) return true;
    hand_over(std::move(batch));
    batch = take_free();
    return batch != nullptr;
  }, snapshot_);
  if (batch && batch->size() > 0) hand_over(std::move(batch));
  std::lock_guard lock(mu_);
  status_ = std::move(s);
  done_ = true;
  cv_.notify_all();
}

std::unique_ptr<LogReadAhead::Batch> LogReadAhead::take_free() {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [&] { return !free_.empty() || stopping_; });
  if (stopping_) return nullptr;
  std::unique_ptr<Batch> b = std::move(free_.back());
  free_.pop_back();
  return b;
}

void LogReadAhead::hand_over(std::unique_ptr<Batch> b) {
  std::lock_guard lock(mu_);
  full_.push_back(std::move(b));
  cv_.notify_all();
}

}  // namespace zhurnal::events::internal
