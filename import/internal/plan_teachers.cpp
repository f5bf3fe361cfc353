// The teachers' list: each row is a teacher (by full name) with subjects and
// classes, taught as every subject in every class of the row (a teacher with
// different subjects in different classes takes several rows), optionally in
// one subgroup, and the classes she leads as class teacher. A new teacher is
// registered; teaching loads and class-teacher duties the journal lacks are
// added from the effective date (or the start of the year).
#include <capnp/message.h>

#include "ids.hpp"
#include "planner.hpp"
#include "schema/commands.capnp.h"

namespace zhurnal::import::internal {
namespace {

constexpr size_t kMaxNameBytes = 200;

// «да» in the class-teacher column: she leads the one class of the row.
bool is_yes(const std::string& text) {
  const std::string t = fold(text);
  return t == "да" || t == "+" || t == "yes" || t == "x" || t == "х" || t == "1";
}

std::string known_subjects(const SchoolView& view) {
  std::string out;
  for (const auto& [id, name] : view.subjects()) {
    if (!view.subject_retired(id)) out += (out.empty() ? "" : ", ") + name;
  }
  return out.empty() ? "справочник пуст" : "есть: " + out;
}

// A subgroup of an existing class by id or name.
const std::string* find_subgroup(const ViewClass& c, const std::string& text) {
  if (auto it = c.subgroups.find(text); it != c.subgroups.end()) return &it->first;
  for (const auto& [id, name] : c.subgroups) {
    if (fold(name) == fold(text)) return &id;
  }
  return nullptr;
}

}  // namespace

void Planner::plan_teachers(const CsvTable& table, const std::string& file_name) {
  auto header = find_header(table, ListKind::kTeachers);
  if (!header) {
    report_.file_errors.push_back("Учителя (" + file_name + "): " + header.error());
    return;
  }
  size_t rows = 0;
  for (size_t r = header->record + 1; r < table.records.size(); ++r) {
    const CsvRecord& rec = table.records[r];
    if (blank_row(rec, *header)) continue;
    ++rows;
    RowReport row;
    row.list = ListKind::kTeachers;
    row.line = rec.line;
    TeacherRow t;
    t.line = rec.line;
    t.name = read_name(rec, *header, row.errors);
    t.key = fold(t.name.full());
    t.subjects = split_list(cell(rec, *header, Column::kSubjects));
    t.classes = split_list(cell(rec, *header, Column::kClasses));
    t.subgroup = cell(rec, *header, Column::kSubgroup);
    const std::string led = cell(rec, *header, Column::kClassTeacher);
    if (is_yes(led)) {
      if (t.classes.size() == 1) {
        t.led = t.classes;
      } else {
        row.errors.push_back("«Классный руководитель: да» — укажите, какого класса");
      }
    } else {
      t.led = split_list(led);
    }
    if (!t.subjects.empty() && t.classes.empty()) {
      row.errors.push_back("Указаны предметы, но не указаны классы");
    }
    if (t.subjects.empty() && !t.classes.empty()) {
      row.errors.push_back("Указаны классы, но не указаны предметы");
    }
    if (!t.subgroup.empty() && t.subjects.empty()) {
      row.errors.push_back("Группа указана без предметов и классов");
    }
    if (t.name.full().size() > kMaxNameBytes) row.errors.push_back("Слишком длинные ФИО");
    row.who = t.name.full();
    const size_t index = report_.rows.size();
    report_.rows.push_back(std::move(row));
    if (report_.rows[index].errors.empty()) plan_teacher(t, index);
    if (!report_.rows[index].errors.empty()) report_.rows[index].action = RowAction::kError;
  }
  note_file(table, file_name, "Учителя", rows, header->ignored);
}

void Planner::plan_teacher(const TeacherRow& t, size_t row_index) {
  const size_t before = planned();
  const Teacher* teacher = find_or_register(t, row_index);
  if (!teacher) return;
  plan_teaching(t, *teacher, row_index);
  plan_class_teacher(t, *teacher, row_index);
  RowReport& row = report_.rows[row_index];
  if (!teacher->known && teacher->registered_by == row_index) {
    row.action = RowAction::kAdd;
  } else {
    row.action = planned() > before ? RowAction::kChange : RowAction::kUnchanged;
  }
}

const Planner::Teacher* Planner::find_or_register(const TeacherRow& t, size_t row_index) {
  RowReport& row = report_.rows[row_index];
  if (auto it = teachers_.find(t.key); it != teachers_.end()) return &it->second;
  static const std::vector<const ViewUser*> kNobody;
  auto found = users_by_name_.find(t.key);
  const auto& same = found == users_by_name_.end() ? kNobody : found->second;
  if (same.size() > 1) {
    std::string ids;
    for (const ViewUser* u : same) ids += (ids.empty() ? "" : ", ") + u->id;
    row.errors.push_back("В журнале несколько пользователей с такими ФИО: " + ids);
    return nullptr;
  }
  Teacher teacher;
  if (same.size() == 1) {
    if (!(same.front()->roles & kRoleTeacher)) {
      row.errors.push_back("Пользователь " + same.front()->id +
                           " с такими ФИО есть в журнале, но без роли учителя: роль добавляет "
                           "администратор");
      return nullptr;
    }
    teacher.id = same.front()->id;
    teacher.known = true;
  } else {
    teacher.id = teacher_id(view_.school_id(), t.key);
    if (view_.users().count(teacher.id) || view_.students().count(teacher.id)) {
      row.errors.push_back("Идентификатор " + teacher.id + " уже занят");
      return nullptr;
    }
    teacher.registered_by = row_index;
    capnp::MallocMessageBuilder message;
    auto c = message.initRoot<schema::Command>().initRegisterUser();
    c.setUserId(teacher.id);
    c.setSchoolId(view_.school_id());
    c.setFullName(t.name.full());
    c.initRoles(1).set(0, schema::Role::TEACHER);
    add(Phase::kTeachers, t.line, "зарегистрировать учителем", message);
    row.changes.push_back("зарегистрировать учителем");
  }
  return &teachers_.emplace(t.key, teacher).first->second;
}

void Planner::plan_teaching(const TeacherRow& t, const Teacher& teacher, size_t row_index) {
  RowReport& row = report_.rows[row_index];
  std::vector<std::pair<std::string, std::string>> subjects;  // id, name
  for (const std::string& s : t.subjects) {
    if (const std::string* id = view_.subject_id_by_name(s)) {
      if (view_.subject_retired(*id)) {
        row.errors.push_back("Предмет «" + view_.subjects().at(*id) +
                             "» выведен из употребления (" + known_subjects(view_) + ")");
        continue;
      }
      subjects.emplace_back(*id, view_.subjects().at(*id));
    } else {
      row.errors.push_back("Предмета «" + s + "» нет в справочнике школы (" +
                           known_subjects(view_) + ")");
    }
  }
  std::vector<std::pair<ClassRef, std::string>> classes;  // class, subgroup id
  for (const std::string& text : t.classes) {
    auto cls = resolve_class(text);
    if (!cls) {
      row.errors.push_back(cls.error());
      continue;
    }
    std::string subgroup;
    if (!t.subgroup.empty()) {
      const std::string* id = cls->existing ? find_subgroup(*cls->existing, t.subgroup) : nullptr;
      if (!id) {
        row.errors.push_back("В классе " + cls->name + " нет группы «" + t.subgroup + "»");
        continue;
      }
      subgroup = *id;
    }
    classes.emplace_back(*cls, subgroup);
  }
  if (!row.errors.empty() || subjects.empty()) return;
  const Day start = std::max(today_, year_->start);
  if (start > year_->end) {
    row.errors.push_back("Учебный год " + year_->name + " уже закончился");
    return;
  }
  for (const auto& [cls, subgroup] : classes) {
    const std::string where = cls.name + (subgroup.empty() ? "" : " (группа «" + t.subgroup + "»)");
    for (const auto& [subject_id, subject_name] : subjects) {
      const std::string load = t.key + "|" + subject_id + "|" + cls.id + "|" + subgroup;
      if (auto [it, fresh] = loads_.emplace(load, row_index); !fresh) {
        flag_duplicates({it->second, row_index},
                        "Нагрузка «" + subject_name + "» в " + where + " у " + t.name.full());
        continue;
      }
      bool assigned = false;
      for (const auto& [id, a] : view_.assignments()) {
        assigned =
            assigned || (a.teacher_id == teacher.id && a.class_id == cls.id &&
                         a.subject_id == subject_id && a.subgroup_id == subgroup && a.end >= start);
      }
      if (assigned) {
        row.changes.push_back("уже ведёт «" + subject_name + "» в " + where);
        continue;
      }
      const std::string id = assignment_id(view_.school_id(), teacher.id, cls.id, subgroup,
                                           subject_id, iso_day(start));
      capnp::MallocMessageBuilder message;
      auto c = message.initRoot<schema::Command>().initAssignTeaching();
      c.setAssignmentId(id);
      c.setClassId(cls.id);
      c.setSubgroupId(subgroup);
      c.setSubjectId(subject_id);
      c.setTeacherId(teacher.id);
      c.setStart(iso_day(start));
      c.setEnd("");
      std::string what = "«" + subject_name + "» в " + where + " с " + russian_day(start);
      add(Phase::kTeaching, t.line, what, message);
      row.changes.push_back(std::move(what));
    }
  }
}

void Planner::plan_class_teacher(const TeacherRow& t, const Teacher& teacher, size_t row_index) {
  RowReport& row = report_.rows[row_index];
  for (const std::string& text : t.led) {
    auto cls = resolve_class(text);
    if (!cls) {
      row.errors.push_back(cls.error());
      continue;
    }
    if (auto [it, fresh] = led_classes_.emplace(cls->id, row_index); !fresh) {
      flag_duplicates({it->second, row_index}, "Классный руководитель " + cls->name);
      continue;
    }
    const std::string current = cls->existing ? cls->existing->class_teacher_id : "";
    if (current == teacher.id) {
      row.changes.push_back("уже классный руководитель " + cls->name);
      continue;
    }
    capnp::MallocMessageBuilder message;
    auto c = message.initRoot<schema::Command>().initAssignClassTeacher();
    c.setClassId(cls->id);
    c.setTeacherId(teacher.id);
    std::string what = "классный руководитель " + cls->name;
    if (!current.empty()) {
      auto u = view_.users().find(current);
      what += " (вместо " + (u == view_.users().end() ? current : u->second.full_name) + ")";
    }
    add(Phase::kClassTeachers, t.line, what, message);
    row.changes.push_back(std::move(what));
  }
}

}  // namespace zhurnal::import::internal
