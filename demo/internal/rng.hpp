// A deterministic random source: std::mt19937_64 with distributions written
// here, because the std:: distributions differ between standard libraries
// and the demo must produce the same commands from the same seed everywhere.
#pragma once

#include <cstddef>
#include <cstdint>
#include <random>
#include <string_view>
#include <utility>
#include <vector>

namespace zhurnal::demo::internal {

// splitmix64: derives independent stream seeds from (seed, school, purpose).
inline uint64_t mix_seed(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

inline uint64_t stream_seed(uint64_t seed, uint64_t school, std::string_view purpose) {
  uint64_t h = 1469598103934665603ull;  // FNV-1a of the purpose
  for (char c : purpose) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
  return mix_seed(mix_seed(seed) ^ mix_seed(school + 0x51ed) ^ h);
}

class Rng {
 public:
  explicit Rng(uint64_t seed) : gen_(seed) {}

  uint64_t next() { return gen_(); }

  // Uniform in [lo, hi], both inclusive; lo <= hi. Rejection sampling keeps
  // it unbiased.
  int64_t uniform(int64_t lo, int64_t hi) {
    const uint64_t span = static_cast<uint64_t>(hi - lo) + 1;
    if (span == 0) return static_cast<int64_t>(next());  // the full 64-bit range
    const uint64_t limit = UINT64_MAX - UINT64_MAX % span;
    uint64_t x;
    do {
      x = next();
    } while (x >= limit);
    return lo + static_cast<int64_t>(x % span);
  }
  int uniform_int(int lo, int hi) { return static_cast<int>(uniform(lo, hi)); }

  // Uniform in [0, 1) with 53 random bits.
  double unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

  bool chance(double p) { return unit() < p; }

  // An index drawn with the given non-negative weights (not all zero).
  template <typename W>
  size_t weighted(const W& weights) {
    double total = 0;
    for (double w : weights) total += w;
    double x = unit() * total;
    size_t i = 0;
    for (double w : weights) {
      if (x < w) return i;
      x -= w;
      ++i;
    }
    return i - 1;
  }

  template <typename T>
  const T& pick(const std::vector<T>& v) {
    return v[static_cast<size_t>(uniform(0, static_cast<int64_t>(v.size()) - 1))];
  }
  template <typename T, size_t N>
  const T& pick(const T (&a)[N]) {
    return a[static_cast<size_t>(uniform(0, static_cast<int64_t>(N) - 1))];
  }

  // Fisher–Yates.
  template <typename T>
  void shuffle(std::vector<T>& v) {
    for (size_t i = v.size(); i > 1; --i) {
      std::swap(v[i - 1], v[static_cast<size_t>(uniform(0, static_cast<int64_t>(i) - 1))]);
    }
  }

 private:
  std::mt19937_64 gen_;  // its output sequence is fixed by the standard
};

}  // namespace zhurnal::demo::internal
