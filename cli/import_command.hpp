// `zhurnal import` (import/include/zhurnal/import/import_cli.hpp): with a
// server running on the data directory, the files go to it over its control
// socket and it checks and writes them with its own log and Journal;
// otherwise the command opens the data directory itself.
#pragma once

#include <memory>

#include "zhurnal/import/import_cli.hpp"

namespace zhurnal::cli {

// The exit codes of zhurnal::import::run_import().
int run_import_command(const import::ImportCliOptions& options,
                       std::shared_ptr<spdlog::logger> logger);

}  // namespace zhurnal::cli
