// The full audit of a log store (EventLog::verify, LogReader::verify): every
// invariant of docs/storage-format.md checked exactly, naming the first bad
// position. One pass over the log does it for an undamaged store: the log is
// read ahead on one thread and walked in order on the caller's (positions,
// envelopes, the hash chain, recorded times) while another fingerprints the
// stream index (checking each stream's versions there) and the receipts,
// which must add up to the log's. Only when something is wrong does a
// second, slower pass look each event's index entry and receipt up, to name
// the first bad position.
#pragma once

#include <functional>

#include "rocks_store.hpp"
#include "zhurnal/events/log_reader.hpp"

namespace zhurnal::events::internal {

// `store` must not change during the call, or `snapshot` (may be null) must
// hold it steady (a primary being written: every read is made through it).
// See LogReader::verify for the checks, `progress` and `visit`; on damage
// `progress` starts again from zero for the second pass.
Result<VerifyReport> audit_store(RocksStore& store, const rocksdb::Snapshot* snapshot,
                                 const std::function<void(uint64_t)>& progress,
                                 const LogReader::Observer& visit);

}  // namespace zhurnal::events::internal
