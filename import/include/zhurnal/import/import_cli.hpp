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
// While a server runs on the data directory (it holds the log's lock), the
// command hands the files to it over its control socket (cli/, docs/import.md)
// and the server runs run_import_files() on its own log and Journal.
// Exit codes: 0 checked (and applied, with --apply); 1 the files have errors,
// nothing written; 2 a file or the data directory cannot be read; 3 a
// command was rejected during --apply (what was written before it stays;
// running the same files again continues).
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "zhurnal/import/import.hpp"

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

// Runs the import on a data directory no server holds; returns the exit code
// above. `logger` may be null.
int run_import(const ImportCliOptions& options, std::shared_ptr<spdlog::logger> logger);

// The two steps of run_import(). Reads the files the options name, whole (at
// most the CSV reader's limit and one byte more, so that the report can name
// the excess); returns 0, or an exit code above with the reason on stderr.
int read_import_files(const ImportCliOptions& options, std::optional<ImportFile>* students,
                      std::optional<ImportFile>* teachers);
// Opens the data directory and imports the files read.
int run_import(const ImportCliOptions& options, const std::optional<ImportFile>& students,
               const std::optional<ImportFile>& teachers, std::shared_ptr<spdlog::logger> logger);

// What an import printed and how it ended.
struct ImportRunResult {
  int exit_code = 0;
  std::string out;  // the report and its verdict (stdout)
  std::string err;  // why the run could not go on (stderr); empty when it did
};

// The import itself, on an open log: checks the files (bringing `state`, when
// given, up to the log's head instead of reading the whole log) and, with
// `apply` and no errors, writes them through `journal`, or through a Journal
// opened on `log` when that is null. A server passes its own Journal and
// keeps one state per school, so that only the first import reads the log.
ImportRunResult run_import_files(events::EventLog& log, ImportState* state,
                                 commands::Journal* journal,
                                 const std::optional<ImportFile>& students,
                                 const std::optional<ImportFile>& teachers,
                                 const ImportOptions& options, bool apply,
                                 const std::shared_ptr<spdlog::logger>& logger);

// The imports of one running server, from its control socket (`zhurnal
// import --data` beside it) and from the web page (importLists, POST
// /import): one at a time, whatever their way in, each school's
// ImportState kept between them, so that only the first import of a school
// after a start reads the whole log. Thread-safe.
class ServerImports {
 public:
  ServerImports();
  ~ServerImports();
  ServerImports(const ServerImports&) = delete;
  ServerImports& operator=(const ServerImports&) = delete;

  // run_import_files() with the school's kept state, once no other import
  // runs, waiting at most `wait`; nullopt when another one still ran then.
  // A run that could not go on (`err` set; a throw is one, with exit code
  // 2) drops the school's state: the next import starts a new one.
  std::optional<ImportRunResult> run(events::EventLog& log, commands::Journal* journal,
                                     const std::optional<ImportFile>& students,
                                     const std::optional<ImportFile>& teachers,
                                     const ImportOptions& options, bool apply,
                                     const std::shared_ptr<spdlog::logger>& logger,
                                     std::chrono::milliseconds wait);

 private:
  std::timed_mutex mu_;  // one import at a time; guards states_
  std::map<std::string, std::unique_ptr<ImportState>> states_;
};

}  // namespace zhurnal::import
