// Fuzz target: the secretary's CSV files through prepare_import() (encoding
// detection, libcsv in strict mode, column matching, every row check against
// a seeded school and against the other rows) and the report she reads
// (format_report()). Nothing is applied: each input sees the same state.
//
// Input: byte 0 chooses the list (bit 0: teachers, else students) and
// --open-classes (bit 1); the rest is the file as read from disk.
// The school is seeded once, at start, through the Journal into a log in a
// temporary directory that is removed at exit; an ImportState keeps it folded
// (nothing is appended, so each run's catch-up reads nothing).
//
// Oracles besides the sanitizers: prepare_import succeeds (file problems go
// into the report, never into an error); a report without errors has
// commands only for rows it adds or changes, and one with errors still
// formats.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "school_seed.hpp"
#include "zhurnal/import/import.hpp"

namespace {

namespace fs = std::filesystem;
using namespace zhurnal;

struct Fixture {
  fs::path dir;
  std::unique_ptr<events::EventLog> log;
  std::unique_ptr<import::ImportState> state;
};

Fixture* fixture = nullptr;

// At exit only the directory goes: the log stays open (closing it from an
// atexit handler races the static destructors of its libraries).
void remove_fixture() {
  if (!fixture) return;
  std::error_code ec;
  fs::remove_all(fixture->dir, ec);
}

[[noreturn]] void fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "csv_import_fuzzer: %s\n%s\n", what, detail.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fixture = new Fixture;
  std::string tmpl = (fs::temp_directory_path() / "zhurnal-fuzz-XXXXXX").string();
  if (!mkdtemp(tmpl.data())) fail("mkdtemp failed", tmpl);
  fixture->dir = tmpl;
  std::atexit(remove_fixture);
  auto log = fuzz::seed_school((fixture->dir / "log").string());
  if (!log) fail("cannot seed the school", log.error());
  fixture->log = std::move(*log);
  fixture->state = std::make_unique<import::ImportState>(fuzz::kSchoolId);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const bool teachers = data[0] & 1;
  import::ImportOptions options;
  options.school_id = fuzz::kSchoolId;
  options.actor = fuzz::kSecretary;
  options.open_classes = data[0] & 2;
  options.clock_us = [] { return fuzz::kSeedClockUs; };
  const import::ImportFile file{teachers ? "teachers.csv" : "students.csv",
                                std::string(reinterpret_cast<const char*>(data) + 1, size - 1)};
  std::optional<import::ImportFile> none;
  auto plan = teachers ? import::prepare_import(*fixture->log, *fixture->state, none, file, options)
                       : import::prepare_import(*fixture->log, *fixture->state, file, none, options);
  if (!plan) fail("prepare_import failed", plan.error().to_string());
  const import::Report& report = plan->report();
  const std::string text = import::format_report(report);
  if (text.empty()) fail("empty report", "");
  if (!report.has_errors()) {
    const import::ReportSummary s = report.summary();
    if (s.commands > 0 && s.added + s.transferred + s.changed + s.classes_to_open == 0) {
      fail("commands planned for rows that change nothing", text);
    }
  }
  return 0;
}
