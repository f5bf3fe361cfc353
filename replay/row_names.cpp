// Readable names and values of the standard projections' rows (the key
// tables of docs/storage-format.md and compliance_projection.hpp).
#include <capnp/serialize.h>

#include <cstdio>
#include <vector>

#include "schema/journal.capnp.h"
#include "schema/message_reader.hpp"
#include "schema/views.capnp.h"
#include "zhurnal/replay/rebuild.hpp"

namespace zhurnal::replay {
namespace {

enum class Value { kText, kEmpty, kRow };

using Decoder = std::string (*)(std::string_view);

template <typename T>
std::string decode_as(std::string_view bytes) {
  schema::BoundedMessageReader reader(bytes);
  auto text = kj::str(reader.root<T>());
  return std::string(text.cStr(), text.size());
}

struct RowKind {
  std::string_view projection;
  std::string_view prefix;  // including the '/'
  std::string_view label;
  std::vector<std::string_view> fields;
  Decoder decode;  // nullptr: the value is text
};

const std::vector<RowKind>& kinds() {
  static const std::vector<RowKind> k = {
      {"journal", "S/", "школа", {"школа"}, &decode_as<schema::SchoolRegistered>},
      {"journal", "Y/", "учебный год", {"школа", "год"}, &decode_as<schema::AcademicYearOpened>},
      {"journal", "SUB/", "название предмета", {"школа", "предмет"}, nullptr},
      {"journal",
       "WT/",
       "вид работы",
       {"школа", "вид работы"},
       &decode_as<schema::WorkTypeDefined>},
      {"journal", "U/", "пользователь", {"пользователь"}, &decode_as<schema::UserRegistered>},
      {"journal", "CR/", "доступ действует", {"пользователь"}, nullptr},
      {"journal", "CO/", "согласие", {"пользователь"}, &decode_as<schema::ConsentRecorded>},
      {"journal", "K/", "класс", {"класс"}, &decode_as<schema::ClassRow>},
      {"journal", "G/", "группа класса", {"класс", "группа"}, &decode_as<schema::SubgroupDefined>},
      {"journal", "ST/", "текущий класс ученика", {"ученик"}, &decode_as<schema::StudentRow>},
      {"journal", "R/", "ученик в классе", {"класс", "ученик"}, &decode_as<schema::StudentRow>},
      {"journal", "GU/", "родитель", {"родитель", "ученик"}, nullptr},
      {"journal", "L/", "урок", {"урок"}, &decode_as<schema::LessonRow>},
      {"journal",
       "C/",
       "клетка журнала (отметки и посещаемость)",
       {"урок", "ученик"},
       &decode_as<schema::CellRow>},
      {"journal", "CD/", "указатель уроков по датам", {"класс", "дата", "номер", "урок"}, nullptr},
      {"journal",
       "CL/",
       "указатель уроков по предметам",
       {"класс", "предмет", "дата", "номер", "урок"},
       nullptr},
      {"journal",
       "F/",
       "итоговая отметка",
       {"класс", "предмет", "период", "ученик", "вид"},
       &decode_as<schema::FinalMarkRow>},
      {"journal",
       "N/",
       "запись для родителей ученика",
       {"ученик", "время", "id"},
       &decode_as<schema::NoteRow>},
      {"journal",
       "NC/",
       "запись для класса",
       {"класс", "время", "id"},
       &decode_as<schema::NoteRow>},
      {"people", "A/", "доступ и согласие", {"пользователь"}, &decode_as<schema::AccessRow>},
      {"people", "P/", "родство", {"ученик", "родитель"}, nullptr},
      {"people", "CHL/", "дети родителя", {"родитель"}, nullptr},
      {"people", "SC/", "текущий класс ученика", {"ученик"}, nullptr},
      {"compliance", "Z/", "часовой пояс школы", {"школа"}, nullptr},
      {"compliance", "K/", "школа и параллель класса", {"класс"}, nullptr},
      {"compliance", "U/", "школа сотрудника или ученика", {"человек"}, nullptr},
      {"compliance", "PA/", "родитель с даты", {"школа", "родитель"}, nullptr},
      {"compliance", "SS/", "периоды обучения в школе", {"школа", "ученик"}, nullptr},
      {"compliance", "SI/", "вход за месяц", {"школа", "месяц", "роль", "пользователь"}, nullptr},
      {"compliance", "SO/", "подпись за месяц", {"школа", "месяц"}, &decode_as<schema::SignOffRow>},
      {"compliance", "LF/", "признаки урока", {"урок"}, &decode_as<schema::LessonFlags>},
      {"compliance",
       "T/",
       "счётчики учителя за месяц",
       {"школа", "месяц", "учитель"},
       &decode_as<schema::Counters>},
      {"compliance",
       "CC/",
       "счётчики класса за месяц",
       {"школа", "месяц", "класс"},
       &decode_as<schema::Counters>},
      {"compliance",
       "PS/",
       "уроки по плану",
       {"школа", "месяц", "класс", "учитель", "предмет", "группа"},
       nullptr},
      {"compliance",
       "LX/",
       "урок с поздними отметками или исправлениями",
       {"школа", "месяц", "урок"},
       nullptr},
      {"compliance",
       "LT/",
       "поздняя отметка",
       {"урок", "отметка"},
       &decode_as<schema::LateMarkRow>},
      {"compliance", "X/", "исправление", {"урок", "позиция"}, &decode_as<schema::CorrectionRow>},
  };
  return k;
}

const RowKind* find_kind(std::string_view projection, std::string_view row) {
  const RowKind* best = nullptr;
  for (const RowKind& k : kinds()) {
    if (k.projection == projection && row.substr(0, k.prefix.size()) == k.prefix &&
        (!best || k.prefix.size() > best->prefix.size())) {
      best = &k;
    }
  }
  return best;
}

bool printable(std::string_view s) {
  for (unsigned char c : s) {
    if (c < 0x20 && c != '\n' && c != '\t') return false;
  }
  return true;
}

std::string hex_preview(std::string_view s) {
  std::string out = std::to_string(s.size()) + " байт: ";
  char buf[4];
  for (size_t i = 0; i < s.size() && i < 48; ++i) {
    std::snprintf(buf, sizeof buf, "%02x", static_cast<unsigned char>(s[i]));
    out += buf;
  }
  if (s.size() > 48) out += "…";
  return out;
}

}  // namespace

std::string describe_row(std::string_view projection, std::string_view row) {
  const RowKind* k = find_kind(projection, row);
  if (!k) return "неизвестный вид строки";
  std::string out(k->label);
  std::string_view rest = row.substr(k->prefix.size());
  for (size_t i = 0; !rest.empty(); ++i) {
    // The last named field takes the rest (ids may not contain '/', but be safe).
    size_t slash = i + 1 < k->fields.size() ? rest.find('/') : std::string_view::npos;
    std::string_view part = rest.substr(0, slash);
    out += i == 0 ? ": " : ", ";
    if (i < k->fields.size()) out += std::string(k->fields[i]) + " ";
    out += part;
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
  }
  return out;
}

std::string describe_value(std::string_view projection, std::string_view row, std::string_view value) {
  const RowKind* k = find_kind(projection, row);
  if (k && k->decode) {
    try {
      return k->decode(value);
    } catch (const kj::Exception&) {
      return "(не декодируется) " + hex_preview(value);
    }
  }
  if (value.empty()) return "\"\"";
  return printable(value) ? "\"" + std::string(value) + "\"" : hex_preview(value);
}

}  // namespace zhurnal::replay
