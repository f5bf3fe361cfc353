// The report as the secretary reads it: one line per row, in Russian.
#include <string>

#include "zhurnal/import/import.hpp"

namespace zhurnal::import {
namespace {

const char* action_name(RowAction a) {
  switch (a) {
    case RowAction::kAdd:
      return "добавить";
    case RowAction::kTransfer:
      return "перевести";
    case RowAction::kChange:
      return "изменить";
    case RowAction::kUnchanged:
      return "без изменений";
    case RowAction::kError:
      return "ОШИБКА";
  }
  return "?";
}

std::string join(const std::vector<std::string>& items, const char* separator) {
  std::string out;
  for (const std::string& s : items) {
    if (!out.empty()) out += separator;
    out += s;
  }
  return out;
}

void format_rows(const Report& report, ListKind list, const char* title, std::string& out) {
  bool any = false;
  for (const RowReport& r : report.rows) {
    if (r.list != list) continue;
    if (!any) out += std::string(title) + ":\n";
    any = true;
    out += "  строка " + std::to_string(r.line) + ": " + action_name(r.action) + " — " + r.who;
    const auto& details = r.action == RowAction::kError ? r.errors : r.changes;
    if (!details.empty()) out += ": " + join(details, "; ");
    out += "\n";
  }
}

}  // namespace

std::string format_report(const Report& report) {
  std::string out = "Импорт списков: школа ";
  out += report.school_name.empty() ? report.school_id
                                    : "«" + report.school_name + "» (" + report.school_id + ")";
  if (!report.year_name.empty()) out += ", учебный год " + report.year_name;
  if (!report.today.empty()) out += ", на " + report.today;
  out += "\n";
  for (const std::string& n : report.notes) out += "  " + n + "\n";
  if (!report.file_errors.empty()) {
    out += "Ошибки:\n";
    for (const std::string& e : report.file_errors) out += "  " + e + "\n";
  }
  format_rows(report, ListKind::kStudents, "Ученики", out);
  format_rows(report, ListKind::kTeachers, "Учителя", out);
  if (!report.classes_to_open.empty()) {
    out +=
        "Открыть классы (" + report.year_name + "): " + join(report.classes_to_open, ", ") + "\n";
  }
  const ReportSummary s = report.summary();
  out += "Итого: добавить " + std::to_string(s.added) + ", перевести " +
         std::to_string(s.transferred) + ", изменить " + std::to_string(s.changed) +
         ", без изменений " + std::to_string(s.unchanged) + ", ошибок " + std::to_string(s.errors) +
         "; открыть классов: " + std::to_string(s.classes_to_open) +
         "; команд журнала: " + std::to_string(s.commands) + "\n";
  return out;
}

std::string format_apply_result(const ApplyResult& r) {
  std::string out;
  if (r.stopped) {
    out += "Запись остановлена";
    if (r.line > 0) out += " на строке " + std::to_string(r.line);
    out += " (" + r.what + "): " + r.rejection.message + " [" +
           std::string(commands::error_code_name(r.rejection.code)) + "]\n";
    out += "Записано команд до остановки: " + std::to_string(r.written) +
           "; уже были записаны: " + std::to_string(r.duplicates) +
           ". Записанное остаётся; после исправления запустите импорт снова.\n";
    return out;
  }
  if (r.written == 0 && r.duplicates == 0) return "Записывать нечего: всё уже есть в журнале.\n";
  out += "Записано команд: " + std::to_string(r.written);
  if (r.duplicates > 0) out += "; уже были записаны раньше: " + std::to_string(r.duplicates);
  out += ".\n";
  return out;
}

}  // namespace zhurnal::import
