#include "ops_support.hpp"

#include <sys/wait.h>

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "crash/child_process.hpp"
#include "internal/keys.hpp"

namespace zhurnal::replay_ops {

std::unique_ptr<events::EventLog> open_log(const fs::path& path, bool create) {
  std::error_code ec;
  if (create) fs::create_directories(path.parent_path(), ec);
  events::LogOptions o;
  o.path = path.string();
  o.create_if_missing = create;
  o.durability = events::Durability::kBuffered;
  o.clock_us = [t = std::make_shared<std::atomic<int64_t>>(kStartUs)] { return t->fetch_add(1000); };
  auto log = events::open_event_log(o);
  EXPECT_TRUE(log) << log.error().to_string();
  return log ? std::move(*log) : nullptr;
}

bool append_commands(events::EventLog& log, int first, int appends) {
  static constexpr const char* kTypes[] = {"LessonHeld", "MarkPosted", "HomeworkAssigned",
                                           "AbsenceRecorded"};
  for (int i = first; i < first + appends; ++i) {
    std::vector<events::StreamAppend> streams;
    events::StreamAppend lesson{"lesson-" + std::to_string(i % 4), events::ExpectedVersion::any(), {}};
    for (int j = 0; j <= i % 3; ++j) {
      lesson.events.push_back({kTypes[(i + j) % 4], "Контрольная работа № " + std::to_string(i) +
                                                        "." + std::to_string(j) + ", 7«А»"});
    }
    streams.push_back(std::move(lesson));
    if (i % 3 == 0) {
      streams.push_back({"student-" + std::to_string(i % 5),
                         events::ExpectedVersion::any(),
                         {{"MarkPosted", "оценка 5 за урок " + std::to_string(i)}}});
    }
    auto r = log.append(std::move(streams),
                        events::CommandContext{"cmd-" + std::to_string(i), "teacher-0042",
                                               "corr-" + std::to_string(i), "cause", std::nullopt});
    if (!r) {
      ADD_FAILURE() << r.error().to_string();
      return false;
    }
  }
  return true;
}

Appender::Appender(events::EventLog& log, int first_command) : log_(log) {
  thread_ = std::thread([this, first_command] {
    for (int i = first_command; !stop_.load(); ++i) {
      if (!append_commands(log_, i, 1)) return;
      appended_.fetch_add(1);
    }
  });
}

Appender::~Appender() { stop(); }

void Appender::stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

CliResult run_zhurnal(const std::vector<std::string>& args, const fs::path& scratch) {
  auto r = crash::ChildProcess::run(ZHURNAL_BIN, args, (scratch / "cli-stderr.txt").string(),
                                    std::chrono::minutes(2));
  if (!r) ADD_FAILURE() << r.error();
  return r.value_or(CliResult{});
}

namespace {
std::vector<rocksdb::ColumnFamilyDescriptor> log_families() {
  return {{rocksdb::kDefaultColumnFamilyName, {}},
          {events::internal::kLogCf, {}},
          {events::internal::kStreamsCf, {}},
          {events::internal::kCommandsCf, {}}};
}
rocksdb::WriteOptions synced() {
  rocksdb::WriteOptions wo;
  wo.sync = true;
  return wo;
}
}  // namespace

RawLog::RawLog(const fs::path& path) {
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::Open({}, path.string(), log_families(), &handles_, &raw);
  EXPECT_TRUE(s.ok()) << s.ToString();
  db_.reset(raw);
}

RawLog::~RawLog() {
  if (!db_) return;
  for (auto* h : handles_) EXPECT_TRUE(db_->DestroyColumnFamilyHandle(h).ok());
  EXPECT_TRUE(db_->Close().ok());
}

std::string RawLog::get_event(uint64_t position) {
  std::string v;
  EXPECT_TRUE(db_->Get({}, handles_[1], events::internal::position_key(position), &v).ok());
  return v;
}

void RawLog::put_event(uint64_t position, const std::string& value) {
  EXPECT_TRUE(db_->Put(synced(), handles_[1], events::internal::position_key(position), value).ok());
}

void RawLog::delete_event(uint64_t position) {
  EXPECT_TRUE(db_->Delete(synced(), handles_[1], events::internal::position_key(position)).ok());
}

void RawLog::delete_stream_entry(const std::string& stream, uint64_t version) {
  EXPECT_TRUE(
      db_->Delete(synced(), handles_[2], events::internal::stream_key(stream, version)).ok());
}

void RawLog::delete_receipt(const std::string& command_id) {
  EXPECT_TRUE(db_->Delete(synced(), handles_[3], command_id).ok());
}

}  // namespace zhurnal::replay_ops
