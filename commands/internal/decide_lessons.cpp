// Lessons: the timetable, holding a lesson, its topic and homework.
#include <algorithm>
#include <expected>
#include <initializer_list>
#include <map>
#include <tuple>
#include <utility>
#include <vector>

#include "decider_support.hpp"
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

// The most lessons one repeatWeek may add or cancelLessons cancel: a
// class's whole year at 36 lessons a week is about 1,300.
constexpr int kMaxRepeatedLessons = 2000;

// The class's lessons by slot (date, number): the subgroups holding it.
class Slots {
 public:
  bool taken(Date day, int number, const std::string& subgroup) const {
    auto it = slots_.find({day.days, number});
    if (it == slots_.end()) return false;
    // A whole-class lesson shares its slot with nothing.
    return std::ranges::any_of(it->second, [&](const std::string& s) {
      return s.empty() || subgroup.empty() || s == subgroup;
    });
  }
  void take(Date day, int number, const std::string& subgroup) {
    slots_[{day.days, number}].push_back(subgroup);
  }

 private:
  std::map<std::pair<int32_t, int>, std::vector<std::string>> slots_;
};

bool closed_on(const Decision& d, const School& school, Date day) {
  const PeriodInfo* p = d.state.period_of(school, day);
  return p && school.closed_periods.count(p->id);
}

