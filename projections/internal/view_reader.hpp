// Reads rows of one projection's active generation.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "rows.hpp"
#include "zhurnal/events/kv_store.hpp"
#include "zhurnal/events/status.hpp"

namespace zhurnal::projections::internal {

class ViewReader {
 public:
  ViewReader(events::KvStore* store, std::string prefix)
      : store_(store), prefix_(std::move(prefix)) {}

  events::Result<std::optional<std::string>> get(const std::string& row) const {
    return store_->get(prefix_ + row);
  }
  // Rows with keys in [from, to) relative to the prefix; fn(row_key, value).
  events::Status scan(const std::string& from, const std::string& to,
                      const std::function<void(std::string_view, std::string_view)>& fn) const {
    const size_t n = prefix_.size();
    return store_->scan(prefix_ + from, prefix_ + to, [&](std::string_view k, std::string_view v) {
      fn(k.substr(n), v);
      return true;
    });
  }
  events::Status scan_prefix(const std::string& prefix,
                             const std::function<void(std::string_view, std::string_view)>& fn) const {
    return scan(prefix, events::KvStore::prefix_end(prefix), fn);
  }

 private:
  events::KvStore* store_;
  std::string prefix_;
};

}  // namespace zhurnal::projections::internal
