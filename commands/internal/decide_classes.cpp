// Classes and students: opening classes and subgroups, class teachers and
// teaching assignments, enrolment, transfer and departure, and what teachers
// write to a class, a student or the parents. Class events go on the class's
// stream, student events on the student's.
#include <expected>
#include <optional>
#include <set>

#include "decider_support.hpp"
#include "deciders.hpp"
#include "lesson_rules.hpp"

namespace zhurnal::commands::internal {
namespace {

using schema::Role;

using support::check_id;
using support::check_not_retired;
using support::check_text;
using support::date_field;
using support::find_student;
using support::kMaxNameBytes;
using support::kMaxTextBytes;

constexpr size_t kMaxLetterBytes = 16;
constexpr int kMinGrade = 1;
constexpr int kMaxGrade = 11;
constexpr int kMinAgeDays = 5 * 365;   // youngest plausible first-grader
constexpr int kMaxAgeDays = 25 * 365;  // oldest plausible student (evening classes)

// Another class of the year with the same grade and letter. Not caught
// until JournalState can list a school's classes (support::classes_of_school).
bool class_name_taken(const JournalState& state, const std::string& school_id,
                      const std::string& year_id, int grade, const std::string& letter) {
  auto classes = support::classes_of_school(state, school_id);
  if (!classes) return false;
  for (const ClassGroup* c : *classes) {
    if (c && c->year_id == year_id && c->grade == grade && c->letter == letter) return true;
  }
  return false;
}

// A class with its school and academic year.
struct ClassRef {
  const ClassGroup* cls;
  const School* school;
  const YearInfo* year;
};

std::expected<ClassRef, Rejection> find_class(const Decision& d, capnp::Text::Reader id) {
  if (Verdict v = check_id(id, "класса")) return std::unexpected(*v);
  const ClassGroup* cls = d.state.class_group(text(id));
  if (!cls) return std::unexpected(not_found("Класс", text(id)));
  const School* school = d.state.school(cls->school_id);
  if (!school) return std::unexpected(not_found("Школа", cls->school_id));
  auto y = school->years.find(cls->year_id);
  if (y == school->years.end()) return std::unexpected(not_found("Учебный год", cls->year_id));
  return ClassRef{cls, school, &y->second};
}

// Lists of classes and students are kept by the secretary and the administrator.
bool secretariat(const Decision& d, const std::string& school_id) {
  return staff_of(d, school_id, {Role::SECRETARY, Role::ADMINISTRATOR});
}

// Teaching loads: the secretary, the administrator or the deputy director.
bool keeps_loads(const Decision& d, const std::string& school_id) {
  return staff_of(d, school_id, {Role::SECRETARY, Role::ADMINISTRATOR, Role::DEPUTY_DIRECTOR});
}

// A teacher who is the class teacher of the class or teaches in it.
bool works_with_class(const Decision& d, const ClassGroup& cls) {
  return d.system || is_class_teacher(d, cls.id) ||
         (has_role(d, Role::TEACHER) && d.state.teaches_class(d.actor_id, cls.id));
}

// Messages to a class or to parents: its teachers and the school's leadership.
bool may_message(const Decision& d, const ClassGroup& cls) {
  return works_with_class(d, cls) ||
         staff_of(d, cls.school_id, {Role::DIRECTOR, Role::DEPUTY_DIRECTOR, Role::ADMINISTRATOR});
}

// The student's class today (support::class_as_of), or kStudentNotEnrolled.
std::expected<const ClassGroup*, Rejection> current_class(const Decision& d, const Student& s) {
  const ClassGroup* cls = d.state.class_group(support::class_today(d, s));
  if (cls) return cls;
  return std::unexpected(
      reject(ErrorCode::kStudentNotEnrolled, s.full_name + " сейчас не обучается в школе"));
}

// A user with the teacher role in the school, or kNotFound.
std::expected<const User*, Rejection> find_teacher(const Decision& d, capnp::Text::Reader id,
                                                   const School& school) {
  if (Verdict v = check_id(id, "учителя")) return std::unexpected(*v);
  const User* t = d.state.user(text(id));
  if (!t || !(t->roles & role_bit(Role::TEACHER)) || t->school_id != school.id) {
    return std::unexpected(not_found("Учитель", text(id)));
  }
  return t;
}

bool inside(const YearInfo& y, Date day) { return y.start <= day && day <= y.end; }

// The student is in `class_id` on `day` by her latest, open enrolment: only
// then can she be transferred or leave from that date.
Verdict require_current_enrolment(const Student& s, const std::string& class_id, Date day,
                                  const JournalState& state) {
  if (state.class_on(s, day) != class_id) {
    const ClassGroup* c = state.class_group(class_id);
    const std::string name = c ? std::to_string(c->grade) + c->letter : class_id;
    return reject(ErrorCode::kStudentNotEnrolled,
                  s.full_name + " не обучается в классе " + name + " на " + format_date_ru(day));
  }
  const Enrolment& last = s.enrolments.back();
  if (last.class_id != class_id || last.from > day || last.to != kEndOfTime) {
    return invalid("После этой даты у ученика уже есть перевод или выбытие");
  }
  return std::nullopt;
}

}  // namespace

Verdict open_class(Decision& d, schema::ClassOpened::Reader c) {
  if (Verdict v = check_id(c.getClassId(), "класса")) return v;
  if (Verdict v = check_id(c.getSchoolId(), "школы")) return v;
  const School* school = d.state.school(text(c.getSchoolId()));
  if (!school) return not_found("Школа", text(c.getSchoolId()));
  if (!secretariat(d, school->id)) return not_authorized();
  const std::string id = text(c.getClassId());
  if (d.state.class_group(id)) return already_exists("Класс", id);
  if (Verdict v = check_id(c.getYearId(), "учебного года")) return v;
  if (!school->years.count(text(c.getYearId()))) {
    return not_found("Учебный год", text(c.getYearId()));
  }
  if (c.getGrade() < kMinGrade || c.getGrade() > kMaxGrade) {
    return invalid("Параллель класса должна быть от 1 до 11");
  }
  if (Verdict v = check_text(c.getLetter(), kMaxLetterBytes, "Не указана буква класса")) return v;
  const std::string year_id = text(c.getYearId()), letter = text(c.getLetter());
  if (class_name_taken(d.state, school->id, year_id, c.getGrade(), letter)) {
    return already_exists("Класс", std::to_string(c.getGrade()) + letter);
  }
  auto e = d.out.add(class_stream(id)).initClassOpened();
  e.setClassId(id);
  e.setSchoolId(school->id);
  e.setYearId(year_id);
  e.setGrade(c.getGrade());
  e.setLetter(letter);
  return std::nullopt;
}

Verdict define_subgroup(Decision& d, schema::SubgroupDefined::Reader c) {
  auto ref = find_class(d, c.getClassId());
  if (!ref) return ref.error();
  if (!secretariat(d, ref->school->id)) return not_authorized();
  if (Verdict v = check_id(c.getSubgroupId(), "группы")) return v;
  if (Verdict v = check_text(c.getName(), kMaxNameBytes, "Не указано название группы")) return v;
  const auto students = c.getStudentIds();
  if (students.size() == 0) return reject(ErrorCode::kInvalidCommand, "Не указан состав группы");
  std::set<std::string> seen;
  for (auto sid : students) {
    if (Verdict v = check_id(sid, "ученика")) return v;
    if (!seen.insert(text(sid)).second) {
      return invalid("Ученик указан в группе дважды: " + text(sid));
    }
    const Student* s = d.state.student(text(sid));
    if (!s) return not_found("Ученик", text(sid));
    bool in_class = false;
    for (const Enrolment& e : s->enrolments) in_class = in_class || e.class_id == ref->cls->id;
    if (!in_class) {
      return reject(ErrorCode::kStudentNotEnrolled,
                    s->full_name + " не обучается в классе " + ref->cls->id);
    }
  }
  // Defining an existing subgroup again replaces its members.
  auto e = d.out.add(class_stream(ref->cls->id)).initSubgroupDefined();
  e.setClassId(ref->cls->id);
  e.setSubgroupId(c.getSubgroupId());
  e.setName(c.getName());
  e.setStudentIds(students);
  return std::nullopt;
}

Verdict assign_class_teacher(Decision& d, schema::ClassTeacherAssigned::Reader c) {
  auto ref = find_class(d, c.getClassId());
  if (!ref) return ref.error();
  if (!secretariat(d, ref->school->id)) return not_authorized();
  auto teacher = find_teacher(d, c.getTeacherId(), *ref->school);
  if (!teacher) return teacher.error();
  if (ref->cls->class_teacher_id == (*teacher)->id) {
    return reject(ErrorCode::kAlreadyDone, (*teacher)->full_name + " уже классный руководитель");
  }
  auto e = d.out.add(class_stream(ref->cls->id)).initClassTeacherAssigned();
  e.setClassId(ref->cls->id);
  e.setTeacherId((*teacher)->id);
  return std::nullopt;
}

Verdict assign_teaching(Decision& d, schema::TeachingAssigned::Reader c) {
  if (Verdict v = check_id(c.getAssignmentId(), "назначения")) return v;
  auto ref = find_class(d, c.getClassId());
  if (!ref) return ref.error();
  if (!keeps_loads(d, ref->school->id)) return not_authorized();
  const std::string id = text(c.getAssignmentId());
  if (d.state.assignment(id)) return already_exists("Назначение", id);
  if (Verdict v = check_id(c.getSubjectId(), "предмета")) return v;
  const std::string subject = text(c.getSubjectId()), subgroup = text(c.getSubgroupId());
  if (!ref->school->subjects.count(subject)) return not_found("Предмет", subject);
  if (Verdict v = check_not_retired(*ref->school, subject)) return v;
  if (!subgroup.empty()) {
    if (Verdict v = check_id(c.getSubgroupId(), "группы")) return v;
    if (!ref->cls->subgroups.count(subgroup)) return not_found("Группа", subgroup);
  }
  auto teacher = find_teacher(d, c.getTeacherId(), *ref->school);
  if (!teacher) return teacher.error();
  auto start = date_field(c.getStart(), "начало преподавания");
  if (!start) return start.error();
  Date end = kEndOfTime;
  if (c.getEnd().size() > 0) {
    auto e = date_field(c.getEnd(), "конец преподавания");
    if (!e) return e.error();
    end = *e;
  }
  if (*start > end) return invalid("Начало преподавания позже его конца");
  if (!inside(*ref->year, *start) || (end != kEndOfTime && !inside(*ref->year, end))) {
    return invalid("Назначение выходит за границы учебного года класса");
  }
  for (const std::string& other_id : ref->cls->assignments) {
    const Assignment* a = d.state.assignment(other_id);
    if (a && a->teacher_id == (*teacher)->id && a->subject_id == subject &&
        a->subgroup_id == subgroup && a->start <= end && *start <= a->end) {
      return reject(ErrorCode::kAlreadyExists,
                    "Учитель уже ведёт этот предмет в этом классе (группе) в эти даты: " + a->id);
    }
  }
  auto e = d.out.add(class_stream(ref->cls->id)).initTeachingAssigned();
  e.setAssignmentId(id);
  e.setClassId(ref->cls->id);
  e.setSubgroupId(subgroup);
  e.setSubjectId(subject);
  e.setTeacherId((*teacher)->id);
  e.setStart(format_date(*start));
  e.setEnd(end == kEndOfTime ? std::string() : format_date(end));
  return std::nullopt;
}

Verdict end_teaching(Decision& d, schema::TeachingEnded::Reader c) {
  if (Verdict v = check_id(c.getAssignmentId(), "назначения")) return v;
  const Assignment* a = d.state.assignment(text(c.getAssignmentId()));
  if (!a) return not_found("Назначение", text(c.getAssignmentId()));
  auto ref = find_class(d, c.getClassId());
  if (!ref) return ref.error();
  if (ref->cls->id != a->class_id) {
    return not_found("Назначение в классе " + ref->cls->id, a->id);
  }
  if (!keeps_loads(d, ref->school->id)) return not_authorized();
  auto end = date_field(c.getEnd(), "последний день преподавания");
  if (!end) return end.error();
  if (*end < a->start) return invalid("Конец преподавания раньше его начала");
  if (*end == a->end) return reject(ErrorCode::kAlreadyDone, "Назначение уже завершено этой датой");
  if (*end > a->end) return invalid("Назначение заканчивается раньше: продлить его нельзя");
  if (*end > ref->year->end) return invalid("Дата вне учебного года класса");
  auto e = d.out.add(class_stream(ref->cls->id)).initTeachingEnded();
  e.setAssignmentId(a->id);
  e.setClassId(ref->cls->id);
  e.setEnd(format_date(*end));
  return std::nullopt;
}

Verdict message_class(Decision& d, schema::ClassMessageSent::Reader c) {
  if (Verdict v = check_id(c.getMessageId(), "сообщения")) return v;
  auto ref = find_class(d, c.getClassId());
  if (!ref) return ref.error();
  if (!may_message(d, *ref->cls)) return not_authorized();
  if (d.state.message_exists(text(c.getMessageId()))) {
    return already_exists("Сообщение", text(c.getMessageId()));
  }
  if (Verdict v = check_text(c.getText(), kMaxTextBytes, "Не указан текст сообщения")) return v;
  auto e = d.out.add(class_stream(ref->cls->id)).initClassMessageSent();
  e.setMessageId(c.getMessageId());
  e.setClassId(ref->cls->id);
  e.setText(c.getText());
  return std::nullopt;
}

Verdict enroll_student(Decision& d, schema::StudentEnrolled::Reader c) {
  if (Verdict v = check_id(c.getStudentId(), "ученика")) return v;
  if (Verdict v = check_id(c.getSchoolId(), "школы")) return v;
  const School* school = d.state.school(text(c.getSchoolId()));
  if (!school) return not_found("Школа", text(c.getSchoolId()));
  if (!secretariat(d, school->id)) return not_authorized();
  auto ref = find_class(d, c.getClassId());
  if (!ref) return ref.error();
  if (ref->school != school) return invalid("Класс " + ref->cls->id + " относится к другой школе");
  const std::string id = text(c.getStudentId());
  if (d.state.user(id)) return already_exists("Пользователь", id);
  const Student* earlier = d.state.student(id);
  // A student who has left may come back under the same record.
  if (earlier && !earlier->departed) return already_exists("Ученик", id);
  if (Verdict v = check_text(c.getFullName(), kMaxNameBytes, "Не указаны фамилия, имя, отчество")) {
    return v;
  }
  auto birth = date_field(c.getBirthDate(), "дата рождения");
  if (!birth) return birth.error();
  auto from = date_field(c.getFrom(), "дата зачисления");
  if (!from) return from.error();
  if (!inside(*ref->year, *from)) return invalid("Дата зачисления вне учебного года класса");
  if (earlier && !earlier->enrolments.empty() && *from < earlier->enrolments.back().to) {
    return invalid("Дата зачисления раньше даты выбытия");
  }
  const int age_days = from->days - birth->days;
  if (age_days < kMinAgeDays || age_days > kMaxAgeDays) {
    return invalid("Дата рождения неправдоподобна для ученика: " + format_date_ru(*birth));
  }
  if (Verdict v = check_text(c.getOrder(), kMaxNameBytes, "Не указан приказ о зачислении")) {
    return v;
  }
  auto e = d.out.add(student_stream(id)).initStudentEnrolled();
  e.setStudentId(id);
  e.setSchoolId(school->id);
  e.setClassId(ref->cls->id);
  e.setFullName(c.getFullName());
  e.setBirthDate(format_date(*birth));
  e.setFrom(format_date(*from));
  e.setOrder(c.getOrder());
  return std::nullopt;
}

Verdict transfer_student(Decision& d, schema::StudentTransferred::Reader c) {
  auto found = find_student(d, c.getStudentId());
  if (!found) return found.error();
  const Student* s = *found;
  if (!secretariat(d, s->school_id)) return not_authorized();
  if (Verdict v = check_id(c.getFromClassId(), "класса, из которого переводят")) return v;
  auto to = find_class(d, c.getToClassId());
  if (!to) return to.error();
  if (to->school->id != s->school_id) {
    return invalid("Перевести можно только в класс той же школы");
  }
  if (to->cls->id == text(c.getFromClassId())) return invalid("Нельзя перевести в тот же класс");
  auto day = date_field(c.getDate(), "дата перевода");
  if (!day) return day.error();
  if (!inside(*to->year, *day)) return invalid("Дата перевода вне учебного года класса");
  if (Verdict v = require_current_enrolment(*s, text(c.getFromClassId()), *day, d.state)) return v;
  if (Verdict v = check_text(c.getOrder(), kMaxNameBytes, "Не указан приказ о переводе")) return v;
  auto e = d.out.add(student_stream(s->id)).initStudentTransferred();
  e.setStudentId(s->id);
  e.setFromClassId(c.getFromClassId());
  e.setToClassId(to->cls->id);
  e.setDate(format_date(*day));
  e.setOrder(c.getOrder());
  return std::nullopt;
}

Verdict depart_student(Decision& d, schema::StudentDeparted::Reader c) {
  auto found = find_student(d, c.getStudentId());
  if (!found) return found.error();
  const Student* s = *found;
  if (!secretariat(d, s->school_id)) return not_authorized();
  if (s->departed) return reject(ErrorCode::kAlreadyDone, s->full_name + " уже выбыл(а)");
  if (Verdict v = check_id(c.getClassId(), "класса")) return v;
  auto day = date_field(c.getDate(), "дата выбытия");
  if (!day) return day.error();
  if (Verdict v = require_current_enrolment(*s, text(c.getClassId()), *day, d.state)) return v;
  if (Verdict v =
          check_text(c.getDestination(), kMaxNameBytes, "Не указано, куда выбывает ученик")) {
    return v;
  }
  if (Verdict v = check_text(c.getOrder(), kMaxNameBytes, "Не указан приказ о выбытии")) return v;
  auto e = d.out.add(student_stream(s->id)).initStudentDeparted();
  e.setStudentId(s->id);
  e.setClassId(c.getClassId());
  e.setDate(format_date(*day));
  e.setDestination(c.getDestination());
  e.setOrder(c.getOrder());
  return std::nullopt;
}

Verdict comment_student(Decision& d, schema::StudentCommented::Reader c) {
  if (Verdict v = check_id(c.getCommentId(), "комментария")) return v;
  auto s = find_student(d, c.getStudentId());
  if (!s) return s.error();
  // The class the comment is about: the lesson's, or the student's today.
  std::optional<LessonRef> lesson;
  const ClassGroup* cls = nullptr;
  if (c.getLessonId().size() > 0) {
    if (Verdict v = check_id(c.getLessonId(), "урока")) return v;
    auto ref = find_lesson(d, text(c.getLessonId()));
    if (!ref) return ref.error();
    lesson = *ref;
    cls = ref->cls;
    if (d.state.class_on(**s, ref->lesson->date) != cls->id) {
      return reject(ErrorCode::kStudentNotEnrolled,
                    (*s)->full_name + " не обучается в классе урока");
    }
  } else {
    auto current = current_class(d, **s);
    if (!current) return current.error();
    cls = *current;
  }
  if (!works_with_class(d, *cls)) return not_authorized();
  // On a lesson: its own teacher or the class teacher, once it has begun.
  if (lesson) {
    if (!is_class_teacher(d, cls->id)) {
      if (Verdict v = require_lesson_teacher(d, *lesson)) return v;
    }
    if (lesson->lesson->cancelled) return reject(ErrorCode::kLessonCancelled, "Урок отменён");
    if (Verdict v = require_started(d, *lesson)) return v;
  }
  if (d.state.comment_exists(text(c.getCommentId()))) {
    return already_exists("Комментарий", text(c.getCommentId()));
  }
  if (Verdict v = check_text(c.getText(), kMaxTextBytes, "Не указан текст комментария")) return v;
  auto e = d.out.add(student_stream((*s)->id)).initStudentCommented();
  e.setCommentId(c.getCommentId());
  e.setStudentId((*s)->id);
  e.setLessonId(lesson ? lesson->lesson->id : std::string());
  e.setText(c.getText());
  return std::nullopt;
}

Verdict message_parents(Decision& d, schema::StudentMessageSent::Reader c) {
  if (Verdict v = check_id(c.getMessageId(), "сообщения")) return v;
  auto s = find_student(d, c.getStudentId());
  if (!s) return s.error();
  auto cls = current_class(d, **s);
  if (!cls) return cls.error();
  if (!may_message(d, **cls)) return not_authorized();
  if (d.state.message_exists(text(c.getMessageId()))) {
    return already_exists("Сообщение", text(c.getMessageId()));
  }
  if ((*s)->guardians.empty()) {
    return reject(ErrorCode::kNotFound, "К ученику не привязан ни один родитель");
  }
  if (Verdict v = check_text(c.getText(), kMaxTextBytes, "Не указан текст сообщения")) return v;
  auto e = d.out.add(student_stream((*s)->id)).initStudentMessageSent();
  e.setMessageId(c.getMessageId());
  e.setStudentId((*s)->id);
  e.setText(c.getText());
  return std::nullopt;
}

}  // namespace zhurnal::commands::internal
