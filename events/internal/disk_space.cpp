#include "disk_space.hpp"

#include <spdlog/spdlog.h>
#include <sys/statvfs.h>

#include <cerrno>
#include <cstring>

namespace zhurnal::events::internal {

DiskSpaceGuard::DiskSpaceGuard(std::string path, uint64_t min_free_bytes,
                               std::shared_ptr<spdlog::logger> logger)
    : path_(std::move(path)), min_free_bytes_(min_free_bytes), logger_(std::move(logger)) {}

Status DiskSpaceGuard::check() {
  if (min_free_bytes_ == 0) return Status::ok();
  const auto now = std::chrono::steady_clock::now();
  if (now.time_since_epoch().count() >= next_check_ns_.load(std::memory_order_acquire)) {
    std::unique_lock lock(measure_mu_, std::try_to_lock);
    if (lock.owns_lock()) measure(now);
  }
  const uint64_t free = free_bytes_.load(std::memory_order_acquire);
  if (free >= min_free_bytes_) return Status::ok();
  return {StatusCode::kNoSpace, "the disk is full: " + std::to_string(free >> 20) +
                                    " MiB free, the reserve is " +
                                    std::to_string(min_free_bytes_ >> 20) +
                                    " MiB; nothing was written"};
}

void DiskSpaceGuard::measure(std::chrono::steady_clock::time_point now) {
  struct statvfs st{};
  const uint64_t before = free_bytes_.load(std::memory_order_relaxed);
  uint64_t free = UINT64_MAX;
  if (::statvfs(path_.c_str(), &st) == 0) {
    free = static_cast<uint64_t>(st.f_bavail) * st.f_frsize;
  } else if (logger_ && before != UINT64_MAX) {
    logger_->warn("cannot measure free space on {}: {}", path_, std::strerror(errno));
  }
  free_bytes_.store(free, std::memory_order_release);
  next_check_ns_.store(
      (now + std::chrono::duration_cast<std::chrono::steady_clock::duration>(kInterval))
          .time_since_epoch()
          .count(),
      std::memory_order_release);
  if (!logger_) return;
  const bool was_low = before < min_free_bytes_, low = free < min_free_bytes_;
  if (low && !was_low) {
    logger_->error("disk almost full: {} MiB free on {}, below the reserve of {} MiB; "
                   "refusing new events until space is freed",
                   free >> 20, path_, min_free_bytes_ >> 20);
  } else if (!low && was_low) {
    logger_->info("disk space back: {} MiB free on {}; accepting new events", free >> 20, path_);
  }
}

}  // namespace zhurnal::events::internal
