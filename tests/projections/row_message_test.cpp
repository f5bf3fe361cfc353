// The projections' row encoding and ProjectionTx, below the projections:
// rows built in pooled first segments must be byte for byte what a plain
// capnp::MallocMessageBuilder gives (stored view bytes may not change), also
// for rows larger than the first segment; ProjectionTx must see its own
// writes, remember what it read, and commit exactly the rows it wrote.
#include <gtest/gtest.h>

#include <capnp/message.h>
#include <capnp/serialize.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <set>
#include <string>

#include "projections/internal/rows.hpp"
#include "support/temp_dir.hpp"
#include "zhurnal/events/kv_store.hpp"
#include "zhurnal/projections/projection.hpp"

namespace zhurnal::projections {
namespace {

using internal::RowBuilder;

std::string plain_bytes(capnp::MallocMessageBuilder& m) {
  kj::Array<capnp::word> words = capnp::messageToFlatArray(m);
  auto bytes = words.asBytes();
  return std::string(reinterpret_cast<const char*>(bytes.begin()), bytes.size());
}

uint32_t segment_count(const std::string& bytes) {
  uint32_t n = 0;
  std::memcpy(&n, bytes.data(), sizeof n);
  return n + 1;
}

// A cell with `n` marks, each with a comment of `comment` bytes.
void fill_cell(schema::CellRow::Builder cell, unsigned n, size_t comment) {
  cell.setLessonId("les-0001");
  cell.setStudentId("stu-0001");
  auto marks = cell.initMarks(n);
  for (unsigned i = 0; i < n; ++i) {
    marks[i].setMarkId("mark-" + std::to_string(i));
    marks[i].getValue().setNumeric(static_cast<uint8_t>(2 + i % 4));
    marks[i].setWeight(static_cast<uint8_t>(1 + i % 3));
    marks[i].setComment(std::string(comment, static_cast<char>('a' + i % 26)));
    marks[i].setPosition(1000 + i);
  }
}

// A change like journal_projection.cpp's add_mark through a plain
// MallocMessageBuilder: a copy of the stored row as the root, texts set
// again, the marks list replaced by one a mark longer.
std::string plain_add_mark(const std::string& stored) {
  schema::BoundedMessageReader reader(stored);
  capnp::MallocMessageBuilder message;
  message.setRoot(reader.root<schema::CellRow>());
  auto cell = message.getRoot<schema::CellRow>();
  cell.setLessonId("les-0001");
  cell.setStudentId("stu-0001");
  capnp::MallocMessageBuilder scratch;
  scratch.setRoot(cell.asReader());
  auto old = scratch.getRoot<schema::CellRow>().asReader().getMarks();
  auto marks = cell.initMarks(old.size() + 1);
  for (unsigned i = 0; i < old.size(); ++i) marks.setWithCaveats(i, old[i]);
  marks[old.size()].setMarkId("new");
  marks[old.size()].setComment("added");
  return plain_bytes(message);
}

std::string pooled_add_mark(const std::string& stored) {
  RowBuilder<schema::CellRow> row(&stored);
  row->setLessonId("les-0001");
  row->setStudentId("stu-0001");
  internal::RowView<schema::CellRow> old_row(stored);
  auto old = old_row.get().getMarks();
  auto marks = row->initMarks(old.size() + 1);
  for (unsigned i = 0; i < old.size(); ++i) marks.setWithCaveats(i, old[i]);
  marks[old.size()].setMarkId("new");
  marks[old.size()].setComment("added");
  return row.bytes();
}

TEST(RowMessageTest, PooledBuildersWriteThePlainBytes) {
  // 0 to 2,000 marks: one segment up to 8 KiB, several beyond.
  bool saw_several_segments = false;
  std::set<uint32_t> segment_counts;  // the table is padded for an even count
  for (unsigned n : {0u, 1u, 7u, 60u, 200u, 700u, 1200u, 2000u, 4000u}) {
    for (size_t comment : {size_t{0}, size_t{5}, size_t{90}}) {
      capnp::MallocMessageBuilder plain;
      fill_cell(plain.initRoot<schema::CellRow>(), n, comment);
      const std::string expected = plain_bytes(plain);

      RowBuilder<schema::CellRow> pooled;
      fill_cell(pooled.get(), n, comment);
      const std::string got = pooled.bytes();
      ASSERT_EQ(got, expected) << n << " marks, comments of " << comment;
      saw_several_segments |= segment_count(got) > 1;
      segment_counts.insert(segment_count(got));

      // A copy of the stored row, changed (the fold's path), nested inside
      // another pooled builder that is still alive.
      EXPECT_EQ(pooled_add_mark(expected), plain_add_mark(expected))
          << n << " marks, comments of " << comment;
    }
  }
  EXPECT_TRUE(saw_several_segments) << "no row was larger than the first segment";
  auto any = [&](auto pred) {
    return std::any_of(segment_counts.begin(), segment_counts.end(), pred);
  };
  EXPECT_TRUE(any([](uint32_t c) { return c % 2 == 0; }))
      << "no row had an even number of segments";
  EXPECT_TRUE(any([](uint32_t c) { return c > 1 && c % 2 == 1; }))
      << "no row had an odd number of segments past one";
}

// A copy is the message's root, with nothing before it: a copied row is no
// larger than the row built fresh (an empty root first, as RowBuilder made
// before, left a struct's worth of zeroed words in every copied row), and
// copying it again gives its bytes back.
TEST(RowMessageTest, ACopiedRowGivesItsBytesBack) {
  RowBuilder<schema::CellRow> fresh;
  fill_cell(fresh.get(), 3, 40);
  RowBuilder<schema::CellRow> first(std::make_optional(fresh.bytes()));
  const std::string copied = first.bytes();
  RowBuilder<schema::CellRow> second(&copied);
  EXPECT_EQ(second.bytes(), copied);
  EXPECT_EQ(copied.size(), fresh.bytes().size());
}

TEST(RowMessageTest, ReusedSegmentsComeBackZeroed) {
  // A large row dirties the whole pooled segment; the next small rows must
  // still be what a fresh builder gives.
  for (int round = 0; round < 3; ++round) {
    {
      RowBuilder<schema::CellRow> big;
      fill_cell(big.get(), 300, 40);
      (void)big.bytes();
    }
    capnp::MallocMessageBuilder plain;
    fill_cell(plain.initRoot<schema::CellRow>(), 2, 3);
    RowBuilder<schema::CellRow> small;
    fill_cell(small.get(), 2, 3);
    EXPECT_EQ(small.bytes(), plain_bytes(plain));
  }
}

class ProjectionTxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = events::KvStore::open({dir_.path().string(), false, true});
    ASSERT_TRUE(s) << s.error().to_string();
    store_ = std::move(*s);
  }
  void write(const std::string& key, const std::string& value) {
    events::KvBatch b;
    b.put(key, value);
    ASSERT_TRUE(store_->write(b).is_ok());
  }
  std::map<std::string, std::string> rows() {
    std::map<std::string, std::string> out;
    EXPECT_TRUE(store_
                    ->scan("", "\xff",
                           [&](std::string_view k, std::string_view v) {
                             out.emplace(k, v);
                             return true;
                           })
                    .is_ok());
    return out;
  }

