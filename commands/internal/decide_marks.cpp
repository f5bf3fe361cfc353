// Marks, attendance and period/year marks: the regulation's core rules.
#include <algorithm>
#include <set>

#include "deciders.hpp"
#include "lesson_rules.hpp"

namespace zhurnal::commands::internal {
namespace {

bool same_value(const MarkState& m, schema::MarkValue::Reader v) {
  if (v.isNumeric()) return m.kind == schema::MarkValue::NUMERIC && m.numeric == v.getNumeric();
  return m.kind == schema::MarkValue::NON_NUMERIC && m.non_numeric == v.getNonNumeric();
}

bool valid_code(schema::AttendanceCode c) {
  return static_cast<int>(c) <= static_cast<int>(schema::AttendanceCode::LATE);
}

// Checks shared by every entry into a lesson: it exists, it is the actor's,
// it is open and it has begun.
std::expected<LessonRef, Rejection> lesson_for_entry(const Decision& d, capnp::Text::Reader id) {
  auto ref = find_lesson(d, text(id));
  if (!ref) return ref;
  for (Verdict v : {require_lesson_teacher(d, *ref), require_open(d, *ref),
                    require_started(d, *ref)}) {
    if (v) return std::unexpected(*v);
  }
  return ref;
}

// One mark of a lesson, checked and emitted.
Verdict post_one(Decision& d, const LessonRef& ref, capnp::Text::Reader mark_id,
                 capnp::Text::Reader student_id, schema::MarkValue::Reader value,
                 const WorkType& work_type, capnp::Text::Reader work_type_id,
                 capnp::Text::Reader comment) {
  if (!present(mark_id)) return reject(ErrorCode::kInvalidCommand, "Не указан идентификатор отметки");
  if (d.state.mark(text(mark_id))) return already_exists("Отметка", text(mark_id));
  if (Verdict v = require_enrolled(d, ref, text(student_id))) return v;
  if (Verdict v = check_mark_value(value)) return v;
  auto e = d.out.add(lesson_stream(ref.lesson->id)).initMarkPosted();
  e.setMarkId(mark_id);
  e.setLessonId(ref.lesson->id);
  e.setStudentId(student_id);
  copy_mark_value(value, e.initValue());
  e.setWorkTypeId(work_type_id);
  e.setWeight(work_type.weight);
  e.setComment(comment);
  set_timeliness(d, ref, e.initTimeliness());
  return std::nullopt;
}

std::expected<WorkType, Rejection> find_work_type(const LessonRef& ref, capnp::Text::Reader id) {
  auto it = ref.school->work_types.find(text(id));
  if (it == ref.school->work_types.end()) return std::unexpected(not_found("Вид работы", text(id)));
  if (it->second.retired) {
    return std::unexpected(reject(ErrorCode::kRetired,
                                  "Вид работы «" + it->second.name + "» выведен из употребления"));
  }
  return it->second;
}

// A mark that may be corrected or cancelled by this actor.
std::expected<std::pair<const MarkState*, LessonRef>, Rejection> mark_for_change(
    const Decision& d, capnp::Text::Reader mark_id, capnp::Text::Reader reason) {
  const MarkState* m = d.state.mark(text(mark_id));
  if (!m) return std::unexpected(not_found("Отметка", text(mark_id)));
  if (m->cancelled) return std::unexpected(reject(ErrorCode::kAlreadyCancelled, "Отметка уже отменена"));
  if (!present(reason)) return std::unexpected(reason_required());
  auto ref = find_lesson(d, m->lesson_id);
  if (!ref) return std::unexpected(ref.error());
  const bool own = m->posted_by == d.actor_id;
  if (!own && !staff_of(d, ref->school->id, {schema::Role::ADMINISTRATOR})) {
    return std::unexpected(reject(ErrorCode::kNotOwnEntry,
                                  "Исправить отметку другого учителя может только администратор"));
  }
  if (Verdict v = require_open(d, *ref)) return std::unexpected(*v);
  return std::make_pair(m, *ref);
}

// The weighted average of a student's numeric marks in a subject over a date
// range, in hundredths (0 when there are none).
uint16_t weighted_average(const JournalState& s, const ClassGroup& cls,
                          const std::string& student_id, const std::string& subject_id,
                          Date from, Date to) {
  uint64_t sum = 0, weights = 0;
  for (const std::string& lesson_id : cls.lessons) {
    const Lesson* l = s.lesson(lesson_id);
    if (!l || l->cancelled || l->subject_id != subject_id || l->date < from || l->date > to) {
      continue;
    }
    for (const std::string& mark_id : l->marks) {
      const MarkState* m = s.mark(mark_id);
      if (!m || m->cancelled || m->student_id != student_id ||
          m->kind != schema::MarkValue::NUMERIC) {
        continue;
      }
      sum += uint64_t{m->numeric} * m->weight * 100;
      weights += m->weight;
    }
  }
  return weights ? static_cast<uint16_t>((sum + weights / 2) / weights) : 0;
}

}  // namespace

Verdict post_mark(Decision& d, schema::PostMark::Reader c) {
  auto ref = lesson_for_entry(d, c.getLessonId());
  if (!ref) return ref.error();
  if (Verdict v = require_graded(*ref)) return v;
  auto work_type = find_work_type(*ref, c.getWorkTypeId());
  if (!work_type) return work_type.error();
  return post_one(d, *ref, c.getMarkId(), c.getStudentId(), c.getValue(), *work_type,
                  c.getWorkTypeId(), c.getComment());
}

Verdict post_marks(Decision& d, schema::PostMarks::Reader c) {
  auto ref = lesson_for_entry(d, c.getLessonId());
  if (!ref) return ref.error();
  if (Verdict v = require_graded(*ref)) return v;
  auto work_type = find_work_type(*ref, c.getWorkTypeId());
  if (!work_type) return work_type.error();
  if (c.getMarks().size() == 0) return reject(ErrorCode::kInvalidCommand, "Нет отметок");
  std::set<std::string> ids;
  for (auto m : c.getMarks()) {
    if (!ids.insert(text(m.getMarkId())).second) {
      return already_exists("Отметка", text(m.getMarkId()));
    }
    if (Verdict v = post_one(d, *ref, m.getMarkId(), m.getStudentId(), m.getValue(), *work_type,
                             c.getWorkTypeId(), m.getComment())) {
      return v;
    }
  }
  return std::nullopt;
}

Verdict correct_mark(Decision& d, schema::CorrectMark::Reader c) {
  auto found = mark_for_change(d, c.getMarkId(), c.getReason());
  if (!found) return found.error();
  auto [m, ref] = *found;
  if (Verdict v = check_mark_value(c.getValue())) return v;
  if (same_value(*m, c.getValue())) return invalid("Новая отметка совпадает с прежней");
  auto e = d.out.add(lesson_stream(ref.lesson->id)).initMarkCorrected();
  e.setMarkId(c.getMarkId());
  e.setLessonId(m->lesson_id);
  e.setStudentId(m->student_id);
  copy_mark_state(*m, e.initPrevious());
  copy_mark_value(c.getValue(), e.initValue());
  e.setReason(c.getReason());
  set_timeliness(d, ref, e.initTimeliness());
  return std::nullopt;
}

Verdict cancel_mark(Decision& d, schema::CancelMark::Reader c) {
  auto found = mark_for_change(d, c.getMarkId(), c.getReason());
  if (!found) return found.error();
  auto [m, ref] = *found;
  auto e = d.out.add(lesson_stream(ref.lesson->id)).initMarkCancelled();
  e.setMarkId(c.getMarkId());
  e.setLessonId(m->lesson_id);
  e.setStudentId(m->student_id);
  copy_mark_state(*m, e.initPrevious());
  e.setReason(c.getReason());
  return std::nullopt;
}

Verdict record_attendance(Decision& d, schema::RecordAttendance::Reader c) {
  auto ref = lesson_for_entry(d, c.getLessonId());
  if (!ref) return ref.error();
  if (!valid_code(c.getCode()) || c.getCode() == schema::AttendanceCode::PRESENT) {
    return invalid("Код посещаемости должен быть Н, Б, У или ОП");
  }
  const std::string student = text(c.getStudentId());
  if (Verdict v = require_enrolled(d, *ref, student)) return v;
  if (ref->lesson->attendance.count(student)) {
    return reject(ErrorCode::kAlreadyExists, "Посещаемость уже отмечена; используйте исправление");
  }
  auto e = d.out.add(lesson_stream(ref->lesson->id)).initAttendanceRecorded();
  e.setLessonId(c.getLessonId());
  e.setStudentId(c.getStudentId());
  e.setCode(c.getCode());
  set_timeliness(d, *ref, e.initTimeliness());
  return std::nullopt;
}

Verdict correct_attendance(Decision& d, schema::CorrectAttendance::Reader c) {
  auto ref = find_lesson(d, text(c.getLessonId()));
  if (!ref) return ref.error();
  const std::string student = text(c.getStudentId());
  auto it = ref->lesson->attendance.find(student);
  if (it == ref->lesson->attendance.end()) return not_found("Отметка посещаемости", student);
  if (!present(c.getReason())) return reason_required();
  // The lesson's teacher, the class teacher (excuses on documents) or the
  // administrator.
  const bool allowed = d.system || ref->lesson->teacher_id == d.actor_id ||
                       is_class_teacher(d, ref->cls->id) ||
                       staff_of(d, ref->school->id, {schema::Role::ADMINISTRATOR});
  if (!allowed) return reject(ErrorCode::kNotYourLesson, "Это урок другого учителя");
  if (Verdict v = require_open(d, *ref)) return v;
  if (!valid_code(c.getCode())) return invalid("Неизвестный код посещаемости");
  if (c.getCode() == it->second) return invalid("Код посещаемости не изменился");
  auto e = d.out.add(lesson_stream(ref->lesson->id)).initAttendanceCorrected();
  e.setLessonId(c.getLessonId());
  e.setStudentId(c.getStudentId());
  e.setPrevious(it->second);
  e.setCode(c.getCode());
  e.setReason(c.getReason());
  return std::nullopt;
}

Verdict set_final_mark(Decision& d, schema::SetFinalMark::Reader c) {
  const ClassGroup* cls = d.state.class_group(text(c.getClassId()));
  if (!cls) return not_found("Класс", text(c.getClassId()));
  const School* school = d.state.school(cls->school_id);
  if (!school) return not_found("Школа", cls->school_id);
  if (cls->grade == 1) {
    return reject(ErrorCode::kFirstGradeNoMarks, "В первом классе отметки не выставляются");
  }
  const std::string subject = text(c.getSubjectId()), student = text(c.getStudentId());
  // The range the mark covers: one period, or the whole year.
  auto year_it = school->years.find(cls->year_id);
  if (year_it == school->years.end()) return not_found("Учебный год", cls->year_id);
  const YearInfo& year = year_it->second;
  Date from = year.start, to = year.end;
  std::string period_id = text(c.getPeriodId());
  if (c.getKind() == schema::FinalMarkKind::PERIOD) {
    auto p = std::find_if(year.periods.begin(), year.periods.end(),
                          [&](const PeriodInfo& p) { return p.id == period_id; });
    if (p == year.periods.end()) return not_found("Учебный период", period_id);
    if (school->closed_periods.count(period_id)) {
      return reject(ErrorCode::kPeriodClosed, "Период «" + p->name + "» закрыт, изменения запрещены");
    }
    from = p->start;
    to = p->end;
  } else {
    period_id = year.id;
  }
  // The subject's teacher for this student: a whole-class assignment, or one
  // for the subgroup the student is in, covering part of the range.
  bool assigned = d.system;
  for (const std::string& id : cls->assignments) {
    const Assignment* a = d.state.assignment(id);
    if (!a || a->teacher_id != d.actor_id || a->subject_id != subject) continue;
    if (a->start > to || a->end < from) continue;
    if (!a->subgroup_id.empty()) {
      auto g = cls->subgroups.find(a->subgroup_id);
      if (g == cls->subgroups.end() || !g->second.count(student)) continue;
    }
    assigned = true;
  }
  if (!assigned) return reject(ErrorCode::kNotAssigned, "Вы не ведёте этот предмет в этом классе");
  const Student* s = d.state.student(student);
  if (!s) return not_found("Ученик", student);
  bool enrolled = false;
  for (const Enrolment& e : s->enrolments) {
    if (e.class_id == cls->id && e.from <= to && from < e.to) enrolled = true;
  }
  if (!enrolled) {
    return reject(ErrorCode::kStudentNotEnrolled, s->full_name + " не обучается в этом классе");
  }
  if (Verdict v = check_mark_value(c.getValue())) return v;
  if (d.state.final_mark_exists({student, subject, period_id, c.getKind()}) &&
      !present(c.getReason())) {
    return reason_required();
  }
  auto e = d.out.add(student_stream(student)).initFinalMarkSet();
  e.setStudentId(student);
  e.setClassId(cls->id);
  e.setSubjectId(subject);
  e.setKind(c.getKind());
  e.setPeriodId(period_id);
  copy_mark_value(c.getValue(), e.initValue());
  e.setSuggestedHundredths(weighted_average(d.state, *cls, student, subject, from, to));
  e.setReason(c.getReason());
  return std::nullopt;
}

}  // namespace zhurnal::commands::internal
