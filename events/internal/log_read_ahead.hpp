// LogReadAhead: the log's stored values read on a thread of their own and
// handed over in batches, in log order (the audit's fast pass, audit.cpp).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "rocks_store.hpp"

namespace zhurnal::events::internal {

// The log's stored values, read on a thread of their own and handed over in
// batches, while the caller checks the batch before: reading (RocksDB's
// iteration, decompression) is about half of the audit's walk and the
// checks (decode, SHA-256) the other half, so that on two cores the walk
// takes about the time of the read alone. Values are copied into the
// batches (a few hundred bytes each; the copy costs far less than either
// half).
class LogReadAhead {
 public:
  class Batch {
   public:
    size_t size() const { return keys_.size(); }
    uint64_t key(size_t i) const { return keys_[i]; }
    std::string_view value(size_t i) const {
      const size_t begin = i == 0 ? 0 : ends_[i - 1];
      return std::string_view(bytes_).substr(begin, ends_[i] - begin);
    }
    void add(uint64_t key, std::string_view value) {
      keys_.push_back(key);
      bytes_.append(value);
      ends_.push_back(bytes_.size());
    }
    void clear() {
      keys_.clear();
      ends_.clear();
      bytes_.clear();
    }

   private:
    std::vector<uint64_t> keys_;
    std::vector<size_t> ends_;  // where each value ends in bytes_
    std::string bytes_;
  };

  // Starts reading from position 1, through `snapshot` (may be null).
  LogReadAhead(RocksStore& store, const rocksdb::Snapshot* snapshot);
  // Stops the reader where it is (the caller may stop before the end).
  ~LogReadAhead();
  LogReadAhead(const LogReadAhead&) = delete;
  LogReadAhead& operator=(const LogReadAhead&) = delete;

  // The next batch, in log order, valid until the next call; nullptr at the
  // end of the log or of what could be read (then see status()).
  const Batch* next();
  // The read's status, once next() returned nullptr.
  Status status();

 private:
  static constexpr int kBatches = 3;
  static constexpr size_t kBatchEvents = 2048;

  void read();
  // A batch to fill, or nullptr once the caller stopped.
  std::unique_ptr<Batch> take_free();
  void hand_over(std::unique_ptr<Batch> b);

  RocksStore& store_;
  const rocksdb::Snapshot* snapshot_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<Batch>> free_;
  std::deque<std::unique_ptr<Batch>> full_;
  std::unique_ptr<Batch> in_hand_;
  bool stopping_ = false, done_ = false;
  Status status_;
  std::thread reader_;  // last: started once the rest is set up
};

}  // namespace zhurnal::events::internal
