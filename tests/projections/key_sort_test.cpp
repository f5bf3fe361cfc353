#include "projections/internal/key_sort.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

namespace zhurnal::projections::internal {
namespace {

std::vector<std::string> sorted_by_key(const std::vector<std::string>& keys) {
  std::vector<KeyedEntry<size_t>> entries;
  for (size_t i = 0; i < keys.size(); ++i) entries.emplace_back(keys[i], i);
  sort_by_key(std::span(entries));
  std::vector<std::string> out;
  for (const auto& e : entries) {
    EXPECT_EQ(e.key, keys[e.value]);  // each key keeps its value
    out.push_back(std::string(e.key));
  }
  return out;
}

std::vector<std::string> sorted(std::vector<std::string> keys) {
  std::sort(keys.begin(), keys.end());
  return keys;
}

TEST(KeySortTest, PrefixesEndsAndZeroBytesAtChunkBorders) {
  // Keys that end at, just before and just after the 16- and 32-byte borders,
  // keys that are prefixes of others, and zero bytes (a key padded with zeros
  // must still sort after the key it extends).
  const std::string p16 = "C/sch1-c10a-2026";
  const std::string p32 = p16 + "-09-01-1/sch1-s0";
  std::vector<std::string> keys = {
      "",  "a", p16, p16.substr(0, 15), p16 + "-", p32, p32 + "652", p32.substr(0, 31), p32 + '\0',
      p32 + std::string(2, '\0'), p16 + '\0', p16 + std::string(17, '\0'), std::string(1, '\0'),
      std::string(16, '\0'), std::string(17, '\0'), "b", p32 + "651", p32 + "6520", "\xff\xfe",
      "\x7f", p16.substr(0, 8), p16.substr(0, 9), "C/", "CD/sch1",
  };
  EXPECT_EQ(sorted_by_key(keys), sorted(keys));
}

TEST(KeySortTest, ManyKeysWithLongSharedPrefixesSortAsStdSortDoes) {
  std::mt19937_64 rng(7);
  std::vector<std::string> keys;
  const char* families[] = {"C/", "CD/", "L/", "LF/", "LT/", "X/"};
  for (int i = 0; i < 20000; ++i) {
    std::string k = families[rng() % 6];
    k += "sch" + std::to_string(rng() % 3) + "-c" + std::to_string(rng() % 11 + 1) + "a-2026-";
    k += std::to_string(rng() % 2 + 9) + "-" + std::to_string(rng() % 30 + 1);
    if (rng() % 2) k += "/sch1-s0" + std::to_string(rng() % 700);
    if (rng() % 50 == 0) k.push_back('\0');
    keys.push_back(k);
  }
  keys.push_back(keys[5]);  // a duplicate
  EXPECT_EQ(sorted_by_key(keys), sorted(keys));
}

TEST(KeySortTest, RandomBytesOfRandomLengths) {
  std::mt19937_64 rng(11);
  std::vector<std::string> keys;
  for (int i = 0; i < 5000; ++i) {
    std::string k(rng() % 40, '\0');
    for (char& c : k) c = static_cast<char>(rng() % 3);  // few distinct bytes: long ties
    keys.push_back(k);
  }
  EXPECT_EQ(sorted_by_key(keys), sorted(keys));
}

}  // namespace
}  // namespace zhurnal::projections::internal
