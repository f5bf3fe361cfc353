// KvStore's bulk loads: rows written into a table file and added to the
// store in one step (projection rebuilds and catch-ups use them).
#include <gtest/gtest.h>

#include <rocksdb/db.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "support/kv_rows.hpp"
#include "support/temp_dir.hpp"
#include "zhurnal/events/kv_store.hpp"

namespace zhurnal::events {
namespace {

namespace fs = std::filesystem;
using zhurnal::testing::all_rows;
using zhurnal::testing::files_with;

std::unique_ptr<KvStore> open_store(const fs::path& dir) {
  auto store = KvStore::open({dir.string(), false, true});
  EXPECT_TRUE(store) << store.error().to_string();
  return store ? std::move(*store) : nullptr;
}

size_t files_in(const fs::path& dir) {
  std::error_code ec;
  if (!fs::exists(dir, ec)) return 0;
  return static_cast<size_t>(std::distance(fs::directory_iterator(dir), fs::directory_iterator()));
}

TEST(KvBulkLoadTest, RowsAppearAtCommitAndSurviveReopen) {
  zhurnal::testing::TempDir dir;
  auto store = open_store(dir.path());
  ASSERT_TRUE(store);
  KvBatch kv;
  kv.put("b/old", "1");
  kv.put("c/gone", "2");
  ASSERT_TRUE(store->write(kv).is_ok());

  auto load = store->bulk_load();
  ASSERT_TRUE(load) << load.error().to_string();
  (*load)->put("a/new", "x");
  (*load)->put("b/old", "3");  // newer than the memtable's value
  (*load)->erase("c/gone");
  EXPECT_EQ((*load)->count(), 3u);
  EXPECT_EQ(all_rows(*store), (std::map<std::string, std::string>{{"b/old", "1"}, {"c/gone", "2"}}));
  ASSERT_TRUE((*load)->commit().is_ok());
  const std::map<std::string, std::string> want{{"a/new", "x"}, {"b/old", "3"}};
  EXPECT_EQ(all_rows(*store), want);
  load->reset();
  EXPECT_EQ(files_in(dir.path() / "bulk-load"), 0u);  // moved into the store

  // Writes after the load are newer than it.
  kv.clear();
  kv.put("a/new", "y");
  ASSERT_TRUE(store->write(kv).is_ok());
  store.reset();
  store = open_store(dir.path());
  ASSERT_TRUE(store);
  EXPECT_EQ(all_rows(*store), (std::map<std::string, std::string>{{"a/new", "y"}, {"b/old", "3"}}));
}

TEST(KvBulkLoadTest, KeysOutOfOrderFailTheCommitAndWriteNothing) {
  zhurnal::testing::TempDir dir;
  auto store = open_store(dir.path());
  ASSERT_TRUE(store);
  auto load = store->bulk_load();
  ASSERT_TRUE(load) << load.error().to_string();
  (*load)->put("k2", "a");
  (*load)->put("k1", "b");
  (*load)->put("k3", "c");
  EXPECT_FALSE((*load)->commit().is_ok());
  EXPECT_TRUE(all_rows(*store).empty());

  auto repeated = store->bulk_load();
  ASSERT_TRUE(repeated);
  (*repeated)->put("k", "a");
  (*repeated)->put("k", "b");
  EXPECT_FALSE((*repeated)->commit().is_ok());
  EXPECT_TRUE(all_rows(*store).empty());
}

TEST(KvBulkLoadTest, AnEmptyLoadCommitsNothingAndALoadDroppedLeavesNothing) {
  zhurnal::testing::TempDir dir;
  auto store = open_store(dir.path());
  ASSERT_TRUE(store);
  {
    auto empty = store->bulk_load();
    ASSERT_TRUE(empty);
    EXPECT_TRUE((*empty)->commit().is_ok());
  }
  {
    auto dropped = store->bulk_load();
    ASSERT_TRUE(dropped);
    (*dropped)->put("k", "v");
  }
  EXPECT_TRUE(all_rows(*store).empty());
  EXPECT_EQ(files_in(dir.path() / "bulk-load"), 0u);
}

TEST(KvBulkLoadTest, ALeftoverFileIsRemovedAtOpen) {
  zhurnal::testing::TempDir dir;
  {
    auto store = open_store(dir.path());
    ASSERT_TRUE(store);
  }
  fs::create_directories(dir.path() / "bulk-load");
  { std::ofstream(dir.path() / "bulk-load" / "load-0.sst") << "half a file"; }
  auto store = open_store(dir.path());
  ASSERT_TRUE(store);
  EXPECT_EQ(files_in(dir.path() / "bulk-load"), 0u);
  auto load = store->bulk_load();
  ASSERT_TRUE(load);
  (*load)->put("k", "v");
  ASSERT_TRUE((*load)->commit().is_ok());
  EXPECT_EQ(all_rows(*store), (std::map<std::string, std::string>{{"k", "v"}}));
}

TEST(KvBulkLoadTest, LoadsFilledOnThreadsCommitTogetherOrNotAtAll) {
  zhurnal::testing::TempDir dir;
  auto store = open_store(dir.path());
  ASSERT_TRUE(store);
  auto fill = [&](std::string_view prefix, int rows) {
    auto load = store->bulk_load();
    EXPECT_TRUE(load);
    for (int i = 0; i < rows; ++i) {
      char key[32];
      std::snprintf(key, sizeof key, "%s/%04d", std::string(prefix).c_str(), i);
      (*load)->put(key, std::to_string(i));
    }
    return std::move(*load);
  };
  std::unique_ptr<KvBulkLoad> a, b, empty;
  {
    // `a` is finished on its own thread too; commit_all() finishes `b`.
    std::thread ta([&] {
      a = fill("a", 1000);
      EXPECT_TRUE(a->finish_file().is_ok());
      EXPECT_TRUE(a->finish_file().is_ok());  // once: the second call says the same
    });
    std::thread tb([&] { b = fill("b", 1000); });
    ta.join();
    tb.join();
  }
  empty = fill("c", 0);
  std::map<std::string, std::string> want;
  ASSERT_TRUE(KvBulkLoad::commit_all({a.get(), empty.get(), b.get()}).is_ok());
  want = all_rows(*store);
  EXPECT_EQ(want.size(), 2000u);
  EXPECT_EQ(want["a/0999"], "999");
  EXPECT_EQ(want["b/0000"], "0");

  // One load that fails (a key out of order) and the others are not added.
  auto good = fill("d", 10);
  auto bad = store->bulk_load();
  ASSERT_TRUE(bad);
  (*bad)->put("e/2", "x");
  (*bad)->put("e/1", "y");
  ASSERT_TRUE(good->finish_file().is_ok());
  const Status finished = (*bad)->finish_file();
  EXPECT_FALSE(finished.is_ok());
  const Status committed = KvBulkLoad::commit_all({good.get(), bad->get()});
  EXPECT_FALSE(committed.is_ok());
  EXPECT_EQ(committed.to_string(), finished.to_string());
  EXPECT_EQ(all_rows(*store), want);
  for (auto* load : {&a, &b, &empty, &good, &*bad}) load->reset();
  EXPECT_EQ(files_in(dir.path() / "bulk-load"), 0u);
  store.reset();
  store = open_store(dir.path());
  ASSERT_TRUE(store);
  EXPECT_EQ(all_rows(*store), want);
}

// Overlapping loads, as a rebuild's commits make them, are not merged while
// compactions are paused, and are once the last pause is resumed.
TEST(KvBulkLoadTest, CompactionsWaitForTheLastResume) {
  zhurnal::testing::TempDir dir;
  auto store = open_store(dir.path());
  ASSERT_TRUE(store);
  rocksdb::DB* db = internal::kv_store_db(*store);
  auto files_at = [&](int level) {
    std::string n;
    EXPECT_TRUE(db->GetProperty("rocksdb.num-files-at-level" + std::to_string(level), &n));
    return std::stoull(n);
  };
  auto files = [&] {
    uint64_t n = 0;
    for (int level = 0; level < db->NumberLevels(); ++level) n += files_at(level);
    return n;
  };
  auto paused = [&] { return db->GetOptions().disable_auto_compactions; };
  ASSERT_FALSE(paused());
  ASSERT_TRUE(store->pause_compactions().is_ok());
  ASSERT_TRUE(store->pause_compactions().is_ok());  // a second holder
  EXPECT_TRUE(paused());
  // Each load overlaps the ones before: ingested above them, one level up,
  // and past the top level into level 0, beyond its compaction trigger (4).
  const uint64_t loads = db->NumberLevels() - 1 + 5;
  for (uint64_t l = 0; l < loads; ++l) {
    auto load = store->bulk_load();
    ASSERT_TRUE(load);
    for (int i = 0; i < 100; ++i) (*load)->put("k/" + std::to_string(1000 + i), std::to_string(l));
    ASSERT_TRUE((*load)->commit().is_ok());
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_EQ(files(), loads);
  EXPECT_GE(files_at(0), 4u);
  ASSERT_TRUE(store->resume_compactions().is_ok());
  EXPECT_TRUE(paused()) << "one holder still pauses them";
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_EQ(files(), loads);
  ASSERT_TRUE(store->resume_compactions().is_ok());
  EXPECT_FALSE(paused());
  ASSERT_TRUE(store->resume_compactions().is_ok());  // one too many changes nothing
  EXPECT_FALSE(paused());
  for (int i = 0; i < 300 && files() >= loads; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_LT(files(), loads) << "compacted after the resume";
  const auto rows = all_rows(*store);
  EXPECT_EQ(rows.size(), 100u);
  EXPECT_EQ(rows.at("k/1000"), std::to_string(loads - 1));  // the last load's
}

// A deleted range's files, bulk-loaded below level 0, are freed at once;
// the range deletion alone would leave them until compactions reach them.
TEST(KvBulkLoadTest, DeleteFilesInRangeFreesTheDeletedRangesFiles) {
  zhurnal::testing::TempDir dir;
  auto store = open_store(dir.path());
  ASSERT_TRUE(store);
  for (const char* prefix : {"a/", "b/", "c/"}) {
    auto load = store->bulk_load();
    ASSERT_TRUE(load);
    for (int i = 0; i < 100; ++i) (*load)->put(prefix + std::to_string(1000 + i), "v");
    ASSERT_TRUE((*load)->commit().is_ok());
  }
  ASSERT_EQ(files_with(*store, "b/"), 1u);
  KvBatch kv;
  kv.erase_range("b/", "b0");
  ASSERT_TRUE(store->write(kv).is_ok());
  EXPECT_EQ(files_with(*store, "b/"), 1u) << "a range deletion leaves the file";
  ASSERT_TRUE(store->delete_files_in_range("b/", "b0").is_ok());
  EXPECT_EQ(files_with(*store, "b/"), 0u);
  const auto rows = all_rows(*store);
  EXPECT_EQ(rows.size(), 200u);
  EXPECT_TRUE(rows.contains("a/1000"));
  EXPECT_TRUE(rows.contains("c/1099"));
  EXPECT_FALSE(rows.contains("b/1000"));
}

}  // namespace
}  // namespace zhurnal::events
