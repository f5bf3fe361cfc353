// The full audit of a log store (LogReader::verify): every invariant of
// docs/storage-format.md checked exactly, naming the first bad position.
#pragma once

#include <functional>

#include "rocks_store.hpp"
#include "zhurnal/events/log_reader.hpp"

namespace zhurnal::events::internal {

// `store` must not change during the call (a secondary between catch-ups, a
// closed primary). See LogReader::verify for the checks.
Result<VerifyReport> audit_store(RocksStore& store, const std::function<void(uint64_t)>& progress,
                                 const LogReader::Observer& visit);

}  // namespace zhurnal::events::internal
