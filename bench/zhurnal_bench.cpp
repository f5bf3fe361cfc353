// zhurnal-bench: throughput of the event log against raw RocksDB.
//
//   zhurnal-bench append [--events N] [--writers 1,8,64] [--rounds R] [--dir DIR] [--buffered]
//                        [--runners NAME,...] [--pg-bin DIR] [--pg-user USER]
//                        (NAME: zhurnal,raw-batch,raw-threads,postgres,zhurnal-async,raw-layout)
//   zhurnal-bench read   [--events N] [--batch B] [--rounds R] [--dir DIR]
//   zhurnal-bench replay [--schools S] [--weeks W] [--rounds R] [--dir DIR] [--log DIR]
//                        [--passes P,...] [--history-class ID] [--history-fresh-pages N]
//                        [--rebuild-memory-mib M]
//   zhurnal-bench region [--schools N | --quick] [--weeks W] [--writers W] [--buffered] ...
//   zhurnal-bench ws     [--quick | --full] [--sockets N] [--rate R] [--seconds S] ...
//   zhurnal-bench abuse  [--probe-requests N] [--probe-rate R] [--slowloris N] [--weeks W]
//                        [--dir DIR] [--keep]
//
// Each subcommand works in a fresh directory under DIR (default: the system
// temp dir) and removes it when done. See docs/benchmarks.md.
#include <CLI/CLI.hpp>
#include <exception>
#include <iostream>

#include "abuse_bench.hpp"
#include "append_bench.hpp"
#include "read_bench.hpp"
#include "region_bench.hpp"
#include "replay_bench.hpp"
#include "ws_bench.hpp"
#include "zhurnal/allocator.hpp"

int main(int argc, char** argv) {
  zhurnal::configure_allocator();
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
  append_cmd->add_option("--runners", append.runners, "zhurnal, raw-batch, raw-threads, postgres, zhurnal-async, raw-layout")
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
  ws_cmd->add_flag("--whole-pushes", ws.whole_pushes,
                   "subscribe without `patches`: every push carries the whole diary");
  ws_cmd->add_flag("--class-bursts", ws.class_bursts,
                   "marks go round the hot students in id order, so each class's marks reach "
                   "one lesson back to back (default: round-robin over the classes)");
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
  replay_cmd->add_option("--log", replay.log, "reuse this log (generated there first if missing; kept)");
  replay_cmd->add_option("--passes", replay.passes,
                         "verify, rebuild, compare, history (raw always runs)")
      ->delimiter(',')
      ->capture_default_str();
  replay_cmd->add_option("--history-class", replay.history_class,
                         "the history pass's class (default: the first the log opens)");
  replay_cmd->add_option("--history-fresh-pages", replay.history_fresh_pages,
                         "history pages timed folding from position 1")
      ->capture_default_str()
      ->check(CLI::Range(0, 1000));
  replay_cmd
      ->add_option("--rebuild-memory-mib", replay.rebuild_memory_mib,
                   "rows the rebuild pass keeps in memory between bulk loads (MiB)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);

  zhurnal::bench::RegionBenchOptions region;
  CLI::App* region_cmd = app.add_subcommand(
      "region", "a region's school year: ingest rate, disk size, rebuild rate, query times");
  bool region_quick = false;
  region_cmd->add_flag("--quick", region_quick, "5 schools (unless --schools is given)");
  region_cmd->add_option("--schools", region.schools, "schools in the region")->capture_default_str();
  region_cmd->add_option("--weeks", region.weeks, "weeks of lessons from 2026-09-01")->capture_default_str();
  region_cmd->add_option("--writers", region.writers, "appending threads")->capture_default_str();
  region_cmd->add_option("--in-flight", region.in_flight, "outstanding appends per writer")
      ->capture_default_str();
  region_cmd->add_flag("--buffered", region.buffered, "no fsync per group (Durability::kBuffered)");
  region_cmd->add_option("--parent-sign-ins", region.parent_sign_ins, "share of parents signing in a day")
      ->capture_default_str();
  region_cmd->add_option("--student-sign-ins", region.student_sign_ins, "share of students signing in a day")
      ->capture_default_str();
  region_cmd->add_option("--warm-runs", region.warm_runs, "repetitions of each warm query")
      ->capture_default_str();
  region_cmd->add_option("--cold-runs", region.cold_runs, "cold queries (store reopened each time)")
      ->capture_default_str();
  region_cmd->add_flag("--skip-rebuild", region.skip_rebuild, "no compaction, raw pass or rebuild");
  region_cmd->add_flag("--views-after", region.views_after,
                       "build the views after the appends with one catch-up from zero, instead of live");
  region_cmd->add_option("--dir", region.dir, "parent of the scratch directory");
  region_cmd->add_flag("--keep", region.keep, "keep the scratch directory");

  zhurnal::bench::AbuseBenchOptions abuse;
  CLI::App* abuse_cmd = app.add_subcommand(
      "abuse", "a probe client's latency during oversized frames, floods, slowloris, sign-in floods");
  abuse_cmd->add_option("--probe-requests", abuse.probe_requests, "probe round trips per phase")
      ->capture_default_str();
  abuse_cmd->add_option("--probe-rate", abuse.probe_rate, "probe requests per second")
      ->capture_default_str();
  abuse_cmd->add_option("--slowloris", abuse.slowloris, "slowloris connections")
      ->capture_default_str();
  abuse_cmd->add_option("--weeks", abuse.weeks, "demo weeks to generate")->capture_default_str();
  abuse_cmd->add_option("--dir", abuse.dir, "parent of the scratch directory");
  abuse_cmd->add_option("--zhurnal", abuse.zhurnal, "the zhurnal binary (default: ../cli/zhurnal)");
  abuse_cmd->add_flag("--keep", abuse.keep, "keep the data directory and server log");

  CLI11_PARSE(app, argc, argv);
  if (region_quick && region_cmd->count("--schools") == 0) region.schools = 5;
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
    if (abuse_cmd->parsed()) zhurnal::bench::run_abuse_bench(abuse, std::cout);
    if (region_cmd->parsed()) zhurnal::bench::run_region_bench(region, std::cout);
  } catch (const std::exception& e) {
    std::cerr << "zhurnal-bench: " << e.what() << std::endl;
    return 1;
  }
  return 0;
}
