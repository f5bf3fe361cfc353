// The three outputs of `zhurnal replay history`.
#include <cstdio>

#include "zhurnal/replay/event_names.hpp"
#include "zhurnal/replay/history.hpp"
#include "zhurnal/replay/spreadsheet_csv.hpp"

namespace zhurnal::replay {
namespace {

std::string_view kind_ru(HistorySubject k) {
  switch (k) {
    case HistorySubject::kStudent: return "ученик";
    case HistorySubject::kClass: return "класс";
    case HistorySubject::kTeacher: return "сотрудник";
  }
  return "";
}

// A JSON string literal (RFC 8259): quotes, backslashes and control
// characters escaped; UTF-8 passes through.
std::string json_string(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

// One line of text: no embedded line breaks in a terminal table.
std::string one_line(std::string_view s) {
  std::string out;
  for (char c : s) out += (c == '\n' || c == '\r') ? ' ' : c;
  return out;
}

}  // namespace

std::string format_history_text(const HistoryResult& h) {
  std::string out = "История: " + std::string(kind_ru(h.kind)) + " " + h.id;
  if (!h.name.empty()) out += " — " + h.name;
  out += "\nШкола: " + (h.school_id.empty() ? "—" : h.school_id) +
         ", время: " + (h.time_zone.empty() ? "UTC" : h.time_zone) +
         ", событий: " + std::to_string(h.entries.size()) + "\n";
  for (const HistoryEntry& e : h.entries) {
    const std::string_view type_name = event_type_name(e.event_type);
    out += "\n#" + std::to_string(e.position) + "  " + e.recorded_at + "  ";
    out += type_name.empty() ? e.event_type : std::string(type_name) + " (" + e.event_type + ")";
    out += "\n";
    out += "  кто: " + e.actor + (e.actor_name.empty() ? "" : " (" + e.actor_name + ")") + "\n";
    out += "  что: " + one_line(e.summary) + "\n";
    if (!e.previous.empty() || !e.value.empty()) {
      out += "  было: " + (e.previous.empty() ? std::string("—") : one_line(e.previous)) +
             "  стало: " + (e.value.empty() ? std::string("—") : one_line(e.value)) + "\n";
    }
    if (!e.reason.empty()) out += "  причина: " + one_line(e.reason) + "\n";
  }
  if (h.next_position != 0) {
    out += "\n… есть ещё события после позиции " + std::to_string(h.next_position) + "\n";
  }
  return out;
}

std::string format_history_jsonl(const HistoryResult& h) {
  std::string out = "{\"subject\":" + json_string(subject_kind_name(h.kind)) +
                    ",\"id\":" + json_string(h.id) + ",\"name\":" + json_string(h.name) +
                    ",\"schoolId\":" + json_string(h.school_id) +
                    ",\"timeZone\":" + json_string(h.time_zone) +
                    ",\"events\":" + std::to_string(h.entries.size()) +
                    ",\"nextPosition\":" + std::to_string(h.next_position) + "}\n";
  for (const HistoryEntry& e : h.entries) {
    out += "{\"position\":" + std::to_string(e.position) +
           ",\"recordedAtUs\":" + std::to_string(e.recorded_at_us) +
           ",\"recordedAt\":" + json_string(e.recorded_at) +
           ",\"eventType\":" + json_string(e.event_type) + ",\"streamId\":" + json_string(e.stream) +
           ",\"actor\":" + json_string(e.actor) + ",\"actorName\":" + json_string(e.actor_name) +
           ",\"commandId\":" + json_string(e.command_id) + ",\"reason\":" + json_string(e.reason) +
           ",\"previous\":" + json_string(e.previous) + ",\"value\":" + json_string(e.value) +
           ",\"summary\":" + json_string(e.summary) + ",\"payload\":" + e.payload_json + "}\n";
  }
  return out;
}

// For Russian Excel, like the reports (spreadsheet_csv.hpp): the columns'
// names in Russian, the event's Russian name beside the log's type.
std::string format_history_csv(const HistoryResult& h) {
  std::string out(kCsvBom);
  append_csv_line(
      out, {"Позиция", csv_text("Время (" + (h.time_zone.empty() ? "UTC" : h.time_zone) + ")"),
            "Время UTC, мкс", "Событие", "Тип события", "Поток", "Кто (id)", "Кто", "Команда",
            "Причина", "Было", "Стало", "Что"});
  for (const HistoryEntry& e : h.entries) {
    append_csv_line(
        out, {std::to_string(e.position), csv_text(e.recorded_at), std::to_string(e.recorded_at_us),
              csv_text(event_type_name(e.event_type)), csv_text(e.event_type), csv_text(e.stream),
              csv_text(e.actor), csv_text(e.actor_name), csv_text(e.command_id), csv_text(e.reason),
              csv_text(e.previous), csv_text(e.value), csv_text(e.summary)});
  }
  return out;
}

}  // namespace zhurnal::replay
