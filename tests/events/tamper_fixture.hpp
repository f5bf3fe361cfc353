// The tamper tests' fixture (tamper_test.cpp: the log itself;
// index_tamper_test.cpp: the stream index and the receipts): a shared log
// built once per suite, fresh copies of it to damage, and RawLog, which
// opens a closed log's RocksDB directly to damage it.
#pragma once

#include <gtest/gtest.h>
#include <rocksdb/db.h>

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "internal/codec.hpp"
#include "internal/keys.hpp"
#include "support/temp_dir.hpp"
#include "zhurnal/events/event_log.hpp"

namespace zhurnal::events::tamper {

namespace fs = std::filesystem;
using zhurnal::testing::TempDir;

constexpr int64_t kStartUs = 1'756'706'400'000'000;  // 2025-09-01 06:00:00 UTC

// The RocksDB instance of a closed log, opened directly as a bad disk or an
// attacker with file access would change it. Every method adds a test failure
// on a RocksDB error; the caller checks with ASSERT_NO_FATAL_FAILURE or
// HasFailure().
class RawLog {
 public:
  explicit RawLog(const fs::path& path) {
    const std::vector<rocksdb::ColumnFamilyDescriptor> cfs = {
        {rocksdb::kDefaultColumnFamilyName, rocksdb::ColumnFamilyOptions()},
        {internal::kLogCf, rocksdb::ColumnFamilyOptions()},
        {internal::kStreamsCf, rocksdb::ColumnFamilyOptions()},
        {internal::kCommandsCf, rocksdb::ColumnFamilyOptions()},
    };
    rocksdb::DB* raw = nullptr;
    rocksdb::Status s =
        rocksdb::DB::Open(rocksdb::DBOptions(), path.string(), cfs, &handles_, &raw);
    EXPECT_TRUE(s.ok()) << "raw open: " << s.ToString();
    db_.reset(raw);
  }

  ~RawLog() {
    if (!db_) return;
    for (auto* h : handles_) {
      rocksdb::Status s = db_->DestroyColumnFamilyHandle(h);
      EXPECT_TRUE(s.ok()) << s.ToString();
    }
    rocksdb::Status s = db_->Close();
    EXPECT_TRUE(s.ok()) << s.ToString();
  }

  RawLog(const RawLog&) = delete;
  RawLog& operator=(const RawLog&) = delete;

  bool is_open() const { return db_ != nullptr; }

  std::string get_event(uint64_t position) {
    std::string value;
    check(db_->Get(rocksdb::ReadOptions(), log_cf(), internal::position_key(position), &value));
    return value;
  }
  void put_event(uint64_t position, std::string_view value) {
    check(db_->Put(write_options(), log_cf(), internal::position_key(position),
                   rocksdb::Slice(value.data(), value.size())));
  }
  void delete_event(uint64_t position) {
    check(db_->Delete(write_options(), log_cf(), internal::position_key(position)));
  }
  // Points a stream index entry at another position.
  void put_stream_entry(std::string_view stream, uint64_t version, uint64_t position) {
    std::string value;
    internal::put_u64be(&value, position);
    check(db_->Put(write_options(), handles_[2], internal::stream_key(stream, version), value));
  }
  void delete_stream_entry(std::string_view stream, uint64_t version) {
    check(db_->Delete(write_options(), handles_[2], internal::stream_key(stream, version)));
  }
  std::string get_receipt(std::string_view command_id) {
    std::string value;
    check(db_->Get(rocksdb::ReadOptions(), handles_[3], command_id, &value));
    return value;
  }
  void put_receipt(std::string_view command_id, std::string_view value) {
    check(db_->Put(write_options(), handles_[3], command_id, rocksdb::Slice(value.data(), value.size())));
  }

