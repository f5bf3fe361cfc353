// Reads rows of one projection's active generation, optionally through a
// RowCache (row_cache.hpp) that keeps rows between queries.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "rows.hpp"
#include "zhurnal/events/kv_store.hpp"
#include "zhurnal/events/status.hpp"
#include "zhurnal/projections/row_cache.hpp"

namespace zhurnal::projections::internal {

class ViewReader {
 public:
  // `cache` (may be null) must outlive the reader; rows read from the store
  // are added to it.
  ViewReader(events::KvStore* store, std::string prefix, RowCache::Use* cache = nullptr)
      : store_(store), prefix_(std::move(prefix)), cache_(cache) {}

  events::Result<std::optional<std::string>> get(const std::string& row) const {
    if (!cache_) return store_->get(prefix_ + row);
    if (auto hit = cache_->get(row)) return std::move(*hit);
    auto r = store_->get(prefix_ + row);
    if (r) cache_->put(row, *r);
    return r;
  }
  // Rows with keys in [from, to) relative to the prefix; fn(row_key, value).
  events::Status scan(const std::string& from, const std::string& to,
                      const std::function<void(std::string_view, std::string_view)>& fn) const {
    const size_t n = prefix_.size();
    if (!cache_) {
      return store_->scan(prefix_ + from, prefix_ + to, [&](std::string_view k, std::string_view v) {
        fn(k.substr(n), v);
        return true;
      });
    }
    const RowCache::Rows* rows = cache_->scan(from, to);
    if (!rows) {
      RowCache::Rows read;
      events::Status st =
          store_->scan(prefix_ + from, prefix_ + to, [&](std::string_view k, std::string_view v) {
            read.emplace_back(k.substr(n), v);
            return true;
          });
      if (!st.is_ok()) return st;
      rows = &cache_->put_scan(from, to, std::move(read));
    }
    for (const auto& [k, v] : *rows) fn(k, v);
    return events::Status::ok();
  }
  events::Status scan_prefix(const std::string& prefix,
                             const std::function<void(std::string_view, std::string_view)>& fn) const {
    return scan(prefix, events::KvStore::prefix_end(prefix), fn);
  }

 private:
  events::KvStore* store_;
  std::string prefix_;
  RowCache::Use* cache_;
};

}  // namespace zhurnal::projections::internal
