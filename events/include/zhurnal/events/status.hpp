// Status and Result: errors are values at the log's boundary.
//
// Every call into the event log that can fail returns a Status or a
// Result<T> (std::expected). Codes are stable: they reach clients through the
// server's error replies and must never be renumbered.
#pragma once

#include <cstdint>
#include <expected>
#include <string>
#include <string_view>
#include <utility>

namespace zhurnal::events {

enum class StatusCode : uint8_t {
  kOk = 0,
  kInvalidArgument = 1,       // the request itself is malformed
  kWrongExpectedVersion = 2,  // optimistic concurrency check failed
  kIdempotencyConflict = 3,   // a command id was reused for a different request
  kNotFound = 4,
  kCorruption = 5,            // stored bytes do not decode or do not verify
  kIoError = 6,               // the storage layer failed (disk, fsync, ...)
  kNoSpace = 7,               // the disk is full: nothing was written
  kClosed = 8,                // the log is shut down
  kFellBehind = 9,            // a subscriber's live position left the buffer
  kInUse = 10,                // the store is held by another process (its LOCK file)
};

// Stable lower-case name of a code, e.g. "wrong_expected_version".
std::string_view status_code_name(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status ok() { return {}; }
  // For kWrongExpectedVersion: the stream that conflicted and its current
  // version (0 when the stream does not exist).
  static Status wrong_expected_version(std::string stream, uint64_t current_version);

  bool is_ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  const std::string& stream() const { return stream_; }
  uint64_t current_version() const { return current_version_; }

  // "code_name: message", for logs.
  std::string to_string() const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
  std::string stream_;
  uint64_t current_version_ = 0;
};

template <typename T>
using Result = std::expected<T, Status>;

inline std::unexpected<Status> error(StatusCode code, std::string message) {
  return std::unexpected<Status>(Status(code, std::move(message)));
}

}  // namespace zhurnal::events
