#include "columns.hpp"

#include <algorithm>
#include <optional>
#include <utility>

#include "text.hpp"

namespace zhurnal::import::internal {
namespace {

struct Alias {
  const char* name;  // folded, punctuation as spaces
  Column column;
};

// Shared by both lists.
const Alias kNameAliases[] = {
    {"фамилия", Column::kLastName},       {"last name", Column::kLastName},
    {"lastname", Column::kLastName},      {"surname", Column::kLastName},
    {"family name", Column::kLastName},   {"имя", Column::kFirstName},
    {"first name", Column::kFirstName},   {"firstname", Column::kFirstName},
    {"given name", Column::kFirstName},   {"отчество", Column::kMiddleName},
    {"middle name", Column::kMiddleName}, {"middlename", Column::kMiddleName},
    {"patronymic", Column::kMiddleName},  {"фио", Column::kFullName},
    {"ф и о", Column::kFullName},         {"фамилия имя отчество", Column::kFullName},
    {"full name", Column::kFullName},     {"fullname", Column::kFullName},
};

const Alias kStudentAliases[] = {
    {"дата рождения", Column::kBirthDate},
    {"birth date", Column::kBirthDate},
    {"birthdate", Column::kBirthDate},
    {"date of birth", Column::kBirthDate},
    {"класс", Column::kClass},
    {"class", Column::kClass},
    {"дата зачисления", Column::kFrom},
    {"зачислен", Column::kFrom},
    {"в классе с", Column::kFrom},
    {"дата прибытия", Column::kFrom},
    {"enrolled", Column::kFrom},
    {"enrolment date", Column::kFrom},
    {"enrollment date", Column::kFrom},
    {"enrolled from", Column::kFrom},
    {"from", Column::kFrom},
    {"приказ", Column::kOrder},
    {"номер приказа", Column::kOrder},
    {"приказ о зачислении", Column::kOrder},
    {"order", Column::kOrder},
};

const Alias kTeacherAliases[] = {
    {"предметы", Column::kSubjects},
    {"предмет", Column::kSubjects},
    {"subjects", Column::kSubjects},
    {"subject", Column::kSubjects},
    {"классы", Column::kClasses},
    {"класс", Column::kClasses},
    {"classes", Column::kClasses},
    {"class", Column::kClasses},
    {"группа", Column::kSubgroup},
    {"подгруппа", Column::kSubgroup},
    {"subgroup", Column::kSubgroup},
    {"group", Column::kSubgroup},
    {"классный руководитель", Column::kClassTeacher},
    {"классное руководство", Column::kClassTeacher},
    {"кл руководитель", Column::kClassTeacher},
    {"class teacher", Column::kClassTeacher},
    {"homeroom", Column::kClassTeacher},
    {"form tutor", Column::kClassTeacher},
};

const char* column_title(Column c) {
  switch (c) {
    case Column::kLastName:
      return "Фамилия";
    case Column::kFirstName:
      return "Имя";
    case Column::kMiddleName:
      return "Отчество";
    case Column::kFullName:
      return "ФИО";
    case Column::kBirthDate:
      return "Дата рождения";
    case Column::kClass:
      return "Класс";
    case Column::kFrom:
      return "Дата зачисления";
    case Column::kOrder:
      return "Приказ";
    case Column::kSubjects:
      return "Предметы";
    case Column::kClasses:
      return "Классы";
    case Column::kSubgroup:
      return "Группа";
    case Column::kClassTeacher:
      return "Классный руководитель";
  }
  return "?";
}

// Folded, with ASCII punctuation as spaces: «Дата рождения*» -> "дата рождения".
std::string header_key(const std::string& text) {
  std::string s = fold(text);
  for (char& c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x80 && !((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) c = ' ';
  }
  return tidy(s);
}

std::optional<Column> lookup(const std::string& key, ListKind list) {
  for (const Alias& a : kNameAliases) {
    if (key == a.name) return a.column;
  }
  if (list == ListKind::kStudents) {
    for (const Alias& a : kStudentAliases) {
      if (key == a.name) return a.column;
    }
  } else {
    for (const Alias& a : kTeacherAliases) {
      if (key == a.name) return a.column;
    }
  }
  return std::nullopt;
}

}  // namespace

std::expected<Header, std::string> find_header(const CsvTable& table, ListKind list) {
  const size_t scan = std::min<size_t>(table.records.size(), 10);
  for (size_t r = 0; r < scan; ++r) {
    const CsvRecord& rec = table.records[r];
    Header h;
    h.record = r;
    h.line = rec.line;
    std::vector<std::string> unknown;
    for (size_t i = 0; i < rec.fields.size(); ++i) {
      const std::string title = tidy(rec.fields[i]);
      if (title.empty()) continue;
      auto column = lookup(header_key(title), list);
      if (!column) {
        unknown.push_back(title);
        continue;
      }
      if (h.index.count(*column)) {
        return std::unexpected("строка " + std::to_string(rec.line) + ": столбец «" +
                               column_title(*column) + "» указан дважды");
      }
      h.index[*column] = i;
    }
    if (h.index.size() < 2) continue;
    h.ignored = std::move(unknown);
    const bool split = h.index.count(Column::kLastName) && h.index.count(Column::kFirstName);
    if (!split && !h.index.count(Column::kFullName)) {
      return std::unexpected("нет столбцов «Фамилия» и «Имя» (или «ФИО»)");
    }
    if (split && h.index.count(Column::kFullName)) {
      return std::unexpected("указаны и «ФИО», и «Фамилия»/«Имя»: оставьте что-то одно");
    }
    if (list == ListKind::kStudents) {
      for (Column c : {Column::kBirthDate, Column::kClass}) {
        if (!h.index.count(c)) {
          return std::unexpected(std::string("нет столбца «") + column_title(c) + "»");
        }
      }
    }
    return h;
  }
  return std::unexpected(
      list == ListKind::kStudents
          ? "не найдена строка заголовка: нужны столбцы «Фамилия;Имя;Отчество;Дата "
            "рождения;Класс;Дата зачисления;Приказ»"
          : "не найдена строка заголовка: нужны столбцы «Фамилия;Имя;Отчество;Предметы;Классы»");
}

std::string cell(const CsvRecord& record, const Header& header, Column column) {
  auto it = header.index.find(column);
  if (it == header.index.end() || it->second >= record.fields.size()) return {};
  return tidy(record.fields[it->second]);
}

bool blank_row(const CsvRecord& record, const Header& header) {
  for (const auto& [column, index] : header.index) {
    if (index < record.fields.size() && !tidy(record.fields[index]).empty()) return false;
  }
  return true;
}

std::string PersonName::full() const {
  std::string out = last;
  for (const std::string* part : {&first, &middle}) {
    if (part->empty()) continue;
    if (!out.empty()) out += ' ';
    out += *part;
  }
  return out;
}

PersonName read_name(const CsvRecord& record, const Header& header,
                     std::vector<std::string>& errors) {
  PersonName n;
  if (header.index.count(Column::kFullName)) {
    const std::string full = cell(record, header, Column::kFullName);
    const size_t a = full.find(' ');
    const size_t b = a == std::string::npos ? a : full.find(' ', a + 1);
    n.last = full.substr(0, a);
    if (a != std::string::npos) {
      n.first = full.substr(a + 1, b == std::string::npos ? b : b - a - 1);
    }
    if (b != std::string::npos) n.middle = full.substr(b + 1);
    if (n.last.empty()) {
      errors.push_back("Не указаны фамилия, имя, отчество");
    } else if (n.first.empty()) {
      errors.push_back("В ФИО нужны хотя бы фамилия и имя");
    }
    return n;
  }
  n.last = cell(record, header, Column::kLastName);
  n.first = cell(record, header, Column::kFirstName);
  n.middle = cell(record, header, Column::kMiddleName);
  if (n.last.empty()) errors.push_back("Не указана фамилия");
  if (n.first.empty()) errors.push_back("Не указано имя");
  return n;
}

}  // namespace zhurnal::import::internal
