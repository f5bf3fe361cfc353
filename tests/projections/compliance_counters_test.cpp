// The compliance counters kept as plain numbers for a whole commit
// (ComplianceCommit) must leave exactly the rows that reading, changing
// and writing each row at every change left (the path they replaced, kept
// here as the reference), including the edge cases a valid log never
// reaches: negative sums, 32-bit overflow, all-zero rows that exist.
#include <gtest/gtest.h>

#include <map>
#include <random>
#include <string>

#include "projections/internal/compliance_commit.hpp"
#include "projections/internal/rows.hpp"
#include "support/kv_rows.hpp"
#include "support/temp_dir.hpp"
#include "zhurnal/events/kv_store.hpp"

namespace zhurnal::projections {
namespace {

using internal::ComplianceCommit;
using internal::RowBuilder;
using internal::RowView;
using internal::Tally;

// The row-by-row path (compliance_lessons.cpp before the counters were kept
// for the commit), verbatim.
namespace reference {
Tally read_counters(ProjectionTx& tx, const std::string& key) {
  const std::string* stored = tx.find(key);
  return stored ? Tally::read(RowView<schema::Counters>(*stored).get()) : Tally();
}
void write_counters(ProjectionTx& tx, const std::string& key, const Tally& t) {
  if (t.zero()) {
    tx.erase(key);
    return;
  }
  RowBuilder<schema::Counters> row;
  t.write(row.get());
  tx.put(key, row.bytes());
}
void add_counters(ProjectionTx& tx, const std::string& key, const Tally& delta) {
  if (delta.zero()) return;
  Tally t = read_counters(tx, key);
  t.add(delta, 1);
  write_counters(tx, key, t);
}
void add_count(ProjectionTx& tx, const std::string& key, int delta) {
  const auto stored = tx.find(key);
  const long n = (stored ? std::stol(*stored) : 0) + delta;
  if (n > 0)
    tx.put(key, std::to_string(n));
  else
    tx.erase(key);
}
void move_counters(ProjectionTx& tx, const std::string& key, const Tally& old, const Tally& now) {
  if (old.zero() && now.zero()) return;
  Tally t = read_counters(tx, key);
  t.add(old, -1);
  for (int64_t v : t.v) {
    if (v < 0) {
      add_counters(tx, key, Tally().add(old, -1));
      add_counters(tx, key, now);
      return;
    }
  }
  t.add(now, 1);
  write_counters(tx, key, t);
}
}  // namespace reference

std::string counters_bytes(const Tally& t) {
  RowBuilder<schema::Counters> row;
  t.write(row.get());
  return row.bytes();
}

class ComplianceCommitTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = events::KvStore::open({dir_.path().string(), false, true});
    ASSERT_TRUE(s) << s.error().to_string();
    store_ = std::move(*s);
  }
  // The same stored rows under both prefixes.
  void store_both(const std::string& key, const std::string& value) {
    events::KvBatch b;
    b.put("r/" + key, value);
    b.put("c/" + key, value);
    ASSERT_TRUE(store_->write(b).is_ok());
  }
  void commit(ProjectionTx& tx) {
    events::KvBatch b;
    tx.flush(&b);
    ASSERT_TRUE(store_->write(b).is_ok());
  }
  std::map<std::string, std::string> rows(const std::string& prefix) {
    return zhurnal::testing::rows_under(*store_, prefix);
  }

  zhurnal::testing::TempDir dir_;
  std::unique_ptr<events::KvStore> store_;
};

TEST(TallyTest, AsStoredIsWhatAWriteReadsBack) {
  std::mt19937_64 rng(7);
  const int64_t edges[] = {0, 1, -1, 4294967295, 4294967296, 4294967297, -4294967296, INT64_C(1) << 40};
  for (int round = 0; round < 200; ++round) {
    Tally t;
    for (int64_t& v : t.v) v = edges[rng() % std::size(edges)];
    RowBuilder<schema::Counters> row;
    t.write(row.get());
    const std::string bytes = row.bytes();
    Tally expected = t;
    EXPECT_EQ(Tally::read(RowView<schema::Counters>(bytes).get()), expected.as_stored()) << "round " << round;
  }
}

// add_stored() is add(), zero() and as_stored() in one pass; zero() is the
// comparison with an empty tally.
TEST(TallyTest, AddStoredIsAddThenAsStored) {
  std::mt19937_64 rng(11);
  const int64_t edges[] = {0, 1, -1, 2, 4294967295, 4294967296, -4294967296, INT64_C(1) << 40};
  for (int round = 0; round < 2000; ++round) {
    Tally a, b;
    for (int i = 0; i < internal::kTallyFields; ++i) {
      // Mostly zero fields, so that all-zero sums come up.
      a.v[i] = rng() % 3 ? 0 : edges[rng() % std::size(edges)];
      b.v[i] = rng() % 3 ? -a.v[i] : edges[rng() % std::size(edges)];
    }
    Tally want = a;
    want.add(b, 1);
    const bool present = !(want == Tally{});
    EXPECT_EQ(want.zero(), !present);
    want.as_stored();
    Tally got = a;
    EXPECT_EQ(got.add_stored(b), present) << "round " << round;
    EXPECT_EQ(got, want) << "round " << round;
  }
}

