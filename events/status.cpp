#include "zhurnal/events/status.hpp"

#include "zhurnal/events/types.hpp"

namespace zhurnal::events {

std::string_view status_code_name(StatusCode code) {
  switch (code) {
    case StatusCode::kOk: return "ok";
    case StatusCode::kInvalidArgument: return "invalid_argument";
    case StatusCode::kWrongExpectedVersion: return "wrong_expected_version";
    case StatusCode::kIdempotencyConflict: return "idempotency_conflict";
    case StatusCode::kNotFound: return "not_found";
    case StatusCode::kCorruption: return "corruption";
    case StatusCode::kIoError: return "io_error";
    case StatusCode::kNoSpace: return "no_space";
    case StatusCode::kClosed: return "closed";
    case StatusCode::kFellBehind: return "fell_behind";
    case StatusCode::kInUse: return "in_use";
  }
  return "unknown";
}

Status Status::wrong_expected_version(std::string stream, uint64_t current_version) {
  Status s(StatusCode::kWrongExpectedVersion,
           "stream " + stream + " is at version " + std::to_string(current_version));
  s.stream_ = std::move(stream);
  s.current_version_ = current_version;
  return s;
}

std::string Status::to_string() const {
  std::string s(status_code_name(code_));
  if (!message_.empty()) s += ": " + message_;
  return s;
}

bool ExpectedVersion::matches(uint64_t current) const {
  switch (kind_) {
    case Kind::kAny: return true;
    case Kind::kNoStream: return current == 0;
    case Kind::kStreamExists: return current > 0;
    case Kind::kExact: return current == version_;
  }
  return false;
}

}  // namespace zhurnal::events
