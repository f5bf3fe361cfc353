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
//   verify   what `zhurnal replay verify --data` runs (replay::verify_log
//            on a LogReader, a secondary instance): the same walk plus the
//            hash chain, recorded times and stream versions, with the stream
//            index and the receipts fingerprinted on a second thread, and
//            the summary's per-type counts;
//   rebuild  every standard projection folded from position zero into a
//            fresh view store (what `replay rebuild` and a version bump do);
//   compare  `replay rebuild` itself: rebuild_and_compare_all over the
//            caught-up store (a second fold plus a row-by-row comparison);
//   history  a class's history (`history_class`, default the first class
//            opened) read as the auditor's page reads it, 1,000 entries a
//            request to the end, continuing each page's HistoryCursor, then
//            the same pages each folded from position 1 (as before the
//            cursor; at most `history_fresh_pages` of them), against one
//            pass for the whole history (not in the rounds: once).
// Ratios are raw seconds / seconds of each pass (1.0: as fast as raw).
// `log` keeps the generated log for later runs (generation is the slow
// part); `passes` times a subset (profiling one pass).
#pragma once

#include <cstdint>
#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

#include "zhurnal/projections/engine.hpp"

namespace zhurnal::bench {

// The engine's default row budget for a rebuild, in MiB.
inline const size_t kEngineMemoryMib = projections::EngineOptions{}.bulk_memory_bytes >> 20;

struct ReplayBenchOptions {
  int schools = 1;
  int weeks = 4;
  int rounds = 3;
  std::string dir;  // parent of the scratch directory; empty: the system temp dir
  // A log to reuse (kept afterwards): generated there first when the
  // directory does not exist yet. Empty: a fresh log in the scratch directory.
  std::string log;
  // Passes to time, of raw, verify, rebuild, compare (raw is always timed:
  // it is the baseline of the ratios).
  std::vector<std::string> passes{"raw", "verify", "rebuild", "compare"};
  std::string history_class;     // the history pass's class; empty: the first opened
  int history_fresh_pages = 1000;  // pages timed folding from position 1, at most
  // EngineOptions::bulk_memory_bytes of the rebuild pass, in MiB (the engine's default)
  size_t rebuild_memory_mib = kEngineMemoryMib;
};

void run_replay_bench(const ReplayBenchOptions& options, std::ostream& out);

// One timed pass over a closed log (shared with `zhurnal-bench region`).
struct ReplayPass {
  double seconds = 0;
  double cpu_seconds = 0;  // the calling thread's
  double process_cpu_seconds = 0;  // all threads (parallel folds, RocksDB's)
  uint64_t events = 0;
  // The view store's compactions (rebuild only), by RocksDB's own count of
  // their CPU: those that ran during the pass (in process_cpu_seconds), and
  // those it left to do, run to the end after the pass (not timed in it):
  // their wall time and CPU.
  double compaction_cpu_seconds = 0;
  double settle_seconds = 0;
  double settle_cpu_seconds = 0;
};
// The raw baseline: one iterator over the log column family, each value
// decoded with the log's own decode, positions checked.
ReplayPass raw_log_pass(const std::filesystem::path& log_dir);
// Every standard projection folded from zero into a fresh store at
// `views_dir` (removed first, left in place afterwards), holding up to
// `memory_mib` of rows between bulk loads (EngineOptions::bulk_memory_bytes).
ReplayPass rebuild_views_pass(const std::filesystem::path& log_dir,
                              const std::filesystem::path& views_dir,
                              size_t memory_mib = kEngineMemoryMib);

}  // namespace zhurnal::bench
