// Operators' and auditors' commands over a data directory, safe beside a
// running server: `replay verify`, `replay export`, `backup`, `restore`
// (docs/design.md, "Verify, export, backup").
#pragma once

#include <CLI/CLI.hpp>

#include <cstdint>
#include <string>

#include "zhurnal/events/status.hpp"

namespace zhurnal::cli {

struct OpsCliOptions {
  std::string data;
  std::string out;
  std::string from;
  unsigned keep = 7;
  uint32_t backup_id = 0;  // 0: the newest complete set
  bool list = false;
};

struct OpsCommands {
  CLI::App* export_log = nullptr;
  CLI::App* backup = nullptr;
  CLI::App* restore = nullptr;
};

// Adds `replay export` under `replay`, and `backup` and `restore` under `app`;
// `options` must outlive parsing.
OpsCommands add_ops_commands(CLI::App& app, CLI::App& replay, OpsCliOptions& options);

// Runs whichever was parsed. Exit codes: 0 ok; 1 the log (or the restored
// log) does not verify; 2 bad input or a failure (a message on stderr).
int run_ops_command(const OpsCommands& commands, const OpsCliOptions& options);

// `zhurnal replay verify --data DIR`: the full audit through a read-only
// secondary instance (works while the server runs). Exit codes as above.
int run_verify_command(const std::string& data);

}  // namespace zhurnal::cli
