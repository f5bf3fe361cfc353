// `zhurnal school create`: a new school, its first administrator and her
// one-time password (server/include/zhurnal/server/school_setup.hpp). With a
// server running on the data directory the server does it, through its
// control socket; otherwise the command opens the directory itself, creating
// it if it does not exist yet (a fresh installation).
#pragma once

#include <memory>
#include <string>

#include "zhurnal/server/school_setup.hpp"

namespace CLI {
class App;
}
namespace spdlog {
class logger;
}

namespace zhurnal::cli {

struct SchoolCliOptions {
  std::string data;
  std::string bells;  // "08:30,09:20,..."; empty: the default bells
  server::SchoolSetup setup;
};

// Adds `school` with its `create` subcommand; returns `create`.
CLI::App* add_school_commands(CLI::App& app, SchoolCliOptions& options);

// Exit codes: 0 set up, 1 refused, 2 the data directory or the server failed.
int run_school_create(SchoolCliOptions options, std::shared_ptr<spdlog::logger> logger);

}  // namespace zhurnal::cli
