// The rows of a KvStore, all or under a prefix: for tests that compare what
// two ways of writing left in a store.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <string_view>

#include "zhurnal/events/kv_store.hpp"

namespace zhurnal::testing {

inline std::map<std::string, std::string> rows_under(events::KvStore& store,
                                                     const std::string& prefix) {
  std::map<std::string, std::string> out;
  EXPECT_TRUE(store
                  .scan(prefix, events::KvStore::prefix_end(prefix),
                        [&](std::string_view k, std::string_view v) {
                          out.emplace(k.substr(prefix.size()), v);
                          return true;
                        })
                  .is_ok());
  return out;
}

// Every row of the store, keyed by its whole key.
inline std::map<std::string, std::string> all_rows(events::KvStore& store) {
  std::map<std::string, std::string> out;
  EXPECT_TRUE(store
                  .scan("", "\xff\xff\xff\xff",
                        [&](std::string_view k, std::string_view v) {
                          out.emplace(k, v);
                          return true;
                        })
                  .is_ok());
  return out;
}

}  // namespace zhurnal::testing
