// zhurnal: one binary, subcommands. main() wires components explicitly.
#include <CLI/CLI.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdio>

#include "demo_log.hpp"
#include "ops_commands.hpp"
#include "replay_commands.hpp"
#include "serve.hpp"
#include "zhurnal/allocator.hpp"
#include "zhurnal/events/event_log.hpp"
#include "zhurnal/import/import_cli.hpp"
#include "zhurnal/replay/log_summary.hpp"

int main(int argc, char** argv) {
  zhurnal::configure_allocator();
  CLI::App app{"zhurnal: event-sourced electronic class journal"};
  app.require_subcommand(1);

  std::string data = "demo-data";
  auto* demo = app.add_subcommand("demo-log", "append a demo lesson's events and follow them live");
  demo->add_option("--data", data, "data directory")->capture_default_str();

  zhurnal::cli::ServeOptions serve_options;
  auto* serve = app.add_subcommand("serve", "serve the journal over HTTP and WebSocket");
  serve->add_option("--data", serve_options.data, "data directory")->capture_default_str();
  serve->add_option("--listen", serve_options.listen, "HOST:PORT")->capture_default_str();
  serve->add_option("--web", serve_options.web, "directory of the web pages");
  serve->add_flag("--demo", serve_options.demo, "create the demo school in an empty data directory");
  serve->add_option("--demo-weeks", serve_options.demo_weeks, "weeks of lessons in the demo")
      ->capture_default_str();
  serve->add_flag("--buffered", serve_options.buffered,
                  "acknowledge before fsync (tests and benchmarks only)");
  serve->add_option("--reserve-mib", serve_options.reserve_mib,
                    "refuse commands while the data directory's disk has less free space (MiB)")
      ->capture_default_str();
  serve->add_option("--rebuild-memory-mib", serve_options.rebuild_memory_mib,
                    "rows a catch-up from far behind, and an auditor's as-of fold, keeps in "
                    "memory between bulk loads (MiB; the process uses about twice to three times "
                    "this)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  // Abuse limits (docs/protocol.md, "Limits and closing").
  serve->add_option("--http-request-timeout", serve_options.http_request_timeout_s,
                    "seconds for a whole HTTP request or upgrade to arrive")
      ->capture_default_str();
  serve->add_option("--anonymous-idle-timeout", serve_options.anonymous_idle_timeout_s,
                    "seconds a WebSocket not signed in may stay without a request")
      ->capture_default_str();
  serve->add_option("--max-anonymous-per-address", serve_options.max_anonymous_per_address,
                    "connections not signed in per client address (0: no cap)")
      ->capture_default_str();
  serve->add_option("--requests-per-second", serve_options.requests_per_second,
                    "frames read per connection per second past the burst (0: no limit)")
      ->capture_default_str();
  serve->add_option("--request-burst", serve_options.request_burst,
                    "frames a connection may send at once before the rate applies")
      ->capture_default_str();
  serve->add_option("--max-concurrent-hashes", serve_options.max_concurrent_hashes,
                    "password hashes at once (0: half the cores, at least 1)")
      ->capture_default_str();
  serve->add_option("--max-waiting-sign-ins", serve_options.max_waiting_sign_ins,
                    "sign-ins waiting for a hash before `busy` (0: twice the hashes)")
      ->capture_default_str();

  auto* replay = app.add_subcommand("replay", "auditors' tools over the log");
  replay->require_subcommand(1);
  auto* verify = replay->add_subcommand("verify", "check the hash chain and summarise the log");
  verify->add_option("--data", data, "data directory")->required();
  zhurnal::cli::ReplayCliOptions replay_options;
  const auto replay_commands = zhurnal::cli::add_replay_commands(*replay, replay_options);
  zhurnal::cli::OpsCliOptions ops_options;
  const auto ops_commands = zhurnal::cli::add_ops_commands(app, *replay, ops_options);

  zhurnal::import::ImportCliOptions import_options;
  auto* import = zhurnal::import::add_import_subcommand(app, import_options);

  CLI11_PARSE(app, argc, argv);

  auto logger = spdlog::stderr_color_mt("zhurnal");
  if (demo->parsed()) return zhurnal::cli::run_demo_log(data, logger);
  if (serve->parsed()) return zhurnal::cli::run_serve(serve_options, logger);
  if (verify->parsed()) return zhurnal::cli::run_verify_command(data);
  if (ops_commands.export_log->parsed() || ops_commands.backup->parsed() ||
      ops_commands.restore->parsed()) {
    return zhurnal::cli::run_ops_command(ops_commands, ops_options);
  }
  if (replay_commands.rebuild->parsed() || replay_commands.as_of->parsed() ||
      replay_commands.history->parsed()) {
    return zhurnal::cli::run_replay_command(replay_commands, replay_options);
  }
  if (import->parsed()) return zhurnal::import::run_import(import_options, logger);
  return 0;
}
