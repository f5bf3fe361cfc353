// The offline checks of a `zhurnal serve` data directory whose server is not
// running (killed or stopped), made with the project's own tools:
//   - the full audit of the log (events::LogReader::verify, the check behind
//     `zhurnal replay verify`): contiguous positions, the hash chain, stream
//     versions, the stream index and every idempotency receipt;
//   - every acknowledged command of the Ledger is in the log: its receipt
//     (EventLog::find_command) gives the acknowledged positions, and the
//     events there carry its command id, the teacher as actor, and the event
//     type its command writes;
//   - every projection equals a rebuild from position zero at its checkpoint
//     (replay::rebuild_and_compare_all, the code of `zhurnal replay rebuild`),
//     optionally after catching up first, and the view store holds no rows
//     outside the active generations.
// The data directory is changed (RocksDB recovery, the rebuild's scratch
// rows): run it on a copy when the server is to recover the original itself.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "ledger.hpp"
#include "ws_school.hpp"

namespace zhurnal::server_crash {

struct AuditOptions {
  bool catch_up = false;  // bring the projections to the head before comparing
};

struct AuditReport {
  uint64_t head = 0;
  uint64_t acks_checked = 0;
  uint64_t view_rows = 0;     // live rows compared
  uint64_t min_checkpoint = 0;  // the lowest projection checkpoint compared
  std::vector<std::string> problems;  // empty when everything held
};

// `acked` are indexes into ledger.commands, all in state kAcked.
AuditReport audit_data(const std::filesystem::path& data, const Ledger& ledger,
                       const bench::WsSchool& school, const std::vector<size_t>& acked,
                       const AuditOptions& options);

}  // namespace zhurnal::server_crash
