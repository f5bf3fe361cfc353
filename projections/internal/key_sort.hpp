// Sorting many byte-string keys that share long prefixes (view row keys:
// "C/sch1-c10a-2026-09-01-1/sch1-s0652"), for a flush's key order.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>

namespace zhurnal::projections::internal {

// A key to sort, what goes with it, and 16 bytes of the key copied in.
template <typename T>
struct KeyedEntry {
  KeyedEntry() = default;
  KeyedEntry(std::string_view k, T v) : key(k), value(v) {}
  std::string_view key;
  T value{};
  uint64_t hi = 0, lo = 0;  // key bytes [depth, depth + 16), big-endian, zero past the end
};

namespace key_sort_detail {

inline uint64_t load_be(const char* p, size_t n) {  // n <= 8 bytes, zero-padded on the right
  unsigned char b[8] = {};
  std::memcpy(b, p, n);
  uint64_t v = 0;
  for (unsigned char c : b) v = v << 8 | c;
  return v;
}

template <typename T>
void load(KeyedEntry<T>& e, size_t depth) {
  const size_t n = e.key.size() > depth ? std::min<size_t>(e.key.size() - depth, 16) : 0;
  const char* p = e.key.data() + depth;
  e.hi = load_be(p, std::min<size_t>(n, 8));
  e.lo = n > 8 ? load_be(p + 8, n - 8) : 0;
}

// `entries` share their first `depth` bytes. A key that ends within
// [depth, depth + 16) is "finished": among equal 16-byte chunks it is a
// prefix of every unfinished one (their bytes past its end are zero), so
// finished keys come first, shorter before longer; the unfinished rest are
// sorted on their next 16 bytes.
template <typename T>
void sort_from(std::span<KeyedEntry<T>> entries, size_t depth) {
  if (entries.size() < 2) return;
  for (auto& e : entries) load(e, depth);
  const size_t end = depth + 16;
  auto rank = [end](const KeyedEntry<T>& e) { return e.key.size() <= end ? e.key.size() : end + 1; };
  std::sort(entries.begin(), entries.end(), [&](const KeyedEntry<T>& a, const KeyedEntry<T>& b) {
    if (a.hi != b.hi) return a.hi < b.hi;
    if (a.lo != b.lo) return a.lo < b.lo;
    return rank(a) < rank(b);
  });
  for (size_t i = 0; i < entries.size();) {
    size_t j = i + 1;
    while (j < entries.size() && entries[j].hi == entries[i].hi && entries[j].lo == entries[i].lo) ++j;
    size_t k = i;  // finished keys of the run are already in place
    while (k < j && entries[k].key.size() <= end) ++k;
    if (j - k > 1) sort_from(entries.subspan(k, j - k), end);
    i = j;
  }
}

}  // namespace key_sort_detail

// Sorts by key, bytewise (as std::string_view's operator< does). Each round
// compares 16 key bytes held in the entries rather than following the keys'
// pointers, and reads each key's bytes once per 16 of its common prefix:
// std::sort with memcmp over scattered keys read each key ~log n times.
template <typename T>
void sort_by_key(std::span<KeyedEntry<T>> entries) {
  key_sort_detail::sort_from(entries, 0);
}

}  // namespace zhurnal::projections::internal
