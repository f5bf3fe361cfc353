// AttemptTable: failed sign-in counters by key (a login or a client
// address), bounded: past max_entries the least recently touched entry is
// evicted, so a flood of distinct keys costs at most max_entries entries
// (about 200 bytes each plus the key).
//
// Not thread-safe: RateLimiter guards it with its mutex.
#pragma once

#include <cstdint>
#include <list>
#include <string>
#include <string_view>
#include <unordered_map>

#include "zhurnal/auth/clock.hpp"

namespace zhurnal::auth::internal {

struct AttemptCounter {
  uint32_t failures = 0;   // in the window that began at window_start
  uint32_t in_flight = 0;  // attempts acquired and not yet recorded
  uint32_t lockouts = 0;   // lockouts so far: the next one lasts twice as long
  TimePoint window_start{};
  TimePoint locked_until{};
};

class AttemptTable {
 public:
  explicit AttemptTable(size_t max_entries) : max_entries_(max_entries) {}
  AttemptTable(const AttemptTable&) = delete;
  AttemptTable& operator=(const AttemptTable&) = delete;

  // The counter for `key`, or nullptr; does not count as a touch.
  const AttemptCounter* find(std::string_view key) const;
  AttemptCounter* find(std::string_view key);
  // The counter for `key`, created if absent, marked touched at `now`. May
  // evict the least recently touched entry; the reference stays valid until
  // the next call that changes the table.
  AttemptCounter& touch(std::string_view key, TimePoint now);
  void erase(std::string_view key);
  // Drops up to `limit` least recently touched entries last touched before
  // `cutoff` (amortised clean-up of forgotten keys).
  void drop_untouched_since(TimePoint cutoff, size_t limit);
  size_t size() const { return index_.size(); }

 private:
  struct Node {
    std::string key;
    TimePoint touched;
    AttemptCounter counter;
  };
  using List = std::list<Node>;

  const size_t max_entries_;
  List lru_;  // front: most recently touched
  // Keys view Node::key, which never moves while its node lives.
  std::unordered_map<std::string_view, List::iterator> index_;
};

}  // namespace zhurnal::auth::internal
