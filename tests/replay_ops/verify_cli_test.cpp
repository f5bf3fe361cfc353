// `zhurnal replay verify` as a real process: a clean log verifies with its
// summary; a flipped byte, a deleted event and a swapped pair are each named
// by position with exit code 1; a damaged stream index or receipt is named
// by the reader's audit; and the command runs beside a process that holds
// the log open and keeps appending (a running server).
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>

#include "ops_support.hpp"
#include "support/temp_dir.hpp"
#include "zhurnal/events/log_reader.hpp"

namespace zhurnal::replay_ops {
namespace {

using zhurnal::testing::TempDir;

class VerifyCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto log = open_log(log_path());
    ASSERT_TRUE(log);
    ASSERT_TRUE(append_commands(*log, 0, 20));
    head_ = log->head_position();
    auto all = log->read_all(1, 1000);
    ASSERT_TRUE(all);
    events_ = *all;
    log->close();
  }
  fs::path data() const { return dir_.path() / "data"; }
  fs::path log_path() const { return data() / "log"; }
  CliResult verify() { return run_zhurnal({"replay", "verify", "--data", data().string()}, dir_.path()); }
  events::VerifyReport audit() {
    auto reader = events::LogReader::open({log_path().string(), {}});
    EXPECT_TRUE(reader) << reader.error().to_string();
    if (!reader) return {};
    auto report = (*reader)->verify({}, {});
    EXPECT_TRUE(report) << report.error().to_string();
    return report ? *report : events::VerifyReport{};
  }
  void expect_named(uint64_t position) {
    CliResult r = verify();
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    EXPECT_NE(r.out.find("цепочка хешей:   НАРУШЕНА, первая ошибка на позиции " +
                         std::to_string(position) + ":"),
              std::string::npos)
        << r.out;
    EXPECT_NE(r.err.find("журнал событий повреждён, позиция " + std::to_string(position) + ":"),
              std::string::npos)
        << r.err;
  }

  TempDir dir_;
  uint64_t head_ = 0;
  std::vector<events::RecordedEvent> events_;
};

TEST_F(VerifyCliTest, CleanLogVerifiesWithSummary) {
  CliResult r = verify();
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("событий:         " + std::to_string(head_) + "\n"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("потоков:         9\n"), std::string::npos)
      << r.out;  // 4 lessons, 5 students
  EXPECT_NE(r.out.find("первое событие:  2025-09-01 06:00:00 UTC"), std::string::npos) << r.out;
  // Each type's count, from the log's runs of one type and changes of type,
  // under its Russian name; a type the schema does not have, as it is.
  const std::map<std::string, std::string> label = {
      {"LessonHeld", "Урок проведён (LessonHeld)"},
      {"MarkPosted", "Отметка (MarkPosted)"},
      {"HomeworkAssigned", "Домашнее задание (HomeworkAssigned)"},
      {"AbsenceRecorded", "AbsenceRecorded"},
  };
  std::map<std::string, int> per_type;
  for (const events::RecordedEvent& e : events_) ++per_type[e.type];
  ASSERT_EQ(per_type.size(), 4u);
  // The commonest type first; equal counts in the order of their labels.
  std::vector<std::pair<int, std::string>> order;
  for (const auto& [type, n] : per_type) {
    ASSERT_EQ(label.count(type), 1u) << type;
    EXPECT_NE(r.out.find("\n  " + label.at(type) + ": " + std::to_string(n) + "\n"),
              std::string::npos)
        << type << " " << n << "\n"
        << r.out;
    order.emplace_back(-n, label.at(type));
  }
  std::sort(order.begin(), order.end());
  for (size_t i = 1; i < order.size(); ++i) {
    EXPECT_LT(r.out.find("\n  " + order[i - 1].second + ": "),
              r.out.find("\n  " + order[i].second + ": "))
        << r.out;
  }
  EXPECT_NE(
      r.out.find("цепочка хешей:   в порядке, проверено событий: " + std::to_string(head_) + "\n"),
      std::string::npos)
      << r.out;
}

TEST_F(VerifyCliTest, FlippedStoredByteIsNamed) {
  {
    RawLog raw(log_path());
    std::string v = raw.get_event(7);
    v[v.size() - 12] ^= 0x01;  // inside the envelope: the hash no longer matches
    raw.put_event(7, v);
  }
  expect_named(7);
}

TEST_F(VerifyCliTest, DeletedEventIsNamed) {
  {
    RawLog raw(log_path());
    raw.delete_event(9);
  }
  expect_named(9);
}

TEST_F(VerifyCliTest, SwappedPairIsNamed) {
  {
    RawLog raw(log_path());
    const std::string a = raw.get_event(12), b = raw.get_event(13);
    raw.put_event(12, b);
    raw.put_event(13, a);
  }
  expect_named(12);
}

TEST_F(VerifyCliTest, MissingStreamIndexEntryIsNamed) {
  const events::RecordedEvent& e = events_[4];
  {
    RawLog raw(log_path());
    raw.delete_stream_entry(e.stream, e.stream_version);
  }
  const events::VerifyReport report = audit();
  EXPECT_EQ(report.first_bad_position, e.position) << report.problem;
  EXPECT_NE(report.problem.find("запись индекса потока"), std::string::npos) << report.problem;
}

TEST_F(VerifyCliTest, MissingReceiptIsNamedAtItsAppend) {
  uint64_t first = 0;
  for (const auto& e : events_) {
    if (e.command_id == "cmd-5") {
      first = e.position;
      break;
    }
  }
  ASSERT_NE(first, 0u);
  {
    RawLog raw(log_path());
    raw.delete_receipt("cmd-5");
  }
  const events::VerifyReport report = audit();
  EXPECT_EQ(report.first_bad_position, first) << report.problem;
  EXPECT_NE(report.problem.find("квитанция идемпотентности команды cmd-5 отсутствует"),
            std::string::npos)
      << report.problem;
}

// Damage found only when the fingerprints disagree sends the audit over the
// log a second time to name it; the visitor (the summary's counts) still
// sees each event once, in order.
TEST_F(VerifyCliTest, SecondPassDoesNotVisitAgain) {
  {
    RawLog raw(log_path());
    raw.delete_receipt("cmd-7");
  }
  auto reader = events::LogReader::open({log_path().string(), {}});
  ASSERT_TRUE(reader) << reader.error().to_string();
  std::vector<uint64_t> visited;
  auto report = (*reader)->verify({}, [&](const events::RecordedEvent& e, std::string_view) {
    visited.push_back(e.position);
  });
  ASSERT_TRUE(report) << report.error().to_string();
  EXPECT_FALSE(report->ok());
  EXPECT_NE(report->problem.find("квитанция идемпотентности команды cmd-7 отсутствует"),
            std::string::npos)
      << report->problem;
  ASSERT_EQ(visited.size(), head_);
  for (size_t i = 0; i < visited.size(); ++i) EXPECT_EQ(visited[i], i + 1);
}

TEST_F(VerifyCliTest, VerifiesBesideARunningWriter) {
  auto log = open_log(log_path(), false);
  ASSERT_TRUE(log);
  Appender appender(*log, 1000);
  CliResult r = verify();
  appender.stop();
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("цепочка хешей:   в порядке"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace zhurnal::replay_ops
