// A fixture for tests that fold hand-made events into one projection with
// chosen commit boundaries and compare the rows each way leaves (a
// projection that keeps values for the whole commit must leave the rows of
// a commit per event).
#pragma once

#include <gtest/gtest.h>

#include <capnp/message.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "support/kv_rows.hpp"
#include "support/temp_dir.hpp"
#include "zhurnal/events/kv_store.hpp"
#include "zhurnal/projections/projection.hpp"

namespace zhurnal::testing {

class FoldRowsTest : public ::testing::Test {
 protected:
  using J = schema::JournalEvent;

  struct Event {
    events::RecordedEvent recorded;
    std::unique_ptr<capnp::MallocMessageBuilder> message;
  };

  void SetUp() override {
    auto s = events::KvStore::open({dir_.path().string(), false, true});
    ASSERT_TRUE(s) << s.error().to_string();
    store_ = std::move(*s);
  }

  // Appends an event by `actor`, a minute after the one before; `fill` sets
  // its payload.
  template <typename Fill>
  void add(const std::string& actor, Fill fill) {
    Event e;
    e.recorded.position = events_.size() + 1;
    e.recorded.recorded_at_us =
        int64_t{1790000000} * 1000000 + static_cast<int64_t>(events_.size()) * 60000000;
    e.recorded.actor = actor;
    e.message = std::make_unique<capnp::MallocMessageBuilder>();
    fill(e.message->initRoot<J>());
    events_.push_back(std::move(e));
  }

  // Applies every event with a fresh `P` into the key space `prefix`,
  // committing after each event i for which commit_after(i) holds, and at the
  // end; returns the key space's rows.
  template <typename P, typename CommitAfter>
  std::map<std::string, std::string> fold(const std::string& prefix, CommitAfter commit_after) {
    P projection;
    projections::ProjectionTx tx(store_.get(), prefix);
    auto commit = [&] {
      events::KvBatch b;
      tx.flush(&b);
      EXPECT_TRUE(store_->write(b).is_ok());
    };
    for (size_t i = 0; i < events_.size(); ++i) {
      projection.apply(events_[i].recorded, events_[i].message->getRoot<J>().asReader(), tx);
      if (commit_after(i)) commit();
    }
    commit();
    return rows_under(*store_, prefix);
  }
  // The same with a commit every `per_commit` events.
  template <typename P>
  std::map<std::string, std::string> fold_every(const std::string& prefix, size_t per_commit) {
    return fold<P>(prefix, [per_commit](size_t i) { return (i + 1) % per_commit == 0; });
  }

  TempDir dir_;
  std::unique_ptr<events::KvStore> store_;
  std::vector<Event> events_;
};

}  // namespace zhurnal::testing
