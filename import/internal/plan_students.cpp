// The students' list: each row is a person (full name + birth date) in a
// class. A new person is enrolled, a known one in another class transferred,
// one already in that class left alone. Duplicated people are errors.
#include <capnp/message.h>

#include <set>

#include "ids.hpp"
#include "planner.hpp"
#include "schema/commands.capnp.h"

namespace zhurnal::import::internal {
namespace {

// The journal's limits (commands/internal/decide_classes.cpp).
constexpr int kMinAgeDays = 5 * 365;
constexpr int kMaxAgeDays = 25 * 365;
constexpr size_t kMaxNameBytes = 200;

// The first day in the row's class: its «Дата зачисления», or the start of
// the academic year when the file gives an earlier one (the date the student
// came to the school, years ago). `note` explains the substitution.
std::expected<Day, std::string> first_day(const StudentRow& s, const ViewYear& year, bool transfer,
                                          std::string& note) {
  if (!s.from) {
    return std::unexpected(transfer ? "Не указана дата зачисления: для перевода укажите первый "
                                      "день в новом классе"
                                    : "Не указана дата зачисления");
  }
  if (*s.from > year.end) {
    return std::unexpected("Дата зачисления " + russian_day(*s.from) +
                           " позже конца учебного года " + year.name);
  }
  if (*s.from >= year.start) return *s.from;
  note = transfer ? " (в файле " + russian_day(*s.from) + " — раньше начала учебного года)"
                  : " (в школе с " + russian_day(*s.from) + ")";
  return year.start;
}

std::string with_order(const std::string& order) { return ", приказ " + order; }

}  // namespace

void Planner::plan_students(const CsvTable& table, const std::string& file_name) {
  auto header = find_header(table, ListKind::kStudents);
  if (!header) {
    report_.file_errors.push_back("Ученики (" + file_name + "): " + header.error());
    return;
  }
  std::vector<std::pair<size_t, StudentRow>> parsed;
  std::map<std::string, std::vector<size_t>> people;  // key -> report rows
  for (size_t r = header->record + 1; r < table.records.size(); ++r) {
    const CsvRecord& rec = table.records[r];
    if (blank_row(rec, *header)) continue;
    RowReport row;
    row.list = ListKind::kStudents;
    row.line = rec.line;
    StudentRow s;
    s.name = read_name(rec, *header, row.errors);
    const std::string birth = cell(rec, *header, Column::kBirthDate);
    const std::optional<Day> birth_day = parse_day(birth);
    if (birth.empty()) {
      row.errors.push_back("Не указана дата рождения");
    } else if (!birth_day) {
      row.errors.push_back("Дата рождения «" + birth + "» не распознана: нужна ДД.ММ.ГГГГ");
    }
    s.birth = birth_day.value_or(Day{});
    s.class_text = cell(rec, *header, Column::kClass);
    if (s.class_text.empty()) row.errors.push_back("Не указан класс");
    const std::string from = cell(rec, *header, Column::kFrom);
    s.from = parse_day(from);
    if (!from.empty() && !s.from) {
      row.errors.push_back("Дата зачисления «" + from + "» не распознана: нужна ДД.ММ.ГГГГ");
    }
    s.order = cell(rec, *header, Column::kOrder);
    if (s.name.full().size() > kMaxNameBytes) row.errors.push_back("Слишком длинные ФИО");
    if (s.order.size() > kMaxNameBytes) row.errors.push_back("Слишком длинный текст приказа");
    row.who = s.name.full();
    if (birth_day) row.who += ", " + russian_day(*birth_day);
    if (!s.class_text.empty()) row.who += ", " + s.class_text;
    if (row.errors.empty()) {
      s.key = fold(s.name.full()) + "|" + iso_day(s.birth);
      people[s.key].push_back(report_.rows.size());
    }
    parsed.emplace_back(report_.rows.size(), std::move(s));
    report_.rows.push_back(std::move(row));
  }
  for (const auto& [key, rows] : people) {
    if (rows.size() > 1) flag_duplicates(rows, "Ученик");
  }
  for (const auto& [index, s] : parsed) {
    RowReport& row = report_.rows[index];
    if (row.errors.empty()) {
      if (auto error = plan_student(s, row)) row.errors.push_back(std::move(*error));
    }
    if (!row.errors.empty()) row.action = RowAction::kError;
  }
  std::vector<std::string> ignored = header->ignored;
  note_file(table, file_name, "Ученики", parsed.size(), ignored);

  // The file is usually the whole school: say who it leaves out.
  size_t absent = 0;
  for (const auto& [key, students] : students_by_key_) {
    if (people.count(key)) continue;
    for (const ViewStudent* v : students) absent += v->departed ? 0 : 1;
  }
  if (absent > 0) {
    report_.notes.push_back(
        "В журнале есть обучающиеся, которых нет в файле: " + std::to_string(absent) +
        "; импорт их не меняет (выбытие оформляется в журнале)");
  }
}

std::optional<std::string> Planner::plan_student(const StudentRow& s, RowReport& row) {
  auto cls = resolve_class(s.class_text);
  if (!cls) return cls.error();
  const std::string name_key = fold(s.name.full());
  static const std::vector<const ViewStudent*> kNobody;
  auto found = students_by_key_.find(s.key);
  const auto& same = found == students_by_key_.end() ? kNobody : found->second;
  if (same.size() > 1) {
    std::string ids;
    for (const ViewStudent* v : same) ids += (ids.empty() ? "" : ", ") + v->id;
    return "В журнале несколько учеников с такими ФИО и датой рождения: " + ids;
  }
  const ViewStudent* known = same.empty() ? nullptr : same.front();
  std::string note;

  if (known && !known->departed && !known->enrolments.empty()) {
    const ViewEnrolment& now = known->enrolments.back();
    if (now.class_id == cls->id) {
      row.action = RowAction::kUnchanged;
      row.changes.push_back("уже в классе " + cls->name);
      return std::nullopt;
    }
    auto day = first_day(s, *year_, true, note);
    if (!day) return day.error();
    if (*day < now.from) {
      return "Дата перевода " + russian_day(*day) + " раньше зачисления в " +
             class_label(now.class_id) + " (" + russian_day(now.from) + ")";
    }
    if (s.order.empty()) return "Не указан приказ о переводе";
    capnp::MallocMessageBuilder message;
    auto c = message.initRoot<schema::Command>().initTransferStudent();
    c.setStudentId(known->id);
    c.setFromClassId(now.class_id);
    c.setToClassId(cls->id);
    c.setDate(iso_day(*day));
    c.setOrder(s.order);
    std::string what = "перевести из " + class_label(now.class_id) + " в " + cls->name + " с " +
                       russian_day(*day) + note + with_order(s.order);
    add(Phase::kStudents, row.line, what, message);
    row.action = RowAction::kTransfer;
    row.changes.push_back(std::move(what));
    return std::nullopt;
  }

  // A new student, or one who left and comes back under the same record.
  auto day = first_day(s, *year_, false, note);
  if (!day) return day.error();
  if (known && !known->enrolments.empty() && *day < known->enrolments.back().to) {
    return "Дата зачисления " + russian_day(*day) + " раньше даты выбытия " +
           russian_day(known->enrolments.back().to);
  }
  const int age_days = day->days - s.birth.days;
  if (age_days < kMinAgeDays || age_days > kMaxAgeDays) {
    return "Дата рождения " + russian_day(s.birth) +
           " неправдоподобна: на дату зачисления ученику меньше 5 или "
           "больше 25 лет";
  }
  if (s.order.empty()) return "Не указан приказ о зачислении";
  const std::string id =
      known ? known->id : student_id(view_.school_id(), name_key, iso_day(s.birth));
  if (!known && (view_.students().count(id) || view_.users().count(id))) {
    return "Идентификатор " + id + " уже занят";
  }
  capnp::MallocMessageBuilder message;
  auto c = message.initRoot<schema::Command>().initEnrollStudent();
  c.setStudentId(id);
  c.setSchoolId(view_.school_id());
  c.setClassId(cls->id);
  c.setFullName(s.name.full());
  c.setBirthDate(iso_day(s.birth));
  c.setFrom(iso_day(*day));
  c.setOrder(s.order);
  std::string what = std::string(known ? "снова зачислить (выбыл(а) " +
                                             russian_day(known->enrolments.back().to) + ") в "
                                       : "зачислить в ") +
                     cls->name + " с " + russian_day(*day) + note + with_order(s.order);
  add(Phase::kStudents, row.line, what, message);
  row.action = RowAction::kAdd;
  row.changes.push_back(std::move(what));
  return std::nullopt;
}

}  // namespace zhurnal::import::internal
