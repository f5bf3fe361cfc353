// `zhurnal import`: wiring of files, the log, the report and the Journal.
#include "zhurnal/import/import_cli.hpp"

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

int run_import(const ImportCliOptions& o, std::shared_ptr<spdlog::logger> logger) {
  if (o.students_csv.empty() && o.teachers_csv.empty()) {
    std::fprintf(stderr, "zhurnal import: укажите --students и/или --teachers\n");
    return kCannotRead;
  }
  std::optional<ImportFile> students, teachers;
  for (auto [path, file] : {std::pair{&o.students_csv, &students}, {&o.teachers_csv, &teachers}}) {
    if (path->empty()) continue;
    *file = read_file(*path);
    if (!*file) {
      std::fprintf(stderr, "zhurnal import: не удалось прочитать файл %s\n", path->c_str());
      return kCannotRead;
    }
  }

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
  auto plan = prepare_import(**log, students, teachers, options);
  if (!plan) {
    std::fprintf(stderr, "zhurnal import: не удалось прочитать журнал событий: %s\n",
                 plan.error().to_string().c_str());
    return kCannotRead;
  }
  std::fputs(format_report(plan->report()).c_str(), stdout);
  if (plan->report().has_errors()) {
    std::fputs("Найдены ошибки: ничего не записано. Исправьте файлы и запустите снова.\n", stdout);
    return kFileErrors;
  }
  if (!o.apply) {
    std::fputs("Проверка без записи: ничего не записано. Для записи добавьте --apply.\n", stdout);
    return kOk;
  }

  commands::JournalOptions journal_options;
  journal_options.log = log->get();
  journal_options.logger = logger;
  auto journal = commands::Journal::open(journal_options);
  if (!journal) {
    std::fprintf(stderr, "zhurnal import: не удалось открыть журнал: %s\n",
                 journal.error().to_string().c_str());
    return kCannotRead;
  }
  const ApplyResult result = apply_import(**journal, *plan);
  std::fputs(format_apply_result(result).c_str(), stdout);
  if (logger) {
    logger->info("import into {} as {}: {} written, {} duplicates{}", o.school_id, o.actor,
                 result.written, result.duplicates, result.stopped ? ", stopped" : "");
  }
  return result.stopped ? kStopped : kOk;
}

}  // namespace zhurnal::import
