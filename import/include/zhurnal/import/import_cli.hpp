// `zhurnal import`: the secretary's lists into the journal, from the command
// line. Without --apply it only checks the files and prints the report (a dry
// run: nothing is written); with --apply it checks, prints the report and, if
// there are no errors at all, writes.
//
//   zhurnal import --data DIR --school ID --as USER
//                  [--students FILE.csv] [--teachers FILE.csv]
//                  [--open-classes] [--date ДД.ММ.ГГГГ] [--apply]
//
// The report goes to stdout, problems opening files or the data to stderr.
// Exit codes: 0 checked (and applied, with --apply); 1 the files have errors,
// nothing written; 2 a file or the data directory cannot be read; 3 a
// command was rejected during --apply (what was written before it stays;
// running the same files again continues).
#pragma once

#include <memory>
#include <string>

namespace CLI {
class App;
}
namespace spdlog {
class logger;
}

namespace zhurnal::import {

struct ImportCliOptions {
  std::string data_dir;  // the server's data directory (its log in log/), or a log's
  std::string school_id;
  std::string actor;         // --as: the secretary's or administrator's user id
  std::string students_csv;  // path; empty: no students' list
  std::string teachers_csv;  // path; empty: no teachers' list
  std::string date;          // the effective date; empty: today in the school's zone
  bool open_classes = false;
  bool apply = false;
};

// Adds the `import` subcommand and its options to `app`; parsing fills
// `options`, which must outlive the parse. Returns the subcommand (test
// `->parsed()` after CLI11_PARSE).
CLI::App* add_import_subcommand(CLI::App& app, ImportCliOptions& options);

// Runs the import; returns the exit code above. `logger` may be null.
int run_import(const ImportCliOptions& options, std::shared_ptr<spdlog::logger> logger);

}  // namespace zhurnal::import
