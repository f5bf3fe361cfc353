// Checks of a view store against the log it was built from, shared by the
// projection crash test and the demo school test:
//   - every projection's live rows equal, byte for byte, the rows of a
//     from-scratch rebuild (ProjectionEngine::rebuild_and_compare);
//   - the store holds nothing but the meta rows and the active generations
//     (no row of an interrupted rebuild or of a replaced generation is left).
//
// Not thread-safe: call with no other writer of the store besides `engine`.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "zhurnal/events/kv_store.hpp"
#include "zhurnal/events/status.hpp"
#include "zhurnal/projections/engine.hpp"

namespace zhurnal::projections_crash {

struct ProjectionComparison {
  std::string name;
  std::string live_prefix;
  size_t live_rows = 0;
  size_t rebuilt_rows = 0;
  size_t live_bytes = 0;  // keys and values
  // Empty when the live rows equal the rebuilt ones; otherwise the first
  // differences (at most a handful), one per line, for a failure message.
  std::string difference;
};

// Rebuilds each projection listed by engine.status() into a scratch
// generation and compares it with the live one. An error status when the
// engine could not rebuild; differences are reported in *out, not as errors.
events::Status compare_with_rebuild(projections::ProjectionEngine& engine, events::KvStore& store,
                                    std::vector<ProjectionComparison>* out);

// Keys of the store that are neither "_meta/<name>" of a projection nor
// under its active prefix (at most `max` of them, escaped for printing).
std::vector<std::string> stray_keys(const projections::ProjectionEngine& engine,
                                    events::KvStore& store, size_t max = 10);

// A key or value with non-printable bytes as \xNN, cut after `max` bytes.
std::string printable(std::string_view bytes, size_t max = 80);

}  // namespace zhurnal::projections_crash