// The class of a timetable command, its school, and whether the actor keeps
// the timetable (one of `keepers`: every lesson of the class) or is a
// teacher of the class (her own lessons only); anybody else is refused.
struct TimetableClass {
  const ClassGroup* cls;
  const School* school;
  bool keeper;
};
std::expected<TimetableClass, Rejection> timetable_class(
    const Decision& d, capnp::Text::Reader class_id, std::initializer_list<schema::Role> keepers) {
  const ClassGroup* cls = d.state.class_group(text(class_id));
  if (!cls) return std::unexpected(not_found("Класс", text(class_id)));
  const School* school = d.state.school(cls->school_id);
  if (!school) return std::unexpected(not_found("Школа", cls->school_id));
  const bool keeper = staff_of(d, school->id, keepers);
  if (!keeper && !d.state.teaches_class(d.actor_id, cls->id)) {
    return std::unexpected(not_authorized());
  }
  return TimetableClass{cls, school, keeper};
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
  if (Verdict v = support::check_not_retired(*school, text(c.getSubjectId()))) return v;
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

Verdict repeat_week(Decision& d, schema::RepeatWeek::Reader c) {
  // Keepers repeat the whole week; a teacher of the class only her lessons.
  auto found = timetable_class(
      d, c.getClassId(),
      {schema::Role::DEPUTY_DIRECTOR, schema::Role::ADMINISTRATOR, schema::Role::SECRETARY});
  if (!found) return found.error();
  const auto [cls, school, keeper] = *found;
  if (Verdict v = support::check_id(c.getLessonIdPrefix(), "уроков")) return v;
  const std::string prefix = text(c.getLessonIdPrefix());
  if (prefix.size() + 5 > support::kMaxIdBytes) {
    return reject(ErrorCode::kInvalidCommand, "Слишком длинный идентификатор уроков");
  }
  auto day = support::date_field(c.getDate(), "неделя");
  if (!day) return day.error();
  auto until = support::date_field(c.getUntil(), "по какое число");
  if (!until) return until.error();
  const Date monday = monday_of(*day);
  const Date sunday{monday.days + 6};
  if (*until <= sunday) return invalid("Дата окончания должна быть позже выбранной недели");
  const YearInfo* year = d.state.year_of(*school, *day);
  if (!year) return invalid("Неделя вне учебного года: " + text(c.getDate()));
  if (*until > year->end) {
    return invalid("Повторить можно только до конца учебного года (" + format_date_ru(year->end) +
                   ")");
  }

  std::vector<const Lesson*> week;
  Slots slots;
  for (const std::string& id : cls->lessons) {
    const Lesson* l = d.state.lesson(id);
    if (!l || l->cancelled) continue;
    if (l->date > sunday && l->date <= *until) slots.take(l->date, l->number, l->subgroup_id);
    if (l->date < monday || l->date > sunday) continue;
    if (keeper || l->teacher_id == d.actor_id) week.push_back(l);
  }
  if (week.empty()) {
    return invalid(keeper ? "В эту неделю у класса нет уроков"
                          : "В эту неделю у вас нет уроков в этом классе");
  }
  std::ranges::sort(week, {}, [](const Lesson* l) {
    return std::tie(l->date, l->number, l->subgroup_id, l->id);
  });

  int added = 0;
  for (Date target_monday{monday.days + 7}; target_monday <= *until; target_monday.days += 7) {
    for (const Lesson* l : week) {
      const Date target{l->date.days + (target_monday.days - monday.days)};
      if (target > *until || on_holiday(*year, target)) continue;
      if (l->number > static_cast<int>(school->bells.size())) continue;
      if (closed_on(d, *school, target)) continue;
      if (school->retired_subjects.count(l->subject_id)) continue;
      // Past the end of an assignment (or a one-off substitute): not repeated.
      if (!d.state.teaches(l->teacher_id, cls->id, l->subgroup_id, l->subject_id, target)) continue;
      if (slots.taken(target, l->number, l->subgroup_id)) continue;
      if (++added > kMaxRepeatedLessons) {
        return invalid("Слишком много уроков за один раз: выберите срок короче");
      }
      const std::string id = prefix + "-" + std::to_string(added);
      if (d.state.lesson(id)) return already_exists("Урок", id);
      slots.take(target, l->number, l->subgroup_id);
      auto e = d.out.add(lesson_stream(id)).initLessonScheduled();
      e.setLessonId(id);
      e.setClassId(cls->id);
      e.setSubgroupId(l->subgroup_id);
      e.setSubjectId(l->subject_id);
      e.setTeacherId(l->teacher_id);
      e.setDate(format_date(target));
      e.setNumber(static_cast<uint8_t>(l->number));
    }
  }
  if (added == 0) {
    return invalid(
        "Добавлять нечего: в эти недели места уроков уже заняты, каникулы или период закрыт");
  }
  return std::nullopt;
}

Verdict cancel_lessons(Decision& d, schema::CancelLessons::Reader c) {
  // As cancelLesson: the deputy and the administrator, or the teacher.
  auto found = timetable_class(d, c.getClassId(),
                               {schema::Role::DEPUTY_DIRECTOR, schema::Role::ADMINISTRATOR});
  if (!found) return found.error();
  const auto [cls, school, keeper] = *found;
  auto from = support::date_field(c.getFrom(), "с какого числа");
  if (!from) return from.error();
  auto until = support::date_field(c.getUntil(), "по какое число");
  if (!until) return until.error();
  if (*until < *from) return invalid("Дата окончания раньше даты начала");
  if (!present(c.getReason())) return reason_required();
  if (Verdict v = support::check_length(c.getReason(), support::kMaxTextBytes)) return v;

  std::vector<const Lesson*> gone;
  for (const std::string& id : cls->lessons) {
    const Lesson* l = d.state.lesson(id);
    if (!l || l->cancelled || l->date < *from || l->date > *until) continue;
    if (!keeper && l->teacher_id != d.actor_id) continue;
    // A lesson that took place (held, or with marks or attendance) stays, and
    // so does one in a closed period.
    if (l->held || has_active_marks(d, *l) || !l->attendance.empty()) continue;
    if (closed_on(d, *school, l->date)) continue;
    gone.push_back(l);
  }
  if (gone.empty()) {
    return invalid(keeper
                       ? "Отменять нечего: в эти дни у класса нет уроков без записей"
                       : "Отменять нечего: в эти дни у вас нет уроков без записей в этом классе");
  }
  if (gone.size() > static_cast<size_t>(kMaxRepeatedLessons)) {
    return invalid("Слишком много уроков за один раз: выберите срок короче");
  }
  std::ranges::sort(gone, {}, [](const Lesson* l) { return std::tie(l->date, l->number, l->id); });
  for (const Lesson* l : gone) {
    auto e = d.out.add(lesson_stream(l->id)).initLessonCancelled();
    e.setLessonId(l->id);
    e.setReason(c.getReason());
  }
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