TEST_F(ComplianceCommitTest, OneWriteAtTheCommitGivesTheRowByRowRows) {
  // Stored before: ordinary rows, an all-zero row that exists, 32-bit maxima.
  Tally ordinary;
  ordinary.v = {5, 4, 2, 3, 2, 9, 7, 2, 3600, 1, 1, 4, 6, 1};
  Tally full;
  full.v.fill(4294967295);
  store_both("T/a", counters_bytes(ordinary));
  store_both("T/b", counters_bytes(Tally()));
  store_both("CC/c", counters_bytes(full));
  store_both("PS/x", "3");
  store_both("PS/y", "1");

  const std::string tallies[] = {"T/a", "T/b", "CC/c", "CC/d"};
  const std::string counts[] = {"PS/x", "PS/y", "PS/z"};
  std::mt19937_64 rng(2026);
  auto small = [&](int lo, int hi) { return lo + static_cast<int>(rng() % (hi - lo + 1)); };
  auto random_tally = [&](int lo, int hi) {
    Tally t;
    if (rng() % 5 == 0) return t;  // zero: the paths that write nothing
    for (int64_t& v : t.v) v = rng() % 3 == 0 ? small(lo, hi) : 0;
    if (rng() % 40 == 0) t.v[rng() % t.v.size()] = 4294967295;  // past 32 bits
    return t;
  };

  ProjectionTx ref(store_.get(), "r/");
  ProjectionTx tx(store_.get(), "c/");
  // First the edge cases one by one: a sum with a negative field, and one
  // past 32 bits, leave an all-zero row that exists; taking away from an
  // existing all-zero row; a move whose "minus old" goes negative.
  Tally minus_one, past_32_bits, two;
  minus_one.v[internal::kHeld] = -1;
  past_32_bits.v[internal::kMarks] = 4294967296;
  two.v[internal::kMarks] = 2;
  for (const auto& [key, delta] : {std::pair{"CC/d", minus_one}, std::pair{"T/x", past_32_bits},
                                   std::pair{"T/b", minus_one}}) {
    reference::add_counters(ref, key, delta);
    ComplianceCommit::of(tx).add(tx, key, delta);
  }
  reference::move_counters(ref, "T/a", two, two);
  ComplianceCommit::of(tx).move(tx, "T/a", two, two);
  commit(ref);
  commit(tx);
  ASSERT_EQ(rows("c/"), rows("r/"));
  ASSERT_EQ(rows("c/").at("CC/d"), counters_bytes(Tally())) << "kept as an all-zero row";

  // Places as the projection passes them: the same lesson in two months
  // (a move), two lessons in the same rows, another teacher and class.
  using internal::Place;
  const Place places[] = {
      {"l1", "s", "2026-10", "t1", "c1", "math", "all"},
      {"l1", "s", "2026-11", "t1", "c1", "math", "all"},
      {"l2", "s", "2026-10", "t1", "c1", "math", "all"},
      {"l3", "s", "2026-10", "t2", "c2", "art", "g1"},
  };
  auto teacher_key = [](const Place& p) { return "T/" + std::string(p.school) + "/" + std::string(p.month) + "/" + std::string(p.teacher); };
  auto class_key = [](const Place& p) { return "CC/" + std::string(p.school) + "/" + std::string(p.month) + "/" + std::string(p.klass); };
  auto count_key = [](const Place& p) {
    return "PS/" + std::string(p.school) + "/" + std::string(p.month) + "/" + std::string(p.klass) + "/" +
           std::string(p.teacher) + "/" + std::string(p.subject) + "/" + std::string(p.subgroup);
  };

  for (int step = 0; step < 8000; ++step) {
    const std::string& key = tallies[rng() % std::size(tallies)];
    const std::string& count = counts[rng() % std::size(counts)];
    const Place& place = places[rng() % std::size(places)];
    switch (rng() % 7) {
      case 4: {  // as contribute() does
        const Tally delta = random_tally(-2, 3);
        reference::add_counters(ref, teacher_key(place), delta);
        reference::add_counters(ref, class_key(place), delta);
        ComplianceCommit::of(tx).add(tx, place, delta);
        break;
      }
      case 5: {  // as change_lesson() does
        const Tally old = random_tally(0, 2), now = random_tally(0, 2);
        // PS/: counted before and after, before only, after only, neither.
        const std::pair<int, int> counts_moves[] = {{-1, +1}, {-1, 0}, {+1, 0}, {0, 0}};
        const auto [first, then] = counts_moves[rng() % std::size(counts_moves)];
        reference::move_counters(ref, teacher_key(place), old, now);
        reference::move_counters(ref, class_key(place), old, now);
        if (first != 0) reference::add_count(ref, count_key(place), first);
        if (then != 0) reference::add_count(ref, count_key(place), then);
        ComplianceCommit::of(tx).move(tx, place, old, now, first, then);
        break;
      }
      case 6: {  // a change that keeps (or not) the lesson in its PS/ row
        const int delta = rng() % 2 ? 1 : -1, then = rng() % 2 ? -delta : 0;
        reference::add_count(ref, count_key(place), delta);
        reference::add_count(ref, count_key(place), then);
        ComplianceCommit::of(tx).add_count(tx, place, delta, then);
        break;
      }
      default:
        break;
    }
    switch (rng() % 4) {
      case 0: {
        const Tally delta = random_tally(-2, 3);
        reference::add_counters(ref, key, delta);
        ComplianceCommit::of(tx).add(tx, key, delta);
        break;
      }
      case 1: {
        const Tally old = random_tally(0, 2), now = random_tally(0, 2);
        reference::move_counters(ref, key, old, now);
        ComplianceCommit::of(tx).move(tx, key, old, now);
        break;
      }
      case 2: {
        const int delta = rng() % 2 ? 1 : -1;
        reference::add_count(ref, count, delta);
        ComplianceCommit::of(tx).add_count(tx, count, delta);
        break;
      }
      default:
        reference::add_count(ref, count, -1);
        reference::add_count(ref, count, +1);
        ComplianceCommit::of(tx).add_count(tx, count, -1, +1);
        break;
    }
    if (rng() % 50 == 0) {  // commits in between, at the same points
      commit(ref);
      commit(tx);
      ASSERT_EQ(rows("c/"), rows("r/")) << "after step " << step;
    }
  }
  EXPECT_FALSE(tx.empty()) << "pending counters are not an empty transaction";
  commit(ref);
  commit(tx);
  EXPECT_TRUE(tx.empty());
  EXPECT_EQ(rows("c/"), rows("r/"));
}

