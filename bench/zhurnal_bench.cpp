// zhurnal-bench: throughput of the event log against raw RocksDB.
//
//   zhurnal-bench append [--events N] [--writers 1,8,64] [--rounds R] [--dir DIR]
//                        [--runners zhurnal,raw-batch,raw-threads,postgres] [--buffered]
//                        [--pg-bin DIR] [--pg-user USER]
//   zhurnal-bench read   [--events N] [--batch B] [--rounds R] [--dir DIR]
//   zhurnal-bench replay [--schools S] [--weeks W] [--rounds R] [--dir DIR]
//   zhurnal-bench ws     [--quick | --full] [--sockets N] [--rate R] [--seconds S] ...
//
// Each subcommand works in a fresh directory under DIR (default: the system
// temp dir) and removes it when done. See docs/benchmarks.md.
#include <CLI/CLI.hpp>
#include <exception>
#include <iostream>

#include "append_bench.hpp"
#include "read_bench.hpp"
#include "replay_bench.hpp"
#include "ws_bench.hpp"

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
  append_cmd->add_option("--runners", append.runners, "zhurnal, raw-batch, raw-threads, postgres")
      ->delimiter(',')
      ->capture_default_str();
  append_cmd->add_option("--pg-bin", append.pg_bin,
                         "directory of PostgreSQL 15's initdb and pg_ctl (default: found)");
  append_cmd->add_option("--pg-user", append.pg_user, "the user PostgreSQL runs as when we are root")
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

  zhurnal::bench::WsBenchOptions ws;
  CLI::App* ws_cmd =
      app.add_subcommand("ws", "end to end over WebSocket: marks to parents' diary pushes");
  bool ws_full = false;
  ws_cmd->add_flag("--full", ws_full, "10,000 sockets, 200 hot students, 30 s (the issue's goal)");
  bool ws_quick = false;  // the defaults; the flag only makes a command line say so
  ws_cmd->add_flag("--quick", ws_quick, "1,000 sockets, 100 hot students, 15 s (the default)");
  ws_cmd->add_option("--sockets", ws.sockets, "parent sockets")->capture_default_str();
  ws_cmd->add_option("--hot", ws.hot, "students getting marks, one socket each")
      ->capture_default_str();
  ws_cmd->add_option("--cold-parents", ws.cold_parents, "parents sharing the idle sockets")
      ->capture_default_str();
  ws_cmd->add_option("--teachers", ws.teachers, "teachers posting marks (at most)")
      ->capture_default_str();
  ws_cmd->add_option("--teacher-sockets", ws.teacher_sockets, "connections per teacher")
      ->capture_default_str();
  ws_cmd->add_option("--rate", ws.rate, "marks per second")->capture_default_str();
  ws_cmd->add_option("--seconds", ws.seconds, "load duration, warmup included")
      ->capture_default_str();
  ws_cmd->add_option("--warmup", ws.warmup, "seconds of load not measured")->capture_default_str();
  ws_cmd->add_option("--weeks", ws.weeks, "demo weeks to generate")->capture_default_str();
  ws_cmd->add_option("--dir", ws.dir, "parent of the scratch directory");
  ws_cmd->add_option("--zhurnal", ws.zhurnal, "the zhurnal binary (default: ../cli/zhurnal)");
  ws_cmd->add_flag("--keep", ws.keep, "keep the data directory and server log");

  zhurnal::bench::ReplayBenchOptions replay;
  CLI::App* replay_cmd = app.add_subcommand(
      "replay", "verify and projection rebuild over demo schools against a raw iteration");
  replay_cmd->add_option("--schools", replay.schools, "demo schools in the log")->capture_default_str();
  replay_cmd->add_option("--weeks", replay.weeks, "weeks of lessons per school")->capture_default_str();
  replay_cmd->add_option("--rounds", replay.rounds, "rounds; the median is reported")
      ->capture_default_str();
  replay_cmd->add_option("--dir", replay.dir, "parent of the scratch directory");

  CLI11_PARSE(app, argc, argv);
  if (ws_full) {
    // Only what was not given explicitly.
    if (ws_cmd->count("--sockets") == 0) ws.sockets = 10'000;
    if (ws_cmd->count("--hot") == 0) ws.hot = 200;
    if (ws_cmd->count("--seconds") == 0) ws.seconds = 30;
    if (ws_cmd->count("--warmup") == 0) ws.warmup = 5;
  }
  append.sync = !buffered;

  // The one place failures are caught: a benchmark that fails reports why.
  try {
    if (append_cmd->parsed()) zhurnal::bench::run_append_bench(append, std::cout);
    if (read_cmd->parsed()) zhurnal::bench::run_read_bench(read, std::cout);
    if (ws_cmd->parsed()) zhurnal::bench::run_ws_bench(ws, std::cout);
    if (replay_cmd->parsed()) zhurnal::bench::run_replay_bench(replay, std::cout);
  } catch (const std::exception& e) {
    std::cerr << "zhurnal-bench: " << e.what() << std::endl;
    return 1;
  }
  return 0;
}
