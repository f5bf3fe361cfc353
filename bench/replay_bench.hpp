// `zhurnal-bench replay`: how fast the auditors' full passes over a real log
// run against a raw RocksDB iteration with decode over the same data (the
// issue's goal: verify and rebuild at least 0.6 × the raw pass).
//
// Setup (not timed): the demo generator writes `schools` demo schools of
// `weeks` weeks each into a fresh log (buffered, simulated clock), the log is
// closed and its database compacted. Then, each round on freshly opened
// databases:
//   raw      one RocksDB iterator over the log column family, each value
//            decoded with the log's own decode (envelope and payload bytes),
//            positions checked for gaps: the baseline;
//   verify   EventLog::verify(): the same walk plus the hash chain;
//   rebuild  every standard projection folded from position zero into a
//            fresh view store (what `replay rebuild` and a version bump do);
//   compare  `replay rebuild` itself: rebuild_and_compare_all over the
//            caught-up store (a second fold plus a row-by-row comparison).
// Ratios are raw seconds / seconds of each pass (1.0: as fast as raw).
#pragma once

#include <ostream>
#include <string>

namespace zhurnal::bench {

struct ReplayBenchOptions {
  int schools = 1;
  int weeks = 4;
  int rounds = 3;
  std::string dir;  // parent of the scratch directory; empty: the system temp dir
};

void run_replay_bench(const ReplayBenchOptions& options, std::ostream& out);

}  // namespace zhurnal::bench
