// Support for the operators' tools tests: a log built through the public API,
// the real `zhurnal` binary run as a child process, and raw RocksDB access to
// damage a closed log as a bad disk or an attacker would.
#pragma once

#include <rocksdb/db.h>

#include <atomic>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "crash/child_process.hpp"
#include "zhurnal/events/event_log.hpp"

namespace zhurnal::replay_ops {

namespace fs = std::filesystem;

inline constexpr int64_t kStartUs = 1'756'706'400'000'000;  // 2025-09-01 06:00:00 UTC

// Opens (creating) the log at `path` with a deterministic clock.
std::unique_ptr<events::EventLog> open_log(const fs::path& path, bool create = true);

// Appends `appends` commands "cmd-<first>" ... over four lesson streams, every
// third one also writing a student stream; Russian text in the payloads.
// Returns false (with a test failure) on an error.
bool append_commands(events::EventLog& log, int first, int appends);

// Appends in a thread until stopped, counting the acknowledged appends.
class Appender {
 public:
  explicit Appender(events::EventLog& log, int first_command);
  ~Appender();
  void stop();
  int appended() const { return appended_.load(); }

 private:
  events::EventLog& log_;
  std::atomic<bool> stop_{false};
  std::atomic<int> appended_{0};
  std::thread thread_;
};

using CliResult = crash::ChildProcess::Run;

// Runs the real binary with `args`, waiting up to two minutes.
CliResult run_zhurnal(const std::vector<std::string>& args, const fs::path& scratch);

// The RocksDB instance of a closed log, for damage. Failures are test failures.
class RawLog {
 public:
  explicit RawLog(const fs::path& path);
  ~RawLog();
  std::string get_event(uint64_t position);
  void put_event(uint64_t position, const std::string& value);
  void delete_event(uint64_t position);
  void delete_stream_entry(const std::string& stream, uint64_t version);
  void delete_receipt(const std::string& command_id);

 private:
  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
};

}  // namespace zhurnal::replay_ops