TEST_F(ComplianceCommitTest, DiscardForgetsPendingCountersAndFlushTouchesTheirTopic) {
  ProjectionTx tx(store_.get(), "c/");
  Tally one;
  one.v[internal::kScheduled] = 1;
  ComplianceCommit::of(tx).add(tx, "T/a", one);
  ComplianceCommit::of(tx).touch(tx, "compliance/s/2026-10");
  ComplianceCommit::of(tx).touch(tx, "compliance/s/2026-10");
  tx.discard();
  EXPECT_TRUE(tx.empty());
  commit(tx);
  EXPECT_TRUE(rows("c/").empty());

  ComplianceCommit::of(tx).add(tx, "T/a", one);
  ComplianceCommit::of(tx).touch(tx, "compliance/s/2026-10");
  events::KvBatch b;
  EXPECT_EQ(tx.flush(&b), std::set<std::string>{"compliance/s/2026-10"});
  ASSERT_TRUE(store_->write(b).is_ok());
  EXPECT_EQ(rows("c/"), (std::map<std::string, std::string>{{"T/a", counters_bytes(one)}}));
  // After the flush the topic is touched again for the next commit.
  ComplianceCommit::of(tx).touch(tx, "compliance/s/2026-10");
  EXPECT_EQ(tx.flush(&b), std::set<std::string>{"compliance/s/2026-10"});
}

// The values a commit keeps count in its transaction's held bytes (what a
// rebuild's memory budget checks), once per row kept, and leave them with
// the commit or a discard.
TEST_F(ComplianceCommitTest, KeptValuesCountInHeldBytes) {
  ProjectionTx tx(store_.get(), "c/");
  EXPECT_EQ(tx.held_bytes(), 0u);
  Tally one;
  one.v[internal::kScheduled] = 1;
  ComplianceCommit::of(tx).add(tx, "T/a", one);
  const size_t first = tx.held_bytes();
  const size_t kept = ComplianceCommit::of(tx).held_bytes();
  EXPECT_GE(kept, sizeof(Tally)) << "the counter kept is not counted";
  EXPECT_GT(first, kept) << "the row read for it is not counted";
  ComplianceCommit::of(tx).add(tx, "T/a", one);  // the same row: nothing more kept
  EXPECT_EQ(tx.held_bytes(), first);
  for (int i = 0; i < 100; ++i) {
    ComplianceCommit::of(tx).add_count(tx, "PS/school/2026-10/class-" + std::to_string(i), 1);
  }
  // Each count kept: at least its key and a node.
  EXPECT_GE(ComplianceCommit::of(tx).held_bytes(), kept + 100 * (sizeof(std::string) + 26));
  tx.discard();
  EXPECT_EQ(tx.held_bytes(), 0u);
  ComplianceCommit::of(tx).add(tx, "T/a", one);
  EXPECT_GT(tx.held_bytes(), 0u);
  commit(tx);
  EXPECT_EQ(tx.held_bytes(), 0u);
}

}  // namespace
}  // namespace zhurnal::projections
