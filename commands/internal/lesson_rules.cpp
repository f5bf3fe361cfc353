#include "lesson_rules.hpp"

namespace zhurnal::commands::internal {

inline constexpr int kDeadlineMinutes = 17 * 60;

std::expected<LessonRef, Rejection> find_lesson(const Decision& d, const std::string& lesson_id) {
  const Lesson* lesson = d.state.lesson(lesson_id);
  if (!lesson) return std::unexpected(not_found("Урок", lesson_id));
  const ClassGroup* cls = d.state.class_group(lesson->class_id);
  const School* school = cls ? d.state.school(cls->school_id) : nullptr;
  if (!cls || !school || !school->zone) return std::unexpected(not_found("Класс урока", lesson_id));
  return LessonRef{lesson, cls, school};
}

Verdict require_lesson_teacher(const Decision& d, const LessonRef& ref) {
  if (d.system || ref.lesson->teacher_id == d.actor_id) return std::nullopt;
  return reject(ErrorCode::kNotYourLesson, "Это урок другого учителя");
}

Verdict require_open(const Decision& d, const LessonRef& ref) {
  if (ref.lesson->cancelled) return reject(ErrorCode::kLessonCancelled, "Урок отменён");
  const PeriodInfo* p = d.state.period_of(*ref.school, ref.lesson->date);
  if (p && ref.school->closed_periods.count(p->id)) {
    return reject(ErrorCode::kPeriodClosed, "Период «" + p->name + "» закрыт, изменения запрещены");
  }
  return std::nullopt;
}

Verdict require_started(const Decision& d, const LessonRef& ref) {
  if (d.now_us < lesson_start_us(ref)) {
    return reject(ErrorCode::kLessonNotStarted, "Урок ещё не начался");
  }
  return std::nullopt;
}

Verdict require_enrolled(const Decision& d, const LessonRef& ref, const std::string& student_id) {
  const Student* s = d.state.student(student_id);
  if (!s) return not_found("Ученик", student_id);
  const bool in_class = d.state.class_on(*s, ref.lesson->date) == ref.lesson->class_id;
  bool in_group = true;
  if (in_class && !ref.lesson->subgroup_id.empty()) {
    auto g = ref.cls->subgroups.find(ref.lesson->subgroup_id);
    in_group = g != ref.cls->subgroups.end() && g->second.count(student_id) > 0;
  }
  if (in_class && in_group) return std::nullopt;
  return reject(ErrorCode::kStudentNotEnrolled,
                s->full_name + " не обучается в этом классе (группе) на дату урока");
}

Verdict require_graded(const LessonRef& ref) {
  if (ref.cls->grade == 1) {
    return reject(ErrorCode::kFirstGradeNoMarks, "В первом классе отметки не выставляются");
  }
  return std::nullopt;
}

int64_t lesson_start_us(const LessonRef& ref) {
  const auto& bells = ref.school->bells;
  const size_t i = static_cast<size_t>(std::max(1, ref.lesson->number)) - 1;
  const int minutes = i < bells.size() ? bells[i] : (bells.empty() ? 8 * 60 : bells.back());
  return local_to_utc_us(ref.school->zone, ref.lesson->date, minutes);
}

int64_t entry_deadline_us(const LessonRef& ref) {
  return local_to_utc_us(ref.school->zone, ref.lesson->date, kDeadlineMinutes);
}

void set_timeliness(const Decision& d, const LessonRef& ref, schema::Timeliness::Builder t) {
  const int64_t late_by = d.now_us - entry_deadline_us(ref);
  if (late_by > 0) {
    t.setLate(true);
    t.setDelaySeconds(static_cast<uint32_t>(std::min<int64_t>(late_by / 1'000'000, UINT32_MAX)));
  }
}

Verdict check_mark_value(schema::MarkValue::Reader v) {
  if (v.isNumeric() && (v.getNumeric() < 1 || v.getNumeric() > 5)) {
    return invalid("Отметка должна быть от 1 до 5");
  }
  if (v.isNonNumeric() && static_cast<int>(v.getNonNumeric()) > static_cast<int>(schema::NonNumericMark::EXEMPT)) {
    return invalid("Неизвестный вид отметки");
  }
  return std::nullopt;
}

void copy_mark_value(schema::MarkValue::Reader from, schema::MarkValue::Builder to) {
  if (from.isNumeric()) to.setNumeric(from.getNumeric());
  else to.setNonNumeric(from.getNonNumeric());
}

void copy_mark_state(const MarkState& from, schema::MarkValue::Builder to) {
  if (from.kind == schema::MarkValue::NUMERIC) to.setNumeric(from.numeric);
  else to.setNonNumeric(from.non_numeric);
}

}  // namespace zhurnal::commands::internal
