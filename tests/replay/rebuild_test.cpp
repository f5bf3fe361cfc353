// replay rebuild: a live view store equal to its rebuild reports nothing; a
// planted change, a removed row and an added row are each reported, named
// readably, with both values decoded.
#include <gtest/gtest.h>

#include "replay_fixture.hpp"
#include "support/temp_dir.hpp"
#include "zhurnal/projections/engine.hpp"
#include "zhurnal/projections/views.hpp"
#include "zhurnal/replay/rebuild.hpp"

namespace zhurnal::replay {
namespace {

class RebuildTest : public testing::ReplayFixture {
 protected:
  void SetUp() override {
    ReplayFixture::SetUp();
    auto store = events::KvStore::open({views_dir_.str(), false, true});
    ASSERT_TRUE(store);
    store_ = std::move(*store);
    auto engine = projections::ProjectionEngine::open({log_.get(), store_.get(), nullptr, 2048},
                                                      projections::standard_projections());
    ASSERT_TRUE(engine);
    engine_ = std::move(*engine);
    ASSERT_TRUE(engine_->catch_up().is_ok());
  }

  // Writes `value` (or erases, when nullopt) a row of the live generation.
  void plant(const std::string& projection, const std::string& row, std::optional<std::string> value) {
    events::KvBatch b;
    const std::string key = engine_->active_prefix(projection) + row;
    if (value) b.put(key, *value);
    else b.erase(key);
    ASSERT_TRUE(store_->write(b).is_ok());
  }

