// `zhurnal replay rebuild | as-of | history`: the auditors' tools over a data
// directory (docs/design.md, "replay"). They open the log (and for rebuild
// the view store) of a stopped server, or of a copy: RocksDB admits one
// process per database.
#pragma once

#include <CLI/CLI.hpp>

#include <string>

namespace zhurnal::cli {

struct ReplayCliOptions {
  std::string data;
  std::string format = "text";
  // rebuild
  size_t show = 1000;
  // rebuild and as-of: EngineOptions::bulk_memory_bytes, in MiB
  size_t rebuild_memory_mib = 1024;
  // as-of
  std::string at, register_class, subject, period, diary_student, date, compliance_school, month;
  std::string scratch;
  // history
  std::string student, class_id, teacher, from, to;
  size_t limit = 0;
};

struct ReplayCommands {
  CLI::App* rebuild = nullptr;
  CLI::App* as_of = nullptr;
  CLI::App* history = nullptr;
};

// Adds the three subcommands under `replay`; `options` must outlive parsing.
ReplayCommands add_replay_commands(CLI::App& replay, ReplayCliOptions& options);

// Runs whichever of them was parsed. Exit codes: 0 ok, 1 the rebuild found
// differences, 2 bad input or a storage failure (a message on stderr).
int run_replay_command(const ReplayCommands& commands, const ReplayCliOptions& options);

}  // namespace zhurnal::cli
