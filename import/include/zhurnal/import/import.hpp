// Import of the secretary's lists: students with their classes, teachers with
// their subjects and classes (docs/import.md describes the files).
//
// Two steps, so that nothing is written unless the whole of both files is
// right:
//   1. prepare_import() reads the journal's current state from the log,
//      checks every row of both files against it and against each other, and
//      returns a plan: a report (per row: add / transfer / change / unchanged
//      / error, with a Russian reason) and the journal commands that would
//      carry it out. It writes nothing.
//   2. apply_import() runs the plan's commands through the Journal as the
//      given actor, in order (classes, teachers, students, teaching loads,
//      class teachers), and stops at the first rejection. It refuses a plan
//      with errors.
// Ids of new students, teachers, classes and assignments are derived from the
// school and the rows' content, and command ids from the files' content and
// the log position they were checked against. So applying the same files
// again writes nothing (the rows are then "unchanged"), a plan that is run
// again (a retry, a concurrent apply) gets `duplicate` answers, and the
// deciders refuse a second record with the same id.
//
// Thread safety: a plan is immutable; the functions keep no state.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "zhurnal/commands/errors.hpp"
#include "zhurnal/events/event_log.hpp"

namespace zhurnal::commands {
class Journal;
}

namespace zhurnal::import {

enum class ListKind : uint8_t { kStudents, kTeachers };

enum class RowAction : uint8_t {
  kAdd,        // a new student or teacher
  kTransfer,   // a student enrolled in another class: to be transferred
  kChange,     // a known teacher gets new teaching or class-teacher duties
  kUnchanged,  // the journal already has all of it
  kError,      // the row cannot be imported; nothing at all is applied
};

struct RowReport {
  ListKind list = ListKind::kStudents;
  int line = 0;  // the row number in the file (1 = the first line)
  RowAction action = RowAction::kError;
  std::string who;                   // "Иванов Иван Иванович, 14.03.2015, 5А"
  std::vector<std::string> changes;  // what would be written, in Russian
  std::vector<std::string> errors;   // why not, in Russian; non-empty iff kError
};

struct ReportSummary {
  size_t added = 0, transferred = 0, changed = 0, unchanged = 0, errors = 0;
  size_t classes_to_open = 0;
  size_t commands = 0;
};

struct Report {
  std::string school_id;
  std::string school_name;
  std::string year_name;                 // the academic year classes are matched in, "2026/2027"
  std::string today;                     // the effective date, "ДД.ММ.ГГГГ"
  std::vector<std::string> notes;        // encodings, separators, ignored columns, ...
  std::vector<std::string> file_errors;  // problems not tied to one row
  std::vector<std::string> classes_to_open;  // "7В", with --open-classes
  std::vector<RowReport> rows;               // students' rows, then teachers'
  size_t commands = 0;

  ReportSummary summary() const;
  bool has_errors() const;
};

// The largest list the import reads; a longer file is an error in the
// report (a school's lists are about 100 KiB).
inline constexpr size_t kMaxFileBytes = 8u << 20;

struct ImportFile {
  std::string name;   // shown in the report, e.g. the file name
  std::string bytes;  // the file's content as read from disk
};

struct ImportOptions {
  std::string school_id;
  std::string actor;          // the secretary's or administrator's user id
  bool open_classes = false;  // open missing classes in the current year
  // The effective date: where the current academic year is taken from and
  // when new teaching loads start. "ДД.ММ.ГГГГ" or "ГГГГ-ММ-ДД"; empty: today
  // in the school's time zone by clock_us.
  std::string today;
  std::function<int64_t()> clock_us;  // UTC microseconds; empty: the system clock
  // How a dry run's report ends: what to do to write (the web page says
  // which button to press).
  std::string apply_hint = "Для записи добавьте --apply.";
};

namespace internal {
struct PlanData;
}

class ImportPlan {
 public:
  explicit ImportPlan(std::shared_ptr<const internal::PlanData> data) : data_(std::move(data)) {}

  const Report& report() const;
  // The commands' ids in the order apply_import() runs them.
  std::vector<std::string> command_ids() const;
  const internal::PlanData& data() const { return *data_; }

 private:
  std::shared_ptr<const internal::PlanData> data_;
};

namespace internal {
class SchoolView;
}

// The journal's state that the files are checked against, folded from the
// log. A prepare_import() given one reads only the events appended since the
// previous call, so a process that checks many files against one log (the
// fuzz target does) reads the whole log once. One per school; not
// thread-safe.
class ImportState {
 public:
  explicit ImportState(std::string school_id);
  ~ImportState();
  ImportState(const ImportState&) = delete;
  ImportState& operator=(const ImportState&) = delete;

  const std::string& school_id() const;

 private:
  friend events::Result<ImportPlan> prepare_import(events::EventLog&, ImportState&,
                                                   const std::optional<ImportFile>&,
                                                   const std::optional<ImportFile>&,
                                                   const ImportOptions&);
  std::unique_ptr<internal::SchoolView> view_;
  std::optional<events::Status> failed_;  // a failed catch-up leaves the view incomplete
};

// Reads the log (through its current head) and checks the files. Either file
// may be absent. Errors are the log's: problems with the files are in the
// report.
events::Result<ImportPlan> prepare_import(events::EventLog& log,
                                          const std::optional<ImportFile>& students,
                                          const std::optional<ImportFile>& teachers,
                                          const ImportOptions& options);

// The same, bringing `state` up to the log's head first instead of reading
// the whole log. state.school_id() must be options.school_id
// (kInvalidArgument otherwise). After a read error the state keeps
// returning it: make a new one.
events::Result<ImportPlan> prepare_import(events::EventLog& log, ImportState& state,
                                          const std::optional<ImportFile>& students,
                                          const std::optional<ImportFile>& teachers,
                                          const ImportOptions& options);

struct ApplyResult {
  size_t written = 0;     // commands that wrote events
  size_t duplicates = 0;  // commands already written earlier (same command id)
  bool stopped = false;   // a command was rejected (or the plan has errors)
  int line = 0;           // the row of the rejected command (0: a class opening)
  std::string what;       // the rejected command, in Russian
  commands::Rejection rejection{commands::ErrorCode::kInvalidCommand, ""};
};

// Runs the plan's commands as options.actor. Blocking. Commands before a
// rejection stay written (each is atomic on its own); a rerun of the same
// files continues where this one stopped.
ApplyResult apply_import(commands::Journal& journal, const ImportPlan& plan);

// The report and the apply result as the secretary reads them (Russian).
std::string format_report(const Report& report);
std::string format_apply_result(const ApplyResult& result);

}  // namespace zhurnal::import
