// LiveBuffer: the most recent stored events, by position, for subscribers
// that follow the head. The writer pushes after each commit; subscribers copy
// out. Pushing never waits for a subscriber: a subscriber that falls out of
// the window reads from storage instead.
//
// Thread safety: push() from the writer thread only; copy() from any thread.
#pragma once

#include <cstdint>
#include <shared_mutex>
#include <string>
#include <vector>

namespace zhurnal::events::internal {

class LiveBuffer {
 public:
  explicit LiveBuffer(size_t capacity) : ring_(capacity == 0 ? 1 : capacity) {}

  // Forgets everything; the next push must start at `next_position`.
  void reset(uint64_t next_position);

  // Appends the stored values of positions first_position, first_position+1,
  // ... (first_position must be the position after the last push). Moves the
  // strings out of *values.
  void push(uint64_t first_position, std::vector<std::string>* values);

  // Copies the values of positions [from, from + max) that are present. Returns
  // false when `from` is older than the oldest value held (the caller must read
  // storage); true otherwise, with nothing copied when `from` is past the head.
  bool copy(uint64_t from, size_t max, std::vector<std::string>* out) const;

 private:
  mutable std::shared_mutex mu_;
  std::vector<std::string> ring_;  // ring_[pos % size] holds position pos
  uint64_t oldest_ = 1;            // oldest position held
  uint64_t next_ = 1;              // one past the newest position held
};

}  // namespace zhurnal::events::internal
