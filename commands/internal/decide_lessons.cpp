// Lessons: the timetable, holding a lesson, its topic and homework.
#include "deciders.hpp"
#include "lesson_rules.hpp"

namespace zhurnal::commands::internal {
namespace {

bool on_holiday(const YearInfo& y, Date day) {
  for (const Holiday& h : y.holidays) {
    if (h.start <= day && day <= h.end) return true;
  }
  return false;
}

// A valid date and lesson number for a class's school: inside an academic
// year, not a holiday, within the bell schedule.
Verdict check_slot(const Decision& d, const School& school, capnp::Text::Reader date_text,
                   uint8_t number, Date* out) {
  auto day = parse_date(text(date_text));
  if (!day) return invalid("Некорректная дата: " + text(date_text));
  const YearInfo* year = d.state.year_of(school, *day);
  if (!year) return invalid("Дата вне учебного года: " + text(date_text));
  if (on_holiday(*year, *day)) return invalid("Это каникулы или праздничный день");
  if (number < 1 || number > school.bells.size()) {
    return invalid("Номер урока вне расписания звонков");
  }
  *out = *day;
  return std::nullopt;
}

// Timetable keepers (deputy, administrator, secretary) or the lesson's teacher.
bool may_manage(const Decision& d, const LessonRef& ref) {
  return d.system || ref.lesson->teacher_id == d.actor_id ||
         staff_of(d, ref.school->id,
                  {schema::Role::DEPUTY_DIRECTOR, schema::Role::ADMINISTRATOR});
}

bool has_active_marks(const Decision& d, const Lesson& l) {
  for (const std::string& id : l.marks) {
    const MarkState* m = d.state.mark(id);
    if (m && !m->cancelled) return true;
  }
  return false;
}

}  // namespace

Verdict schedule_lesson(Decision& d, schema::LessonScheduled::Reader c) {
  const std::string id = text(c.getLessonId());
  if (!present(c.getLessonId())) return reject(ErrorCode::kInvalidCommand, "Не указан идентификатор урока");
  if (d.state.lesson(id)) return already_exists("Урок", id);
  const ClassGroup* cls = d.state.class_group(text(c.getClassId()));
  if (!cls) return not_found("Класс", text(c.getClassId()));
  const School* school = d.state.school(cls->school_id);
  if (!school) return not_found("Школа", cls->school_id);
  if (!school->subjects.count(text(c.getSubjectId()))) {
    return not_found("Предмет", text(c.getSubjectId()));
  }
  const std::string subgroup = text(c.getSubgroupId());
  if (!subgroup.empty() && !cls->subgroups.count(subgroup)) return not_found("Группа", subgroup);
  const User* teacher = d.state.user(text(c.getTeacherId()));
  if (!teacher || !(teacher->roles & role_bit(schema::Role::TEACHER)) ||
      teacher->school_id != school->id) {
    return not_found("Учитель", text(c.getTeacherId()));
  }
  Date day;
  if (Verdict v = check_slot(d, *school, c.getDate(), c.getNumber(), &day)) return v;

  // The timetable is kept by the deputy (or administrator, secretary), who
  // may also put in a substitute; a teacher schedules only her own lessons
  // within her assignments.
  const bool keeper = staff_of(d, school->id, {schema::Role::DEPUTY_DIRECTOR,
                                               schema::Role::ADMINISTRATOR,
                                               schema::Role::SECRETARY});
  if (!keeper) {
    if (d.actor_id != teacher->id) return not_authorized();
    if (!d.state.teaches(d.actor_id, cls->id, subgroup, text(c.getSubjectId()), day)) {
      return reject(ErrorCode::kNotAssigned, "Вы не ведёте этот предмет в этом классе (группе)");
    }
  }
  auto e = d.out.add(lesson_stream(id)).initLessonScheduled();
  e.setLessonId(id);
  e.setClassId(cls->id);
  e.setSubgroupId(subgroup);
  e.setSubjectId(c.getSubjectId());
  e.setTeacherId(teacher->id);
  e.setDate(format_date(day));
  e.setNumber(c.getNumber());
  return std::nullopt;
}

Verdict hold_lesson(Decision& d, schema::LessonHeld::Reader c) {
  auto ref = find_lesson(d, text(c.getLessonId()));
  if (!ref) return ref.error();
  for (Verdict v : {require_lesson_teacher(d, *ref), require_open(d, *ref),
                    require_started(d, *ref)}) {
    if (v) return v;
  }
  if (ref->lesson->held) return reject(ErrorCode::kAlreadyDone, "Урок уже отмечен проведённым");
  auto e = d.out.add(lesson_stream(ref->lesson->id)).initLessonHeld();
  e.setLessonId(c.getLessonId());
  e.setTopic(c.getTopic());
  return std::nullopt;
}

Verdict change_topic(Decision& d, schema::LessonTopicChanged::Reader c) {
  auto ref = find_lesson(d, text(c.getLessonId()));
  if (!ref) return ref.error();
  if (Verdict v = require_lesson_teacher(d, *ref)) return v;
  if (Verdict v = require_open(d, *ref)) return v;
  if (!present(c.getTopic())) return reject(ErrorCode::kInvalidCommand, "Укажите тему урока");
  auto e = d.out.add(lesson_stream(ref->lesson->id)).initLessonTopicChanged();
  e.setLessonId(c.getLessonId());
  e.setTopic(c.getTopic());
  return std::nullopt;
}

Verdict move_lesson(Decision& d, schema::LessonMoved::Reader c) {
  auto ref = find_lesson(d, text(c.getLessonId()));
  if (!ref) return ref.error();
  if (!may_manage(d, *ref)) return not_authorized();
  if (Verdict v = require_open(d, *ref)) return v;
  if (!present(c.getReason())) return reason_required();
  if (ref->lesson->held || has_active_marks(d, *ref->lesson) || !ref->lesson->attendance.empty()) {
    return invalid("Проведённый урок с записями перенести нельзя");
  }
  Date day;
  if (Verdict v = check_slot(d, *ref->school, c.getDate(), c.getNumber(), &day)) return v;
  if (day == ref->lesson->date && c.getNumber() == ref->lesson->number) {
    return invalid("Урок уже стоит в этом месте расписания");
  }
  // The new date must not fall into a closed period either.
  const PeriodInfo* p = d.state.period_of(*ref->school, day);
  if (p && ref->school->closed_periods.count(p->id)) {
    return reject(ErrorCode::kPeriodClosed, "Период «" + p->name + "» закрыт, изменения запрещены");
  }
  auto e = d.out.add(lesson_stream(ref->lesson->id)).initLessonMoved();
  e.setLessonId(c.getLessonId());
  e.setDate(format_date(day));
  e.setNumber(c.getNumber());
  e.setReason(c.getReason());
  return std::nullopt;
}

Verdict cancel_lesson(Decision& d, schema::LessonCancelled::Reader c) {
  auto ref = find_lesson(d, text(c.getLessonId()));
  if (!ref) return ref.error();
  if (!may_manage(d, *ref)) return not_authorized();
  if (Verdict v = require_open(d, *ref)) return v;
  if (!present(c.getReason())) return reason_required();
  if (has_active_marks(d, *ref->lesson)) {
    return invalid("На уроке есть отметки: сначала отмените их с указанием причины");
  }
  auto e = d.out.add(lesson_stream(ref->lesson->id)).initLessonCancelled();
  e.setLessonId(c.getLessonId());
  e.setReason(c.getReason());
  return std::nullopt;
}

Verdict assign_homework(Decision& d, schema::AssignHomework::Reader c) {
  auto ref = find_lesson(d, text(c.getLessonId()));
  if (!ref) return ref.error();
  if (Verdict v = require_lesson_teacher(d, *ref)) return v;
  if (Verdict v = require_open(d, *ref)) return v;
  if (!present(c.getText())) return reject(ErrorCode::kInvalidCommand, "Укажите текст задания");
  auto due = parse_date(text(c.getDueDate()));
  if (!due) return invalid("Некорректный срок выполнения: " + text(c.getDueDate()));
  if (*due < ref->lesson->date) return invalid("Срок выполнения раньше даты урока");
  auto e = d.out.add(lesson_stream(ref->lesson->id)).initHomeworkAssigned();
  e.setLessonId(c.getLessonId());
  e.setText(c.getText());
  e.setDueDate(format_date(*due));
  set_timeliness(d, *ref, e.initTimeliness());
  return std::nullopt;
}

}  // namespace zhurnal::commands::internal