 private:
  rocksdb::ColumnFamilyHandle* log_cf() const { return handles_[1]; }
  static rocksdb::WriteOptions write_options() {
    rocksdb::WriteOptions wo;
    wo.sync = true;
    return wo;
  }
  static void check(const rocksdb::Status& s) { EXPECT_TRUE(s.ok()) << s.ToString(); }

  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
};

inline std::unique_ptr<EventLog> open_log(const fs::path& path) {
  LogOptions o;
  o.path = path.string();
  o.create_if_missing = false;
  auto log = open_event_log(o);
  EXPECT_TRUE(log) << log.error().to_string();
  return log ? std::move(*log) : nullptr;
}

class TamperTest : public ::testing::Test {
 protected:
  // Builds the shared log: 22 appends over four lesson streams, every fourth
  // append also writing to a student stream (multi-stream), with Russian text
  // in the payloads.
  static void SetUpTestSuite() {
    original_ = std::make_unique<TempDir>();
    LogOptions o;
    o.path = original_->str();
    o.durability = Durability::kBuffered;  // closed cleanly before any copy
    o.clock_us = [t = kStartUs]() mutable { return t += 1000; };
    auto opened = open_event_log(o);
    ASSERT_TRUE(opened) << opened.error().to_string();
    std::unique_ptr<EventLog> log = std::move(*opened);
    static constexpr const char* kTypes[] = {"LessonHeld", "MarkPosted", "HomeworkAssigned",
                                             "AbsenceRecorded"};
    for (int i = 0; i < 22; ++i) {
      std::vector<StreamAppend> streams;
      StreamAppend lesson{"lesson-" + std::to_string(i % 4), ExpectedVersion::any(), {}};
      for (int j = 0; j <= i % 3; ++j) {
        lesson.events.push_back({kTypes[(i + j) % 4], "Контрольная работа № " + std::to_string(i) +
                                                          "." + std::to_string(j) + ", 7«А»"});
      }
      streams.push_back(std::move(lesson));
      if (i % 4 == 0) {
        streams.push_back({"student-" + std::to_string(i % 3),
                           ExpectedVersion::any(),
                           {{"MarkPosted", "оценка 5 за урок " + std::to_string(i)}}});
      }
      auto r =
          log->append(std::move(streams),
                      CommandContext{"cmd-" + std::to_string(i), "teacher-0042",
                                     "corr-" + std::to_string(i), "cause-" + std::to_string(i),
                                     std::nullopt});
      ASSERT_TRUE(r) << r.error().to_string();
    }
    auto all = log->read_all(1, 1000);
    ASSERT_TRUE(all) << all.error().to_string();
    events_ = std::move(*all);
    auto report = log->verify();
    ASSERT_TRUE(report && report->ok()) << (report ? report->problem : report.error().to_string());
    log->close();
  }

  static void TearDownTestSuite() {
    original_.reset();
    events_.clear();
  }

  void SetUp() override {
    ASSERT_NE(original_, nullptr);
    ASSERT_EQ(events_.size(), 49u);  // the size the cases below are written for
  }

  // A fresh copy of the undamaged log.
  static std::unique_ptr<TempDir> fresh_copy() {
    auto dir = std::make_unique<TempDir>();
    fs::copy(original_->path(), dir->path(), fs::copy_options::recursive);
    return dir;
  }

  static uint64_t head() { return events_.back().position; }
  static const RecordedEvent& event_at(uint64_t position) { return events_.at(position - 1); }

  // Reopens the (damaged) copy with the public API and verifies it.
  static VerifyReport reopen_and_verify(const TempDir& dir) {
    std::unique_ptr<EventLog> log = open_log(dir.path());
    if (!log) return {};
    auto report = log->verify();
    EXPECT_TRUE(report) << report.error().to_string();
    return report ? *report : VerifyReport{};
  }

  static void expect_names(const VerifyReport& report, uint64_t position) {
    EXPECT_FALSE(report.ok());
    EXPECT_EQ(report.first_bad_position, position) << "problem: " << report.problem;
    EXPECT_EQ(report.events, position - 1);
    EXPECT_FALSE(report.problem.empty());
  }

  static inline std::unique_ptr<TempDir> original_;
  static inline std::vector<RecordedEvent> events_;
};

}  // namespace zhurnal::events::tamper
