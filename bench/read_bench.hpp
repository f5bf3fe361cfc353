// `zhurnal-bench read`: a full forward read of the log through
// EventLog::read_all against a raw RocksDB iteration over the same column
// family of the same database, decoding each value with the log's own decode.
//
// Setup (not timed): fill a new log with N events of 160-byte payloads
// (Durability::kBuffered, multi-event appends from two threads), close it,
// and compact the database so that no background work runs during the
// reads. Each round then times each reader on a freshly opened database (the
// order rotates from round to round); the summary reports the median of the
// rounds. The raw reader runs twice: decoding into one reused RecordedEvent
// (the baseline of the goal) and into a new one per value.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>

namespace zhurnal::bench {

struct ReadBenchOptions {
  uint64_t events = 1'000'000;
  size_t batch = 4096;  // events per read_all call
  int rounds = 3;
  std::string dir;  // parent of the scratch directory; empty: the system temp dir
};

// Runs the comparison and prints the figures to `out`. Throws
// std::runtime_error on any failure, including the readers not all seeing
// the same events.
void run_read_bench(const ReadBenchOptions& options, std::ostream& out);

}  // namespace zhurnal::bench
