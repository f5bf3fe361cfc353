// Rebuild mode's commit of held rows (flush_and_commit,
// projections/internal/engine_impl.hpp): each projection's writes are
// sorted, cut into pieces of consecutive keys, written into table files by
// whichever thread is free, and added to the store in one step. However
// they are cut and whichever thread writes them, the store must then hold
// exactly what a flush of each transaction through a batch gives.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <numeric>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "internal/engine_impl.hpp"
#include "support/kv_rows.hpp"
#include "support/temp_dir.hpp"
#include "zhurnal/events/kv_store.hpp"
#include "zhurnal/projections/projection.hpp"

namespace zhurnal::projections {
namespace {

namespace fs = std::filesystem;
using zhurnal::testing::all_rows;

std::unique_ptr<events::KvStore> open_store(const fs::path& dir) {
  auto store = events::KvStore::open({dir.string(), false, true});
  EXPECT_TRUE(store) << store.error().to_string();
  return store ? std::move(*store) : nullptr;
}

// Rows already in the store under `prefix`: some are erased by fill().
void store_old_rows(events::KvStore& store, const std::string& prefix) {
  events::KvBatch kv;
  for (int i = 1; i <= 4; ++i) kv.put(prefix + "old/" + std::to_string(i), "before");
  ASSERT_TRUE(store.write(kv).is_ok());
}

// `rows` writes in a shuffled order (the flush sorts them), two erases of
// stored rows and one of a row never stored, and a topic.
void fill(ProjectionTx& tx, size_t rows, unsigned seed) {
  std::vector<size_t> order(rows);
  std::iota(order.begin(), order.end(), size_t{0});
  std::shuffle(order.begin(), order.end(), std::mt19937(seed));
  for (size_t i : order) {
    char key[32];
    std::snprintf(key, sizeof key, "r/%07zu", i);
    tx.put(key, "value " + std::to_string(i * 7 + seed));
  }
  tx.erase("old/1");
  tx.erase("old/3");
  tx.erase("never/stored");
  tx.touch(tx.prefix() + "topic");
}

// Rows per transaction: the first two are cut into several pieces (at
// least 32,768 writes each), the last only erases.
const std::vector<size_t> kRows = {100'000, 40'000, 0};
const std::vector<std::string> kPrefixes = {"a/00000001/", "b/00000001/", "c/00000001/"};

// What flushing each transaction through a batch leaves in a store.
std::map<std::string, std::string> through_batches() {
  zhurnal::testing::TempDir dir;
  auto store = open_store(dir.path());
  EXPECT_TRUE(store);
  if (!store) return {};
  for (size_t i = 0; i < kRows.size(); ++i) {
    store_old_rows(*store, kPrefixes[i]);
    ProjectionTx tx(store.get(), kPrefixes[i]);
    fill(tx, kRows[i], static_cast<unsigned>(i));
    events::KvBatch batch;
    tx.flush(&batch);
    EXPECT_TRUE(store->write(batch).is_ok());
  }
  return all_rows(*store);
}

void expect_pieces_commit_as_batches(bool pool_running) {
  const auto want = through_batches();
  ASSERT_EQ(want.size(), 3 * 2 + kRows[0] + kRows[1]);  // the old rows 2 and 4 remain

  zhurnal::testing::TempDir dir;
  auto store = open_store(dir.path());
  ASSERT_TRUE(store);
  std::vector<std::unique_ptr<ProjectionTx>> txs;
  std::vector<ProjectionTx*> tx_ptrs;
  for (size_t i = 0; i < kRows.size(); ++i) {
    store_old_rows(*store, kPrefixes[i]);
    txs.push_back(std::make_unique<ProjectionTx>(store.get(), kPrefixes[i]));
    fill(*txs.back(), kRows[i], static_cast<unsigned>(i));
    tx_ptrs.push_back(txs.back().get());
  }
  auto meta = store->bulk_load();
  ASSERT_TRUE(meta);
  (*meta)->put("_meta/a", "checkpoint");
  internal::FoldPool pool;
  if (pool_running) pool.start(kRows.size());
  std::set<std::string> topics;
  const Status st = flush_and_commit(*store, pool, tx_ptrs, meta->get(), &topics);
  ASSERT_TRUE(st.is_ok()) << st.to_string();

  auto expected = want;
  expected.emplace("_meta/a", "checkpoint");
  const auto got = all_rows(*store);
  EXPECT_EQ(got.size(), expected.size());
  EXPECT_TRUE(got == expected) << "the rows differ from the batches'";
  EXPECT_EQ(topics, (std::set<std::string>{"a/00000001/topic", "b/00000001/topic",
                                           "c/00000001/topic"}));
  // 100,003 and 40,003 writes in pieces of 32,768: 4 + 2 pieces, and the
  // last transaction's 3 erases are 1.
  const std::vector<size_t> writes = {kRows[0] + 3, kRows[1] + 3, 3};
  EXPECT_EQ(flush_pieces(writes).size(), 4u + 2u + 1u);
  for (const auto& tx : txs) {
    EXPECT_TRUE(tx->empty());
    EXPECT_EQ(tx->held_bytes(), 0u);
  }
}

// The pieces cover every write once, in order, each within one transaction,
// none empty; none is over an eighth of the writes unless that is under the
// floor, and only a transaction's last piece is under it.
// A pool stopped and started again (each rebuild-mode catch-up of an
// engine, e.g. the as-of reader's kept fold moving to a later instant) runs
// each task once per run, on every start. Its threads once took the last
// start's run count for a new run and called a null task.
TEST(FoldPoolTest, RunsEachTaskOncePerRunAcrossRestarts) {
  internal::FoldPool pool;
  for (int start = 0; start < 3; ++start) {
    pool.start(2);
    // The threads reach their wait before the first run (as in a catch-up,
    // which does more before its first batch): they must wait there.
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    for (int run = 0; run < 4; ++run) {
      std::vector<int> ran(3, 0);
      pool.run([&](size_t i) { ++ran[i]; });
      EXPECT_EQ(ran, (std::vector<int>{1, 1, 1})) << "start " << start << ", run " << run;
    }
    pool.stop();
    EXPECT_FALSE(pool.running());
  }
}

TEST(BulkFlushTest, PiecesCoverEveryWriteInOrder) {
  const std::vector<std::vector<size_t>> cases = {
      {}, {0}, {1}, {kMinFlushPiece}, {kMinFlushPiece + 1}, {0, 5, 0},
      {479'062, 339'948, 40'000}, {3 * kMinFlushPiece, 0, 7}, {2'000'000}};
  for (const auto& writes : cases) {
    SCOPED_TRACE(::testing::PrintToString(writes));
    size_t total = 0;
    for (size_t w : writes) total += w;
    const size_t most = std::max(kMinFlushPiece, (total + 7) / 8);
    const auto pieces = flush_pieces(writes);
    size_t tx = 0, at = 0;
    for (size_t p = 0; p < pieces.size(); ++p) {
      const FlushPiece& piece = pieces[p];
      if (piece.tx != tx) {
        EXPECT_EQ(at, writes[tx]) << "transaction " << tx << " not covered";
        EXPECT_GT(piece.tx, tx);
        for (size_t skipped = tx + 1; skipped < piece.tx; ++skipped) EXPECT_EQ(writes[skipped], 0u);
        tx = piece.tx;
        at = 0;
      }
      EXPECT_EQ(piece.begin, at);
      EXPECT_LT(piece.begin, piece.end);
      EXPECT_LE(piece.end - piece.begin, most);
      const bool last = piece.end == writes[tx];
      if (!last) {
        EXPECT_EQ(piece.end - piece.begin, most);
      }
      at = piece.end;
    }
    if (!pieces.empty()) {
      EXPECT_EQ(at, writes[tx]);
    }
    for (size_t rest = pieces.empty() ? 0 : tx + 1; rest < writes.size(); ++rest) {
      EXPECT_EQ(writes[rest], 0u);
    }
  }
  EXPECT_EQ(flush_pieces({2'000'000}).size(), 8u);
  EXPECT_EQ(flush_pieces({479'062, 339'948, 40'000}).size(), 5u + 4u + 1u);
}

TEST(BulkFlushTest, PiecesWrittenOnThePoolCommitAsOneBatchPerProjection) {
  expect_pieces_commit_as_batches(true);
}

TEST(BulkFlushTest, PiecesWrittenOnOneThreadCommitAsOneBatchPerProjection) {
  expect_pieces_commit_as_batches(false);
}

}  // namespace
}  // namespace zhurnal::projections
