// Projection: one read model, a fold of the log into rows of a KvStore.
//
// A projection sees each event once, in log order, through apply(). It reads
// and writes its own rows through a ProjectionTx, which sees its own writes
// and commits them, together with the projection's checkpoint, in one batch.
// apply() must be deterministic (the same events give the same bytes: a
// rebuild is compared byte for byte with the live rows) and must not fail:
// the log is the truth, and an event the projection cannot use is skipped.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "schema/journal.capnp.h"
#include "zhurnal/events/kv_store.hpp"
#include "zhurnal/events/types.hpp"

namespace zhurnal::projections {

// The rows of one projection within one commit. Row keys are relative to the
// projection's key space; the engine prefixes them with the projection's name
// and generation.
class ProjectionTx {
 public:
  ProjectionTx(events::KvStore* store, std::string prefix);

  // The row's current value, including this transaction's own writes.
  std::optional<std::string> get(std::string_view row);
  void put(std::string_view row, std::string value);
  void erase(std::string_view row);
  // Marks a change topic (e.g. "diary/s1") as changed by this transaction;
  // subscribers of the topic are told after the commit.
  void touch(std::string topic) { topics_.insert(std::move(topic)); }

  // Moves the writes into `batch` and clears them; returns touched topics.
  std::set<std::string> flush(events::KvBatch* batch);
  bool empty() const { return writes_.empty() && topics_.empty(); }
  const std::string& prefix() const { return prefix_; }

  // Drops pending writes and topics (after a failed commit).
  void discard();

 private:
  events::KvStore* store_;
  std::string prefix_;
  std::map<std::string, std::optional<std::string>, std::less<>> writes_;  // nullopt: erased
  std::set<std::string> topics_;
};

class Projection {
 public:
  virtual ~Projection() = default;
  // Stable, short, no '/' (it prefixes the key space).
  virtual std::string_view name() const = 0;
  // Bump when apply() changes meaning: the engine then rebuilds from zero.
  virtual uint32_t version() const = 0;
  virtual void apply(const events::RecordedEvent& event, schema::JournalEvent::Reader payload,
                     ProjectionTx& tx) = 0;
};

}  // namespace zhurnal::projections
