// The rows of a KvStore, all or under a prefix: for tests that compare what
// two ways of writing left in a store; and the table files that hold them.
#pragma once

#include <gtest/gtest.h>
#include <rocksdb/db.h>

#include <map>
#include <string>
#include <string_view>
#include <vector>

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

// How many of the store's table files hold a key starting with `prefix`
// (by their key ranges).
inline size_t files_with(events::KvStore& store, const std::string& prefix) {
  std::vector<rocksdb::LiveFileMetaData> files;
  events::internal::kv_store_db(store)->GetLiveFilesMetaData(&files);
  size_t n = 0;
  for (const auto& f : files) {
    n += f.smallestkey < events::KvStore::prefix_end(prefix) && f.largestkey >= prefix;
  }
  return n;
}

}  // namespace zhurnal::testing
