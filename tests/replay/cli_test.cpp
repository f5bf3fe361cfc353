// `zhurnal replay history | as-of | rebuild` as a user runs them: the real
// binary over the seeded school's data directory, with the log closed first
// (RocksDB admits one writing process per database) and beside a process
// that holds it, as a running server does.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <regex>

#include "replay_fixture.hpp"
#include "support/temp_dir.hpp"
#include "zhurnal/projections/engine.hpp"
#include "zhurnal/projections/views.hpp"

namespace zhurnal::replay {
namespace {

struct CliRun {
  int status = -1;
  std::string out;  // stdout, then stderr
  std::string err;  // stderr (messages, progress)
  std::string stdout_only;
};

CliRun zhurnal_replay(const std::string& args) {
  CliRun r;
  zhurnal::testing::TempDir dir;
  const std::string err_path = (dir.path() / "stderr").string();
  const std::string cmd = std::string(ZHURNAL_BIN) + " replay " + args + " 2>" + err_path;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) return r;
  char buf[4096];
  size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) r.stdout_only.append(buf, n);
  const int st = ::pclose(p);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  if (FILE* e = std::fopen(err_path.c_str(), "r")) {
    while ((n = std::fread(buf, 1, sizeof buf, e)) > 0) r.err.append(buf, n);
    std::fclose(e);
  }
  r.out = r.stdout_only + r.err;
  return r;
}

class ReplayCliTest : public testing::ReplayFixture {
 protected:
  void SetUp() override {
    ReplayFixture::SetUp();
    // The server's layout: DIR/views beside the log (here the log is DIR itself).
    auto store = events::KvStore::open({(dir_.path() / "views").string(), false, true});
    ASSERT_TRUE(store);
    auto engine = projections::ProjectionEngine::open({log_.get(), store->get(), nullptr, 2048},
                                                      projections::standard_projections());
    ASSERT_TRUE(engine);
    ASSERT_TRUE((*engine)->catch_up().is_ok());
    engine->reset();
    store->reset();
    journal_.reset();
    log_->close();
    log_.reset();
    data_ = " --data " + dir_.str();
  }
  std::string data_;
};

TEST_F(ReplayCliTest, HistoryInThreeFormats) {
  CliRun text = zhurnal_replay("history --student s1" + data_);
  ASSERT_EQ(text.status, 0) << text.out;
  EXPECT_NE(text.out.find("было: 3  стало: 4"), std::string::npos) << text.out;
  // Progress on stderr (not a terminal here: the final line).
  EXPECT_NE(text.err.find("история: "), std::string::npos) << text.err;
  EXPECT_NE(text.err.find(", готово\n"), std::string::npos) << text.err;
  EXPECT_EQ(text.stdout_only.find("готово"), std::string::npos) << text.stdout_only;
  // Each event under its Russian name, the log's type beside it.
  EXPECT_NE(text.out.find("  Исправление отметки (MarkCorrected)\n"), std::string::npos)
      << text.out;
  CliRun csv = zhurnal_replay("history --class c5a --format csv --from \"2026-10-05 10:00\" --to \"2026-10-05 12:15\"" + data_);
  ASSERT_EQ(csv.status, 0) << csv.out;
  EXPECT_EQ(csv.out.find("MarkPosted"), std::string::npos) << csv.out;
  EXPECT_NE(csv.out.find(";MarkCorrected;"), std::string::npos) << csv.out;
  CliRun jsonl = zhurnal_replay("history --teacher t-math --format jsonl --limit 1" + data_);
  ASSERT_EQ(jsonl.status, 0) << jsonl.out;
  EXPECT_NE(jsonl.out.find("\"nextPosition\":"), std::string::npos);
  CliRun bad = zhurnal_replay("history --student s1 --class c5a" + data_);
  EXPECT_EQ(bad.status, 2) << bad.out;
}

