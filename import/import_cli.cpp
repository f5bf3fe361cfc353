// `zhurnal import`: wiring of files, the log, the report and the Journal.
#include "zhurnal/import/import_cli.hpp"

#include <kj/exception.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>

#include "internal/csv_reader.hpp"
#include "zhurnal/commands/journal.hpp"
#include "zhurnal/events/event_log.hpp"
#include "zhurnal/import/import.hpp"

namespace zhurnal::import {
namespace {

constexpr int kOk = 0;
constexpr int kFileErrors = 1;
constexpr int kCannotRead = 2;
constexpr int kStopped = 3;

// The log of a data directory: `zhurnal serve --data DIR` keeps it in
// DIR/log; a bare log directory is accepted too.
std::string log_path(const std::string& data_dir) {
  const std::filesystem::path nested = std::filesystem::path(data_dir) / "log";
  std::error_code ec;
  return std::filesystem::is_directory(nested, ec) ? nested.string() : data_dir;
}

// The whole file, at most kMaxCsvBytes + 1 bytes (read_csv reports the excess).
std::optional<ImportFile> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  ImportFile file;
  file.name = path;
  file.bytes.resize(internal::kMaxCsvBytes + 1);
  in.read(file.bytes.data(), static_cast<std::streamsize>(file.bytes.size()));
  if (in.bad()) return std::nullopt;
  file.bytes.resize(static_cast<size_t>(in.gcount()));
  return file;
}

}  // namespace

CLI::App* add_import_subcommand(CLI::App& app, ImportCliOptions& o) {
  auto* cmd = app.add_subcommand(
      "import", "проверить списки учеников и учителей (CSV); --apply записывает их");
  cmd->add_option("--data", o.data_dir, "каталог данных сервера (или сам журнал событий)")
      ->required();
  cmd->add_option("--school", o.school_id, "id школы")->required();
  cmd->add_option("--as", o.actor, "id секретаря или администратора")->required();
  cmd->add_option("--students", o.students_csv, "список учеников (CSV)");
  cmd->add_option("--teachers", o.teachers_csv, "список учителей (CSV)");
  cmd->add_option("--date", o.date, "дата вступления в силу, ДД.ММ.ГГГГ (по умолчанию: сегодня)");
  cmd->add_flag("--open-classes", o.open_classes,
                "открыть классы, которые есть в списках, но не открыты в текущем учебном году");
  cmd->add_flag("--apply", o.apply, "записать в журнал (по умолчанию только проверка)");
  return cmd;
}

int read_import_files(const ImportCliOptions& o, std::optional<ImportFile>* students,
                      std::optional<ImportFile>* teachers) {
  if (o.students_csv.empty() && o.teachers_csv.empty()) {
    std::fprintf(stderr, "zhurnal import: укажите --students и/или --teachers\n");
    return kCannotRead;
  }
  for (auto [path, file] : {std::pair{&o.students_csv, students}, {&o.teachers_csv, teachers}}) {
    if (path->empty()) continue;
    *file = read_file(*path);
    if (!*file) {
      std::fprintf(stderr, "zhurnal import: не удалось прочитать файл %s\n", path->c_str());
      return kCannotRead;
    }
  }
  return kOk;
}

