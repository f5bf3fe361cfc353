// LogReadAhead: the log's stored values read on a thread of their own and
// handed over in batches, in log order (the audit's fast pass, audit.cpp).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "rocks_store.hpp"

namespace zhurnal::events::internal {

// The log's stored values, read on a thread of their own and handed over in
// batches, while the caller checks the batch before. The reading thread
// also checks the hash link of every other value: its hash against SHA-256
// of the hash of the value read before it (zero before position 1) and its
// body; the caller checks the rest. With the log in LZ4 the reading
// (RocksDB's iteration, decompression) became cheaper than the checks
// (decode, fingerprints, SHA-256), and the hashing (about 0.35 us an event
// through OpenSSL) is what can be shared: all of it here made this thread
// the slower one, so each takes half, and on two cores the walk takes
// about the time of the larger share. Values are copied into the batches (a
// few hundred bytes each; the copy costs far less than either share).
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
    // Whether value(i) starts with SHA-256(h || its body), h being the
    // hash the value read before it starts with (zero for the first value
    // of the log), or nullopt when this is left to the caller. That is the
    // chain's link when the value read before is the event before it, which
    // the caller checks by position.
    std::optional<bool> linked(size_t i) const {
      if (linked_[i] == kUnchecked) return std::nullopt;
      return linked_[i] != 0;
    }
    void add(uint64_t key, std::string_view value, std::optional<bool> linked) {
      keys_.push_back(key);
      bytes_.append(value);
      ends_.push_back(bytes_.size());
      linked_.push_back(linked ? static_cast<uint8_t>(*linked) : kUnchecked);
    }
    void clear() {
      keys_.clear();
      ends_.clear();
      bytes_.clear();
      linked_.clear();
    }

   private:
    std::vector<uint64_t> keys_;
    std::vector<size_t> ends_;  // where each value ends in bytes_
    std::string bytes_;
    static constexpr uint8_t kUnchecked = 2;
    std::vector<uint8_t> linked_;  // 0, 1, or kUnchecked
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