TEST_F(ReplayCliTest, AsOfTextAndJson) {
  CliRun text = zhurnal_replay("as-of --at \"2026-10-05 11:30\" --register c5a --subject math --period q1" + data_);
  ASSERT_EQ(text.status, 0) << text.out;
  EXPECT_NE(text.out.find("Журнал 5А, Математика"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("| 4*"), std::string::npos) << text.out;
  // The averages as Russian decimals.
  EXPECT_TRUE(std::regex_search(text.stdout_only, std::regex(R"(\| [2-5],[0-9]{2} )"))) << text.out;
  EXPECT_FALSE(std::regex_search(text.stdout_only, std::regex(R"(\| [2-5]\.[0-9]{2} )")))
      << text.out;
  EXPECT_NE(text.err.find("свёртка журнала: "), std::string::npos) << text.err;
  EXPECT_NE(text.err.find(", готово"), std::string::npos) << text.err;
  CliRun json = zhurnal_replay("as-of --at \"2026-10-05 12:00\" --register c5a --subject math --period q1 --format json" + data_);
  ASSERT_EQ(json.status, 0) << json.out;
  EXPECT_NE(json.out.find("\"cancelled\": true"), std::string::npos) << json.out;
  CliRun diary = zhurnal_replay("as-of --at \"2026-10-05 09:45\" --diary s1 --date 2026-10-05" + data_);
  ASSERT_EQ(diary.status, 0) << diary.out;
  EXPECT_NE(diary.out.find("отметки: 3"), std::string::npos) << diary.out;
  CliRun bad = zhurnal_replay("as-of --at \"завтра\" --diary s1 --date 2026-10-05" + data_);
  EXPECT_EQ(bad.status, 2) << bad.out;
  EXPECT_EQ(bad.err.find("свёртка"), std::string::npos) << "no fold, no progress: " << bad.err;
  // The smallest row budget: the fold commits after every batch, same answer.
  const std::string register_q1 =
      "as-of --at \"2026-10-05 11:30\" --register c5a --subject math --period q1";
  CliRun small = zhurnal_replay(register_q1 + " --rebuild-memory-mib 1" + data_);
  EXPECT_EQ(small.status, 0) << small.out;
  EXPECT_EQ(small.stdout_only, text.stdout_only);
  EXPECT_NE(zhurnal_replay(register_q1 + " --rebuild-memory-mib 0" + data_).status, 0);
}

TEST_F(ReplayCliTest, RebuildOfAnIntactStoreReportsNothing) {
  CliRun r = zhurnal_replay("rebuild" + data_);
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("итог: каждое представление совпадает со своей пересборкой"),
            std::string::npos)
      << r.out;
  // The fold's progress (positions read), then the comparison's (rows).
  const size_t fold = r.err.find("пересборка: "), compare = r.err.find("сравнение: ");
  EXPECT_NE(fold, std::string::npos) << r.err;
  EXPECT_NE(compare, std::string::npos) << r.err;
  EXPECT_LT(fold, compare) << r.err;
  // The same with the smallest memory budget for the rows held between bulk loads.
  CliRun small = zhurnal_replay("rebuild --rebuild-memory-mib 1" + data_);
  EXPECT_EQ(small.status, 0) << small.out;
  EXPECT_NE(small.out.find("итог: каждое представление совпадает"), std::string::npos) << small.out;
  EXPECT_NE(zhurnal_replay("rebuild --rebuild-memory-mib 0" + data_).status, 0);
}

// The CLI's frame speaks Russian too: --help exits 0 with Russian headings
// and a starred required option; a mistake in the arguments exits 2, as the
// commands' own refusals do, with its kind in Russian.
TEST(ReplayCliFrameTest, HelpAndArgumentMistakes) {
  CliRun help = zhurnal_replay("history --help");
  EXPECT_EQ(help.status, 0) << help.out;
  EXPECT_NE(help.out.find("Использование: "), std::string::npos) << help.out;
  EXPECT_NE(help.out.find("\nПараметры:\n"), std::string::npos) << help.out;
  EXPECT_NE(help.out.find("--data TEXT *"), std::string::npos) << help.out;
  EXPECT_NE(help.out.find("* — обязательный параметр"), std::string::npos) << help.out;
  EXPECT_EQ(help.out.find("Options"), std::string::npos) << help.out;
  CliRun bad = zhurnal_replay("as-of --data x --at y --format xml");
  EXPECT_EQ(bad.status, 2) << bad.out;
  EXPECT_NE(bad.err.find("zhurnal: недопустимое значение: --format"), std::string::npos) << bad.err;
  CliRun missing = zhurnal_replay("verify");
  EXPECT_EQ(missing.status, 2) << missing.out;
  EXPECT_NE(missing.err.find("не указан обязательный параметр"), std::string::npos) << missing.err;
}

// The log stays open in this process, as `zhurnal serve` holds it: history
// and as-of read it through a secondary instance, and rebuild, which writes
// the view store, asks for a stopped server.
class ReplayCliBesideServerTest : public testing::ReplayFixture {
 protected:
  std::string data() const { return " --data " + dir_.str(); }
};

TEST_F(ReplayCliBesideServerTest, HistoryAndAsOfReadTheHeldLog) {
  CliRun history = zhurnal_replay("history --student s1" + data());
  ASSERT_EQ(history.status, 0) << history.out;
  EXPECT_NE(history.out.find("было: 3  стало: 4"), std::string::npos) << history.out;
  CliRun as_of = zhurnal_replay(
      "as-of --at \"2026-10-05 11:30\" --register c5a --subject math --period q1" + data());
  ASSERT_EQ(as_of.status, 0) << as_of.out;
  EXPECT_NE(as_of.out.find("| 4*"), std::string::npos) << as_of.out;
  // The server goes on writing; the next command sees the new mark.
  at("2026-10-05 13:00");
  ok("t-math", post("m3", "s1", 2, "oral"));
  CliRun after = zhurnal_replay("history --student s1 --format jsonl" + data());
  ASSERT_EQ(after.status, 0) << after.out;
  EXPECT_NE(after.out.find("\"m3\""), std::string::npos) << after.out;
  EXPECT_EQ(history.out.find("m3"), std::string::npos) << history.out;
}

TEST_F(ReplayCliBesideServerTest, RebuildAsksForAStoppedServer) {
  CliRun r = zhurnal_replay("rebuild" + data());
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_NE(r.out.find("занят работающим сервером"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace zhurnal::replay
