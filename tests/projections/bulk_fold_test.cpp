// Rebuild mode of the projection layer: a catch-up from far behind
// (projections folded on their own threads, large unlogged commits) must
// give the same bytes as the live, event-by-event fold.
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <string>

#include "support/temp_dir.hpp"
#include "zhurnal/commands/journal.hpp"
#include "zhurnal/demo/generator.hpp"
#include "zhurnal/events/event_log.hpp"
#include "zhurnal/events/kv_store.hpp"
#include "zhurnal/projections/engine.hpp"
#include "zhurnal/projections/views.hpp"

namespace zhurnal::projections {
namespace {

std::unique_ptr<events::KvStore> open_store(const std::filesystem::path& dir) {
  auto store = events::KvStore::open({dir.string(), false, true});
  EXPECT_TRUE(store) << store.error().to_string();
  return store ? std::move(*store) : nullptr;
}

std::map<std::string, std::string> all_rows(events::KvStore& store) {
  std::map<std::string, std::string> rows;
  events::Status st = store.scan("", "\xff", [&](std::string_view k, std::string_view v) {
    rows.emplace(k, v);
    return true;
  });
  EXPECT_TRUE(st.is_ok()) << st.to_string();
  return rows;
}

TEST(BulkCatchUpTest, EqualsTheLiveFoldByteForByte) {
  zhurnal::testing::TempDir dir;
  std::atomic<int64_t> now{1};
  events::LogOptions lo;
  lo.path = (dir.path() / "log").string();
  lo.durability = events::Durability::kBuffered;
  lo.clock_us = [&] { return now.load(); };
  auto log = events::open_event_log(lo);
  ASSERT_TRUE(log) << log.error().to_string();
  auto live_store = open_store(dir.path() / "live");
  ASSERT_TRUE(live_store);
  auto live = ProjectionEngine::open({log->get(), live_store.get(), nullptr, 2048}, standard_projections());
  ASSERT_TRUE(live) << live.error().to_string();
  (*live)->start();
  {
    auto journal = commands::Journal::open({log->get(), lo.clock_us, nullptr, 8});
    ASSERT_TRUE(journal) << journal.error().to_string();
    demo::DemoOptions o;
    o.weeks = 1;
    auto summary = demo::generate_demo(**journal, [&](int64_t us) { now = us; }, o);
    ASSERT_TRUE(summary) << summary.error().to_string();
  }
  const uint64_t head = (*log)->head_position();
  ASSERT_GT(head, 5'000u);
  ASSERT_TRUE((*live)->wait_position(head, std::chrono::seconds(120)));
  (*live)->stop();

  auto bulk_store = open_store(dir.path() / "bulk");
  ASSERT_TRUE(bulk_store);
  auto bulk = ProjectionEngine::open({log->get(), bulk_store.get(), nullptr, 256}, standard_projections());
  ASSERT_TRUE(bulk) << bulk.error().to_string();
  events::Status st = (*bulk)->catch_up();
  ASSERT_TRUE(st.is_ok()) << st.to_string();
  EXPECT_EQ((*bulk)->position(), head);

  const auto a = all_rows(*live_store), b = all_rows(*bulk_store);
  EXPECT_GT(a.size(), 1000u);
  EXPECT_EQ(a.size(), b.size());
  size_t differences = 0;
  for (const auto& [k, v] : a) {
    auto it = b.find(k);
    if (it == b.end() || it->second != v) {
      if (++differences <= 5) ADD_FAILURE() << "row " << k << " differs or is missing in the bulk store";
    }
  }
  EXPECT_EQ(differences, 0u);

  // The unlogged commits were flushed when the catch-up ended: they survive
  // a reopen of the store.
  live->reset();
  bulk->reset();
  bulk_store.reset();
  bulk_store = open_store(dir.path() / "bulk");
  EXPECT_EQ(all_rows(*bulk_store), b);
  (*log)->close();
}

}  // namespace
}  // namespace zhurnal::projections
