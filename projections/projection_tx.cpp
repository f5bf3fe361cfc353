#include "zhurnal/projections/projection.hpp"

#include <stdexcept>

namespace zhurnal::projections {

ProjectionTx::ProjectionTx(events::KvStore* store, std::string prefix)
    : store_(store), prefix_(std::move(prefix)) {}

std::optional<std::string> ProjectionTx::get(std::string_view row) {
  if (auto it = writes_.find(row); it != writes_.end()) return it->second;
  auto value = store_->get(prefix_ + std::string(row));
  // A read failure of the view store is an infrastructure fault: the engine
  // catches it at its boundary and stops rather than writing wrong rows.
  if (!value) throw std::runtime_error("view store read failed: " + value.error().to_string());
  return *value;
}

void ProjectionTx::put(std::string_view row, std::string value) {
  writes_.insert_or_assign(std::string(row), std::optional<std::string>(std::move(value)));
}

void ProjectionTx::erase(std::string_view row) {
  writes_.insert_or_assign(std::string(row), std::nullopt);
}

std::set<std::string> ProjectionTx::flush(events::KvBatch* batch) {
  std::string key = prefix_;
  for (auto& [row, value] : writes_) {
    key.resize(prefix_.size());
    key += row;
    if (value) batch->put(key, *value);
    else batch->erase(key);
  }
  writes_.clear();
  std::set<std::string> topics;
  topics.swap(topics_);
  return topics;
}

void ProjectionTx::discard() {
  writes_.clear();
  topics_.clear();
}

}  // namespace zhurnal::projections
