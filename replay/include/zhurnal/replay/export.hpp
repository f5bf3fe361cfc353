// `zhurnal replay export`: the whole log as JSON Lines, with every event's
// stored envelope and hashes, so that a third party can re-verify the hash
// chain with its own code (docs/storage-format.md, "Export";
// tools/verify_export.py is such a re-verifier).
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

#include "zhurnal/events/log_reader.hpp"

namespace zhurnal::replay {

struct ExportSummary {
  uint64_t events = 0;
  events::Hash last_hash{};  // the hash of the last event exported (zeros if none)
};

// Writes a header line, one line per event up to the head the reader saw,
// and a trailer line to `out`. `now_us` is the export time written into the
// header (UTC microseconds). Fails on a damaged log (naming the position) or
// a write error; what was written by then is incomplete (no trailer).
events::Result<ExportSummary> export_log(events::LogReader& reader, std::FILE* out,
                                         int64_t now_us);

// One event as an export line, without the newline (for tests).
std::string export_line(const events::RecordedEvent& event, std::string_view envelope);

// Standard base64 with padding (RFC 4648, section 4).
std::string base64(std::string_view bytes);

}  // namespace zhurnal::replay
