#include "internal/attempt_table.hpp"

namespace zhurnal::auth::internal {

const AttemptCounter* AttemptTable::find(std::string_view key) const {
  auto it = index_.find(key);
  return it == index_.end() ? nullptr : &it->second->counter;
}

AttemptCounter* AttemptTable::find(std::string_view key) {
  auto it = index_.find(key);
  return it == index_.end() ? nullptr : &it->second->counter;
}

AttemptCounter& AttemptTable::touch(std::string_view key, TimePoint now) {
  auto it = index_.find(key);
  if (it != index_.end()) {
    lru_.splice(lru_.begin(), lru_, it->second);
    it->second->touched = now;
    return it->second->counter;
  }
  while (!lru_.empty() && index_.size() >= max_entries_) {
    index_.erase(lru_.back().key);
    lru_.pop_back();
  }
  lru_.push_front(Node{std::string(key), now, {}});
  index_.emplace(lru_.front().key, lru_.begin());
  return lru_.front().counter;
}

void AttemptTable::erase(std::string_view key) {
  auto it = index_.find(key);
  if (it == index_.end()) return;
  auto node = it->second;
  index_.erase(it);
  lru_.erase(node);
}

void AttemptTable::drop_untouched_since(TimePoint cutoff, size_t limit) {
  while (limit-- > 0 && !lru_.empty() && lru_.back().touched < cutoff) {
    index_.erase(lru_.back().key);
    lru_.pop_back();
  }
}

}  // namespace zhurnal::auth::internal
