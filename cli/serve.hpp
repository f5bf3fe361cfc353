// `zhurnal serve`: wires the log, the journal, the projections, sign-in and
// the server, and serves until SIGINT or SIGTERM.
#pragma once

#include <cstdint>
#include <cstddef>
#include <memory>
#include <string>

namespace spdlog {
class logger;
}

namespace zhurnal::cli {

struct ServeOptions {
  std::string data = "demo-data";
  std::string listen = "127.0.0.1:8080";
  std::string web;          // web pages; empty: <data>/../web next to the binary's source tree
  bool demo = false;        // create the demo school when the data directory is empty
  int demo_weeks = 8;
  bool buffered = false;    // no fsync per append (tests and benchmarks only)
  uint64_t reserve_mib = 128;  // commands refused (no_space) below this much free disk space
  size_t rebuild_memory_mib = 1024;  // EngineOptions::bulk_memory_bytes, in MiB
  // Abuse limits (docs/protocol.md, "Limits and closing"): see ServerOptions.
  int http_request_timeout_s = 15;
  int anonymous_idle_timeout_s = 60;
  size_t max_anonymous_per_address = 256;
  double requests_per_second = 100;
  double request_burst = 200;
  size_t max_concurrent_hashes = 0;  // password hashes at once; 0: half the cores, at least 1
  size_t max_waiting_sign_ins = 0;   // sign-ins waiting for a hash; 0: 2 x max_concurrent_hashes
};

int run_serve(const ServeOptions& options, std::shared_ptr<spdlog::logger> logger);

}  // namespace zhurnal::cli
