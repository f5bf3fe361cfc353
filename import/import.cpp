// prepare_import() and apply_import(): read the state, check the files, run
// the plan. See zhurnal/import/import.hpp.
#include "zhurnal/import/import.hpp"

#include <date/tz.h>

#include <chrono>

#include "internal/ids.hpp"
#include "internal/plan.hpp"
#include "internal/planner.hpp"
#include "internal/school_view.hpp"
#include "schema/commands.capnp.h"
#include "schema/message_reader.hpp"
#include "zhurnal/commands/journal.hpp"

namespace zhurnal::import {

using internal::Day;

namespace {

int64_t system_now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The civil date of a UTC instant in the school's zone (UTC when the zone is
// unknown to the tz database).
Day local_today(const std::string& zone_name, int64_t now_us) {
  const auto instant = date::sys_time<std::chrono::microseconds>(std::chrono::microseconds(now_us));
  const date::time_zone* zone = nullptr;
  try {
    zone = date::locate_zone(zone_name);
  } catch (const std::exception&) {
    zone = nullptr;  // the date library reports an unknown zone by throwing
  }
  const auto local = zone ? date::floor<date::days>(zone->to_local(instant)).time_since_epoch()
                          : date::floor<date::days>(instant).time_since_epoch();
  return Day{static_cast<int32_t>(local.count())};
}

// The import writes lists of classes and teachers: the secretary's and the
// administrator's work (docs/events.md). The deciders check it again.
void check_actor(const internal::SchoolView& view, const std::string& actor, Report& report) {
  if (actor == commands::kSystemActor) return;
  auto it = view.users().find(actor);
  const bool allowed =
      it != view.users().end() && it->second.school_id == view.school_id() &&
      (it->second.roles & (internal::kRoleSecretary | internal::kRoleAdministrator));
  if (!allowed) {
    report.file_errors.push_back("Пользователь «" + actor + "» не может загружать списки школы " +
                                 view.school_id() + ": нужна роль секретаря или администратора");
  }
}

void plan_file(internal::Planner& planner, const ImportFile& file, ListKind list, Report& report) {
  auto table = internal::read_csv(file.bytes);
  if (!table) {
    report.file_errors.push_back(std::string(list == ListKind::kStudents ? "Ученики" : "Учителя") +
                                 " (" + file.name + "): " + table.error());
    return;
  }
  if (list == ListKind::kStudents) {
    planner.plan_students(*table, file.name);
  } else {
    planner.plan_teachers(*table, file.name);
  }
}

}  // namespace

ReportSummary Report::summary() const {
  ReportSummary s;
  for (const RowReport& r : rows) {
    switch (r.action) {
      case RowAction::kAdd:
        ++s.added;
        break;
      case RowAction::kTransfer:
        ++s.transferred;
        break;
      case RowAction::kChange:
        ++s.changed;
        break;
      case RowAction::kUnchanged:
        ++s.unchanged;
        break;
      case RowAction::kError:
        ++s.errors;
        break;
    }
  }
  s.errors += file_errors.size();
  s.classes_to_open = classes_to_open.size();
  s.commands = commands;
  return s;
}

bool Report::has_errors() const { return summary().errors > 0; }

const Report& ImportPlan::report() const { return data_->report; }

std::vector<std::string> ImportPlan::command_ids() const {
  std::vector<std::string> ids;
  for (const internal::PlannedCommand& c : data_->commands) ids.push_back(c.command_id);
  return ids;
}

ImportState::ImportState(std::string school_id)
    : view_(std::make_unique<internal::SchoolView>(std::move(school_id))) {}

ImportState::~ImportState() = default;

const std::string& ImportState::school_id() const { return view_->school_id(); }

events::Result<ImportPlan> prepare_import(events::EventLog& log,
                                          const std::optional<ImportFile>& students,
                                          const std::optional<ImportFile>& teachers,
                                          const ImportOptions& options) {
  ImportState state(options.school_id);
  return prepare_import(log, state, students, teachers, options);
}

events::Result<ImportPlan> prepare_import(events::EventLog& log, ImportState& state,
                                          const std::optional<ImportFile>& students,
                                          const std::optional<ImportFile>& teachers,
                                          const ImportOptions& options) {
  if (state.school_id() != options.school_id) {
    return events::error(events::StatusCode::kInvalidArgument,
                         "import state of school " + state.school_id() + " used for " +
                             options.school_id);
  }
  if (state.failed_) return std::unexpected(*state.failed_);
  if (auto r = state.view_->catch_up(log); !r) {
    state.failed_ = r.error();
    return std::unexpected(r.error());
  }
  const internal::SchoolView* view = state.view_.get();
  auto data = std::make_shared<internal::PlanData>();
  Report& report = data->report;
  report.school_id = options.school_id;
  data->actor = options.actor;
  if (!view->school_found()) {
    report.file_errors.push_back("Школа «" + options.school_id + "» не найдена в журнале");
    return ImportPlan(std::move(data));
  }
  report.school_name = view->school_name();

  std::optional<Day> today;
  if (!options.today.empty()) {
    today = internal::parse_day(options.today);
    if (!today) {
      report.file_errors.push_back("Дата «" + options.today + "» не распознана: нужна ДД.ММ.ГГГГ");
      return ImportPlan(std::move(data));
    }
  } else {
    today = local_today(view->time_zone(), options.clock_us ? options.clock_us() : system_now_us());
  }
  report.today = internal::russian_day(*today);
  const internal::ViewYear* year = view->current_year(*today);
  if (year) report.year_name = year->name;

  check_actor(*view, options.actor, report);
  if (!students && !teachers) report.file_errors.push_back("Не указан ни один файл");

  internal::Planner planner(*view, year, *today, options.open_classes, report);
  if (students) plan_file(planner, *students, ListKind::kStudents, report);
  if (teachers) plan_file(planner, *teachers, ListKind::kTeachers, report);

  // Command ids come from the files and the log position they were checked
  // against: the same files on the same state give the same commands and ids
  // (a retry answers `duplicate`); on a later state the rows are re-checked
  // and what is still missing gets fresh ids, so an earlier id never hides a
  // change made since.
  const std::string digest =
      internal::sha256_hex({options.school_id, std::to_string(view->position()),
                            students ? std::string_view(students->bytes) : std::string_view(),
                            teachers ? std::string_view(teachers->bytes) : std::string_view()});
  data->commands = planner.take_commands(digest);
  data->correlation_id = "import-" + digest.substr(0, 16);
  report.commands = data->commands.size();
  return ImportPlan(std::move(data));
}

ApplyResult apply_import(commands::Journal& journal, const ImportPlan& plan) {
  const internal::PlanData& data = plan.data();
  ApplyResult result;
  if (data.report.has_errors()) {
    result.stopped = true;
    result.what = "импорт";
    result.rejection = {commands::ErrorCode::kInvalidCommand,
                        "В файлах есть ошибки: ничего не записано"};
    return result;
  }
  for (const internal::PlannedCommand& c : data.commands) {
    schema::BoundedMessageReader reader(c.bytes);
    auto outcome = journal.execute({c.command_id, data.actor, data.correlation_id},
                                   reader.root<schema::Command>());
    if (!outcome) {
      result.stopped = true;
      result.line = c.line;
      result.what = c.what;
      result.rejection = outcome.error();
      return result;
    }
    ++(outcome->duplicate ? result.duplicates : result.written);
  }
  return result;
}

}  // namespace zhurnal::import
