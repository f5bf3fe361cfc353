// DiskSpaceGuard: refuses appends while the filesystem of the data directory
// has less free space than a reserve (LogOptions::min_free_bytes).
//
// Why a reserve and not only the write errors: the log is not the only thing
// that writes. The view store (DATA/views) writes after every event the log
// accepts, RocksDB flushes memtables and compacts in the background, and the
// credential store writes after an accepted issueCredentials. Refusing new
// events while free space is below the reserve keeps headroom for all of
// them, so that what the log accepted is always applied to the views. The
// log's own recovery after a failed write (rocks_log.hpp, "Failure") stays
// for the case the reserve does not cover: something else fills the disk at
// once.
//
// Thread safety: check() may be called from any thread. statvfs(2) runs at
// most once per kInterval; between checks the last answer is reused.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "zhurnal/events/status.hpp"

namespace spdlog {
class logger;
}

namespace zhurnal::events::internal {

class DiskSpaceGuard {
 public:
  static constexpr std::chrono::milliseconds kInterval{20};

  // `path` is any existing path on the filesystem to watch; min_free_bytes 0
  // turns the guard off.
  DiskSpaceGuard(std::string path, uint64_t min_free_bytes, std::shared_ptr<spdlog::logger> logger);

  // Ok, or kNoSpace while the free space (for unprivileged users, f_bavail)
  // is below the reserve. A failing statvfs counts as enough space: the
  // writes themselves will then tell.
  Status check();

 private:
  void measure(std::chrono::steady_clock::time_point now);

  const std::string path_;
  const uint64_t min_free_bytes_;
  std::shared_ptr<spdlog::logger> logger_;
  std::mutex measure_mu_;  // one statvfs at a time; others reuse the last answer
  std::atomic<int64_t> next_check_ns_{0};
  std::atomic<uint64_t> free_bytes_{UINT64_MAX};
};

}  // namespace zhurnal::events::internal
