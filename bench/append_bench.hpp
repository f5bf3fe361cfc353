// `zhurnal-bench append`: durable single-event appends through the event log
// against raw RocksDB doing the same durable writes.
//
// For each writer count W, each round runs three measurements, each in a
// fresh database directory that is removed afterwards:
//   zhurnal      W threads, each appending one event per call (blocking
//                EventLog::append, Durability::kSync, ExpectedVersion::any(),
//                one stream per thread, a new command id per append);
//   raw-batch    one thread writing WriteBatches of W values, sync = true:
//                the same group size and durability with none of the log's
//                work (the baseline of the goal);
//   raw-threads  W threads, each a single sync Put: RocksDB's own group
//                commit, for reference.
//   zhurnal-async  only when selected: W logical writers without a thread
//                each, every one keeping one append in flight through
//                append_async (the completion sends the next), as the
//                server's sessions do.
// Each value is 160 bytes. The order of the three rotates from round to
// round; the summary reports the median of the rounds, and the ratio as the
// median of the per-round ratios.
//   postgres     only when selected: W libpq connections to a PostgreSQL 15
//                the benchmark starts on loopback, one INSERT per event into
//                a table with unique (stream, version), fsync and
//                synchronous_commit on (pg_peer.hpp).
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

namespace zhurnal::bench {

struct AppendBenchOptions {
  // Events per measurement at 64 writers. A run with W writers writes
  // events * W / 64 (at least kMinAppendEvents), rounded up to a multiple of
  // W: each writer makes the same number of appends, since a run with few
  // writers syncs once per event or nearly so. The default, 750 per writer,
  // keeps the default run under two minutes with a lone fsync taking up to
  // ~4.5 ms (as on the shared development machine at its busiest).
  uint64_t events = 48'000;
  std::vector<int> writers = {1, 8, 64};
  int rounds = 3;
  std::string dir;  // parent of the scratch directory; empty: the system temp dir
  // Which of "zhurnal", "raw-batch", "raw-threads", "postgres",
  // "zhurnal-async", "raw-layout" (the log's three entries per event written
  // raw from one thread) to run, e.g. only "zhurnal" under a profiler.
  std::vector<std::string> runners = {"zhurnal", "raw-batch", "raw-threads"};
  // false: no fsync on either side (Durability::kBuffered, sync = false), to
  // measure or profile the CPU cost without the disk.
  bool sync = true;
  // The "postgres" runner (pg_peer.hpp): where PostgreSQL 15's binaries are
  // (empty: found) and the user it runs as when we are root.
  std::string pg_bin;
  std::string pg_user = "postgres";
};

inline constexpr uint64_t kMinAppendEvents = 500;

// Runs the comparison, printing each measurement as it ends and then a
// Markdown summary table to `out`. Throws std::runtime_error on any failure
// (an append rejected, a RocksDB error, a count that does not add up).
void run_append_bench(const AppendBenchOptions& options, std::ostream& out);

}  // namespace zhurnal::bench