  zhurnal::testing::TempDir dir_;
  std::unique_ptr<events::KvStore> store_;
};

TEST_F(ProjectionTxTest, SeesItsOwnWritesAndCommitsOnlyThem) {
  write("p/a", "stored a");
  write("p/b", "stored b");
  ProjectionTx tx(store_.get(), "p/");
  ASSERT_NE(tx.find("a"), nullptr);
  EXPECT_EQ(*tx.find("a"), "stored a");
  EXPECT_EQ(tx.find("missing"), nullptr);
  EXPECT_TRUE(tx.empty()) << "reads are not writes";

  tx.put("c", "new c");
  tx.put("a", "changed a");
  tx.erase("b");
  tx.put("missing", "now here");
  tx.erase("never");
  tx.touch("topic/1");
  EXPECT_EQ(*tx.find("a"), "changed a");
  EXPECT_EQ(tx.find("b"), nullptr);
  EXPECT_EQ(*tx.find("missing"), "now here");
  EXPECT_EQ(tx.get("c"), std::optional<std::string>("new c"));
  EXPECT_FALSE(tx.empty());

  events::KvBatch batch;
  EXPECT_EQ(tx.flush(&batch), std::set<std::string>{"topic/1"});
  EXPECT_EQ(batch.count(), 5u);  // a, b, c, missing, never: not the rows only read
  EXPECT_TRUE(tx.empty());
  ASSERT_TRUE(store_->write(batch).is_ok());
  EXPECT_EQ(rows(), (std::map<std::string, std::string>{
                        {"p/a", "changed a"}, {"p/c", "new c"}, {"p/missing", "now here"}}));
}