ImportRunResult run_import_files(events::EventLog& log, ImportState* state,
                                 commands::Journal* journal,
                                 const std::optional<ImportFile>& students,
                                 const std::optional<ImportFile>& teachers,
                                 const ImportOptions& options, bool apply,
                                 const std::shared_ptr<spdlog::logger>& logger) {
  ImportRunResult run;
  auto plan = state ? prepare_import(log, *state, students, teachers, options)
                    : prepare_import(log, students, teachers, options);
  if (!plan) {
    run.exit_code = kCannotRead;
    run.err = "не удалось прочитать журнал событий: " + plan.error().to_string();
    return run;
  }
  run.out = format_report(plan->report());
  if (plan->report().has_errors()) {
    run.out += "Найдены ошибки: ничего не записано. Исправьте файлы и запустите снова.\n";
    run.exit_code = kFileErrors;
    return run;
  }
  if (!apply) {
    run.out += "Проверка без записи: ничего не записано. " + options.apply_hint + "\n";
    return run;
  }
  std::unique_ptr<commands::Journal> opened;
  if (!journal) {
    commands::JournalOptions journal_options;
    journal_options.log = &log;
    journal_options.logger = logger;
    auto j = commands::Journal::open(journal_options);
    if (!j) {
      run.exit_code = kCannotRead;
      run.err = "не удалось открыть журнал: " + j.error().to_string();
      return run;
    }
    opened = std::move(*j);
    journal = opened.get();
  }
  const ApplyResult result = apply_import(*journal, *plan);
  run.out += format_apply_result(result);
  if (logger) {
    logger->info("import into {} as {}: {} written, {} duplicates{}", options.school_id,
                 options.actor, result.written, result.duplicates,
                 result.stopped ? ", stopped" : "");
  }
  run.exit_code = result.stopped ? kStopped : kOk;
  return run;
}

int run_import(const ImportCliOptions& o, std::shared_ptr<spdlog::logger> logger) {
  std::optional<ImportFile> students, teachers;
  if (const int code = read_import_files(o, &students, &teachers); code != kOk) return code;
  return run_import(o, students, teachers, std::move(logger));
}

int run_import(const ImportCliOptions& o, const std::optional<ImportFile>& students,
               const std::optional<ImportFile>& teachers, std::shared_ptr<spdlog::logger> logger) {
  events::LogOptions log_options;
  log_options.path = log_path(o.data_dir);
  log_options.create_if_missing = false;
  log_options.logger = logger;
  auto log = events::open_event_log(log_options);
  if (!log) {
    std::fprintf(stderr, "zhurnal import: не удалось открыть журнал событий %s: %s\n",
                 o.data_dir.c_str(), log.error().to_string().c_str());
    return kCannotRead;
  }

  ImportOptions options;
  options.school_id = o.school_id;
  options.actor = o.actor;
  options.open_classes = o.open_classes;
  options.today = o.date;
  const ImportRunResult run =
      run_import_files(**log, nullptr, nullptr, students, teachers, options, o.apply, logger);
  std::fputs(run.out.c_str(), stdout);
  if (!run.err.empty()) std::fprintf(stderr, "zhurnal import: %s\n", run.err.c_str());
  return run.exit_code;
}

ServerImports::ServerImports() = default;
ServerImports::~ServerImports() = default;

std::optional<ImportRunResult> ServerImports::run(events::EventLog& log, commands::Journal* journal,
                                                  const std::optional<ImportFile>& students,
                                                  const std::optional<ImportFile>& teachers,
                                                  const ImportOptions& options, bool apply,
                                                  const std::shared_ptr<spdlog::logger>& logger,
                                                  std::chrono::milliseconds wait) {
  std::unique_lock lock(mu_, std::defer_lock);
  if (!lock.try_lock_for(wait)) return std::nullopt;
  auto& state = states_[options.school_id];
  if (!state) state = std::make_unique<ImportState>(options.school_id);
  ImportRunResult run;
  // Nothing in the import should throw; if it does, the server goes on
  // (what was written stays written, as after any rejection).
  try {
    run = run_import_files(log, state.get(), journal, students, teachers, options, apply, logger);
  } catch (const kj::Exception& e) {
    run.exit_code = kCannotRead;
    run.err = e.getDescription().cStr();
  } catch (const std::exception& e) {
    run.exit_code = kCannotRead;
    run.err = e.what();
  }
  // A state that failed to read the log keeps failing: the next import
  // starts a new one.
  if (!run.err.empty()) states_.erase(options.school_id);
  return run;
}

}  // namespace zhurnal::import
