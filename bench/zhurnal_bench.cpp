// zhurnal-bench: throughput of the event log against raw RocksDB.
//
//   zhurnal-bench append [--events N] [--writers 1,8,64] [--rounds R] [--dir DIR]
//                        [--runners zhurnal,raw-batch,raw-threads] [--buffered]
//   zhurnal-bench read   [--events N] [--batch B] [--rounds R] [--dir DIR]
//
// Each subcommand works in a fresh directory under DIR (default: the system
// temp dir) and removes it when done. See docs/benchmarks.md.
#include <CLI/CLI.hpp>
#include <exception>
#include <iostream>

#include "append_bench.hpp"
#include "read_bench.hpp"

int main(int argc, char** argv) {
  CLI::App app{"zhurnal-bench: event log throughput against raw RocksDB"};
  app.require_subcommand(1);

  zhurnal::bench::AppendBenchOptions append;
  CLI::App* append_cmd = app.add_subcommand("append", "durable single-event appends");
  append_cmd
      ->add_option("--events", append.events,
                   "events per measurement at 64 writers (scaled by writers / 64)")
      ->capture_default_str();
  append_cmd->add_option("--writers", append.writers, "writer counts, comma-separated")
      ->delimiter(',')
      ->capture_default_str();
  append_cmd->add_option("--rounds", append.rounds, "rounds; the median is reported")
      ->capture_default_str();
  append_cmd->add_option("--dir", append.dir, "parent of the scratch directory");
  append_cmd->add_option("--runners", append.runners, "zhurnal, raw-batch, raw-threads")
      ->delimiter(',')
      ->capture_default_str();
  bool buffered = false;
  append_cmd->add_flag("--buffered", buffered, "no fsync on either side (for profiling)");

  zhurnal::bench::ReadBenchOptions read;
  CLI::App* read_cmd = app.add_subcommand("read", "full forward read of a filled log");
  read_cmd->add_option("--events", read.events, "events in the log")->capture_default_str();
  read_cmd->add_option("--batch", read.batch, "events per read_all call")->capture_default_str();
  read_cmd->add_option("--rounds", read.rounds, "rounds; the median is reported")
      ->capture_default_str();
  read_cmd->add_option("--dir", read.dir, "parent of the scratch directory");

  CLI11_PARSE(app, argc, argv);
  append.sync = !buffered;

  // The one place failures are caught: a benchmark that fails reports why.
  try {
    if (append_cmd->parsed()) zhurnal::bench::run_append_bench(append, std::cout);
    if (read_cmd->parsed()) zhurnal::bench::run_read_bench(read, std::cout);
  } catch (const std::exception& e) {
    std::cerr << "zhurnal-bench: " << e.what() << std::endl;
    return 1;
  }
  return 0;
}