TEST_F(ProjectionTxTest, ReadsAreForgottenAtTheCommit) {
  ProjectionTx tx(store_.get(), "p/");
  EXPECT_EQ(tx.find("x"), nullptr);
  events::KvBatch batch;
  tx.flush(&batch);
  // Written by someone else between two batches (a test; the engine never
  // does this): the next batch reads the store again.
  write("p/x", "later");
  ASSERT_NE(tx.find("x"), nullptr);
  EXPECT_EQ(*tx.find("x"), "later");
}

TEST_F(ProjectionTxTest, DiscardDropsWritesAndTopics) {
  write("p/a", "stored a");
  ProjectionTx tx(store_.get(), "p/");
  tx.put("a", "changed");
  tx.touch("t");
  tx.discard();
  EXPECT_TRUE(tx.empty());
  EXPECT_EQ(*tx.find("a"), "stored a");
  events::KvBatch batch;
  EXPECT_TRUE(tx.flush(&batch).empty());
  EXPECT_EQ(batch.count(), 0u);
}

TEST_F(ProjectionTxTest, AFoldFromZeroReadsBackEveryRowItWrote) {
  // assume_empty_store: rows never written are absent without a read; every
  // row written in an earlier commit must still be read back (the filter
  // may only err towards reading). A small filter, so that it fills.
  ProjectionTx tx(store_.get(), "p/");
  tx.assume_empty_store(100);
  constexpr int kRows = 20000;
  for (int batch = 0; batch < 4; ++batch) {
    for (int i = batch; i < kRows; i += 4) tx.put("row/" + std::to_string(i), std::to_string(i * 7));
    events::KvBatch kv;
    tx.flush(&kv);
    ASSERT_TRUE(store_->write(kv).is_ok());
  }
  for (int i = 0; i < kRows; ++i) {
    const std::string* v = tx.find("row/" + std::to_string(i));
    ASSERT_NE(v, nullptr) << i;
    EXPECT_EQ(*v, std::to_string(i * 7));
  }
  EXPECT_EQ(tx.find("row/-1"), nullptr);
  // Erased in a commit, then asked for: absent, whether or not it is read.
  tx.erase("row/5");
  events::KvBatch kv;
  tx.flush(&kv);
  ASSERT_TRUE(store_->write(kv).is_ok());
  EXPECT_EQ(tx.find("row/5"), nullptr);
  // Off again: every miss is read from the store.
  tx.forget_written();
  write("p/elsewhere", "x");
  ASSERT_NE(tx.find("elsewhere"), nullptr);
}

TEST_F(ProjectionTxTest, RetainedMemoryServesTheNextCommits) {
  // retain_memory(): commits of many rows, larger and smaller in turn, each
  // reading back the last one's rows; the rows are those written, and the
  // memory kept between commits is given back when it is turned off.
  ProjectionTx tx(store_.get(), "p/");
  tx.retain_memory(true);
  EXPECT_EQ(tx.retained_bytes(), 0u);
  const int sizes[] = {30000, 60000, 10000, 45000};
  int previous = 0;
  for (int round = 0; round < 4; ++round) {
    const int rows = sizes[round];
    for (int i = 0; i < rows; ++i) {
      const std::string key = "row/" + std::to_string(i);
      const std::string* before = tx.find(key);
      if (i < previous) {
        ASSERT_NE(before, nullptr) << round << " " << i;
        ASSERT_EQ(*before, std::to_string(round - 1) + "/" + std::to_string(i));
      }
      tx.put(key, std::to_string(round) + "/" + std::to_string(i));
    }
    events::KvBatch kv;
    tx.flush(&kv);
    EXPECT_EQ(kv.count(), static_cast<size_t>(rows));
    ASSERT_TRUE(store_->write(kv).is_ok());
    EXPECT_GT(tx.retained_bytes(), 0u) << "the arena's chunks are kept for the next commit";
    previous = rows;
  }
  tx.retain_memory(false);
  EXPECT_EQ(tx.retained_bytes(), 0u);
  // Off: a flush keeps nothing, and the rows are still right.
  for (int i = 0; i < 20000; ++i) tx.put("row/" + std::to_string(i), "off");
  events::KvBatch kv;
  tx.flush(&kv);
  EXPECT_EQ(tx.retained_bytes(), 0u);
  ASSERT_TRUE(store_->write(kv).is_ok());
  const auto stored = rows();
  EXPECT_EQ(stored.size(), 60000u);
  EXPECT_EQ(stored.at("p/row/19999"), "off");
  EXPECT_EQ(stored.at("p/row/20000"), "3/20000");
  EXPECT_EQ(stored.at("p/row/59999"), "1/59999");
}

}  // namespace
}  // namespace zhurnal::projections