  zhurnal::testing::TempDir views_dir_;
  std::unique_ptr<events::KvStore> store_;
  std::unique_ptr<projections::ProjectionEngine> engine_;
};

TEST_F(RebuildTest, EqualStoresReportNoDifference) {
  auto report = rebuild_and_compare_all(*engine_, *store_);
  ASSERT_TRUE(report) << report.error().to_string();
  EXPECT_TRUE(report->ok()) << format_rebuild_report(*report);
  ASSERT_GE(report->projections.size(), 2u);  // journal, compliance, and any added since
  for (const auto& p : report->projections) {
    EXPECT_GT(p.live_rows, 0u) << p.name;
    EXPECT_EQ(p.live_rows, p.rebuilt_rows) << p.name;
    EXPECT_EQ(p.checkpoint, log_->head_position()) << p.name;
  }
  EXPECT_NE(format_rebuild_report(*report).find("итог: каждое представление совпадает"),
            std::string::npos);
}

TEST_F(RebuildTest, PlantedDifferencesAreEachReportedReadably) {
  // A changed cell: s2's mark in l-math rewritten with s1's cell bytes.
  auto s1_cell = store_->get(engine_->active_prefix("journal") + "C/l-math/s1");
  ASSERT_TRUE(s1_cell && *s1_cell);
  plant("journal", "C/l-math/s2", **s1_cell);
  plant("compliance", "U/s2", std::nullopt);         // a row lost
  plant("journal", "SUB/sch1/astronomy", "Астрономия");  // a row nobody wrote

  std::vector<RowDifference> seen;
  RebuildOptions options;
  options.on_difference = [&](const RowDifference& d) { seen.push_back(d); };
  auto report = rebuild_and_compare_all(*engine_, *store_, options);
  ASSERT_TRUE(report) << report.error().to_string();
  EXPECT_EQ(report->total_differences, 3u) << format_rebuild_report(*report);
  ASSERT_EQ(seen.size(), 3u);

  const auto find = [&](const std::string& row) -> const RowDifference* {
    for (const auto& d : report->differences) {
      if (d.row == row) return &d;
    }
    return nullptr;
  };
  const RowDifference* cell = find("C/l-math/s2");
  ASSERT_NE(cell, nullptr);
  EXPECT_EQ(cell->kind, RowDifference::Kind::kChanged);
  EXPECT_EQ(cell->projection, "journal");
  EXPECT_EQ(cell->description, "клетка журнала (отметки и посещаемость): урок l-math, ученик s2");
  EXPECT_NE(cell->live.find("studentId = \"s1\""), std::string::npos) << cell->live;
  EXPECT_NE(cell->rebuilt.find("studentId = \"s2\""), std::string::npos) << cell->rebuilt;

  const RowDifference* lost = find("U/s2");
  ASSERT_NE(lost, nullptr);
  EXPECT_EQ(lost->kind, RowDifference::Kind::kExtra);
  EXPECT_EQ(lost->description, "школа сотрудника или ученика: человек s2");
  EXPECT_TRUE(lost->live.empty());

  const RowDifference* extra = find("SUB/sch1/astronomy");
  ASSERT_NE(extra, nullptr);
  EXPECT_EQ(extra->kind, RowDifference::Kind::kMissing);
  EXPECT_EQ(extra->description, "название предмета: школа sch1, предмет astronomy");
  EXPECT_EQ(extra->live, "\"Астрономия\"");

  const std::string text = format_rebuild_report(*report);
  EXPECT_NE(text.find("journal C/l-math/s2 — клетка журнала (отметки и посещаемость): урок l-math, "
                      "ученик s2: различается"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("итог: расхождений 3\n"), std::string::npos) << text;

  // The live rows are left as they were: the planted change is still there.
  auto still = store_->get(engine_->active_prefix("journal") + "C/l-math/s2");
  ASSERT_TRUE(still && *still);
  EXPECT_EQ(**still, **s1_cell);
}

// The comparison reads each side in chunks of 4,096 rows: 10,000 planted
// rows span several chunks of the live side, and each is counted once, in
// key order.
TEST_F(RebuildTest, DifferencesOverManyChunksAreEachCountedOnce) {
  events::KvBatch b;
  const std::string prefix = engine_->active_prefix("journal");
  for (int i = 0; i < 10000; ++i) {
    char row[40];
    std::snprintf(row, sizeof row, "SUB/sch1/extra-%05d", i);
    b.put(prefix + row, "Предмет");
  }
  ASSERT_TRUE(store_->write(b).is_ok());
  std::vector<std::string> seen;
  RebuildOptions options;
  options.on_difference = [&](const RowDifference& d) { seen.push_back(d.row); };
  auto report = rebuild_and_compare_all(*engine_, *store_, options);
  ASSERT_TRUE(report) << report.error().to_string();
  EXPECT_EQ(report->total_differences, 10000u);
  ASSERT_EQ(seen.size(), 10000u);
  for (size_t i = 1; i < seen.size(); ++i) ASSERT_LT(seen[i - 1], seen[i]) << "out of order or twice";
  for (const auto& p : report->projections) {
    if (p.name == "journal") {
      EXPECT_EQ(p.live_rows, p.rebuilt_rows + 10000) << format_rebuild_report(*report);
    } else {
      EXPECT_EQ(p.live_rows, p.rebuilt_rows) << p.name;
    }
  }
}

TEST(RowNamesTest, DescribesKeysOfBothProjections) {
  EXPECT_EQ(describe_row("journal", "F/c5a/math/q1/s1/period"),
            "итоговая отметка: класс c5a, предмет math, период q1, ученик s1, вид period");
  EXPECT_EQ(describe_row("compliance", "T/sch1/2026-10/t-math"),
            "счётчики учителя за месяц: школа sch1, месяц 2026-10, учитель t-math");
  EXPECT_EQ(describe_row("journal", "CL/c5a/math/2026-10-05/02/l-math"),
            "указатель уроков по предметам: класс c5a, предмет math, дата 2026-10-05, номер 02, "
            "урок l-math");
  EXPECT_EQ(describe_row("journal", "ZZ/x"), "неизвестный вид строки");
  EXPECT_EQ(describe_value("compliance", "U/s1", std::string("\x01\x02", 2)), "2 байт: 0102");
}

}  // namespace
}  // namespace zhurnal::replay
