// The event log's demo: a teacher's lesson written to the log while a
// subscriber follows it live, then the chain verified.
#pragma once

#include <memory>
#include <string>

namespace spdlog {
class logger;
}

namespace zhurnal::cli {

// Returns a process exit code.
int run_demo_log(const std::string& data_dir, std::shared_ptr<spdlog::logger> logger);

}  // namespace zhurnal::cli
