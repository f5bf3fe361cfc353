#include "internal/activity.hpp"

#include <algorithm>

#include "internal/json.hpp"
#include "internal/marks.hpp"
#include "internal/topics.hpp"

namespace zhurnal::demo::internal {
namespace {

constexpr int kDeadlineMinute = 17 * 60;
constexpr double kCancelShare = 0.0015;      // of lessons: cancelled that morning
constexpr double kAfterLessonsShare = 0.25;  // of on-time teacher-days
constexpr double kCorrectionShare = 0.012;   // of mark batches: one mark corrected or cancelled
constexpr double kHomeworkShare = 0.9;       // of lessons whose subject takes homework

const char* const kCancelReasons[] = {
    "Болезнь учителя, замена не найдена",
    "Участие класса в муниципальном этапе олимпиады",
    "Учитель на курсах повышения квалификации",
    "Экскурсия класса по плану воспитательной работы",
};
const char* const kCorrectReasons[] = {
    "Ошибка при вводе отметки",
    "Отметка исправлена после повторной проверки работы",
    "Описка: выставлена не та отметка",
};
const char* const kCancelMarkReasons[] = {
    "Отметка выставлена не тому ученику",
    "Ученик отсутствовал на уроке",
    "Отметка выставлена ошибочно",
};

int64_t minutes(int64_t n) { return n * kMinuteUs; }
int64_t seconds(int64_t n) { return n * kSecondUs; }

}  // namespace

std::string lesson_id(const ClassModel& c, Day day, int number, int group) {
  std::string id = c.id + "-" + format_day(day) + "-" + std::to_string(number);
  if (group) id += "-g" + std::to_string(group);
  return id;
}

Activity::Activity(const SchoolModel& school, const YearCalendar& year, const SchoolClock& clock,
                   double late_share, uint64_t seed)
    : school_(school),
      year_(year),
      clock_(clock),
      late_share_(late_share),
      rng_(stream_seed(seed, static_cast<uint64_t>(school.index), "activity")),
      attendance_(school, stream_seed(seed, static_cast<uint64_t>(school.index), "attendance")),
      lessons_done_(school.units.size(), 0),
      unit_weekdays_(school.units.size(), 0),
      teacher_days_(school.teachers.size()),
      unreported_(school.students.size()) {
  for (const ClassModel& c : school.classes) {
    for (int d = 0; d < 5; ++d) {
      for (const PeriodSlot& p : c.week[static_cast<size_t>(d)]) {
        for (int u : p.units) unit_weekdays_[static_cast<size_t>(u)] |= 1u << d;
      }
    }
  }
}

void Activity::schedule(Day from, Day to, int64_t at_us, Plan& plan) {
  const std::string& deputy = school_.deputy().id;
  int n = 0;
  for (Day day = from; day <= to; day = day.plus(1)) {
    if (!year_.is_school_day(day)) continue;
    for (const ClassModel& c : school_.classes) {
      for (const PeriodSlot& p : c.week[static_cast<size_t>(day.weekday())]) {
        for (int u : p.units) {
          const UnitModel& unit = school_.units[static_cast<size_t>(u)];
          const std::string id = lesson_id(c, day, p.number, unit.group);
          JsonObject o;
          o.str("lessonId", id).str("classId", c.id);
          o.str("subgroupId", unit.group ? "g" + std::to_string(unit.group) : "");
          o.str("subjectId", subject_info(unit.subject).id);
          o.str("teacherId", school_.teachers[static_cast<size_t>(unit.teacher)].id);
          o.str("date", format_day(day)).num("number", p.number);
          plan.add(at_us + seconds(n++) * 3 / 2, deputy, command_json("scheduleLesson", o),
                   Tally::kLesson);
          if (rng_.chance(kCancelShare)) {
            cancelled_.insert(id);
            JsonObject x;
            x.str("lessonId", id).str("reason", rng_.pick(kCancelReasons));
            plan.add(at(day, 7 * 60 + 40) + seconds(rng_.uniform(0, 900)), deputy,
                     command_json("cancelLesson", x), Tally::kLessonCancelled);
          }
        }
      }
    }
  }
}

void Activity::plan_teacher_days(Day day) {
  for (size_t t = 0; t < teacher_days_.size(); ++t) {
    TeacherDay& td = teacher_days_[t];
    td = TeacherDay{};
    const double p_late = std::min(1.0, late_share_ * school_.teachers[t].late_factor);
    td.written_us =
        at(day, rng_.uniform_int(14 * 60 + 45, 16 * 60 + 10)) + seconds(rng_.uniform(0, 59));
    if (rng_.chance(p_late)) {
      if (rng_.chance(0.65)) {
        td.mode = Mode::kEvening;
        td.base_us = at(day, rng_.uniform_int(17 * 60 + 5, 21 * 60 + 30));
      } else {
        td.mode = Mode::kNextMorning;
        td.base_us = at(day.plus(1), rng_.uniform_int(6 * 60 + 30, 7 * 60 + 30));
      }
    } else if (rng_.chance(kAfterLessonsShare)) {
      td.mode = Mode::kAfterLessons;
      td.base_us = td.written_us;
    }
    td.base_us += seconds(rng_.uniform(0, 59));
  }
}

void Activity::run_day(Day day, Plan& plan) {
  attendance_.start_day();
  excuse_returning_students(day, plan);
  plan_teacher_days(day);
  // Lesson by lesson through the day, so each teacher's entries keep her order.
  for (int number = 1; number <= static_cast<int>(bell_minutes().size()); ++number) {
    for (const ClassModel& c : school_.classes) {
      const auto& periods = c.week[static_cast<size_t>(day.weekday())];
      if (number > static_cast<int>(periods.size())) continue;
      for (int u : periods[static_cast<size_t>(number - 1)].units)
        run_lesson(day, c, number, u, plan);
    }
  }
}

void Activity::run_lesson(Day day, const ClassModel& c, int number, int unit_index, Plan& plan) {
  const UnitModel& unit = school_.units[static_cast<size_t>(unit_index)];
  const std::string id = lesson_id(c, day, number, unit.group);
  if (cancelled_.count(id)) return;
  const int k = lessons_done_[static_cast<size_t>(unit_index)]++;
  const std::string& actor = school_.teachers[static_cast<size_t>(unit.teacher)].id;
  TeacherDay& td = teacher_days_[static_cast<size_t>(unit.teacher)];
  const int64_t start = at(day, bell_minutes()[static_cast<size_t>(number - 1)]);
  const int64_t deadline = at(day, kDeadlineMinute);
  const bool in_lesson = td.mode == Mode::kInLesson;
  // Outside the lesson she fills in one lesson after another, about five minutes each.
  const int64_t base = in_lesson ? start : td.base_us + minutes(5) * td.lessons;
  ++td.lessons;

  const int work = c.grade >= 2 ? lesson_work(unit.subject, c.grade, unit.hours, k) : -1;
  const std::string topic = work >= 0 ? work_topic(unit.subject, c.grade, k, unit.hours, work)
                                      : lesson_topic(unit.subject, c.grade, k, unit.hours);
  JsonObject held;
  held.str("lessonId", id).str("topic", topic);
  plan.add(base + seconds(rng_.uniform(40, 150)), actor, command_json("holdLesson", held),
           Tally::kTopic);

  std::vector<int> present;
  int64_t t = base + (in_lesson ? seconds(rng_.uniform(120, 240)) : seconds(30));
  for (int s : c.students) {
    const StudentModel& st = school_.students[static_cast<size_t>(s)];
    if (unit.group && st.group != unit.group) continue;
    const Presence p = attendance_.at(s, number);
    if (p == Presence::kPresent || p == Presence::kLate) present.push_back(s);
    if (p == Presence::kPresent) continue;
    if (attendance_.unreported_illness(s)) unreported_[static_cast<size_t>(s)].push_back(id);
    JsonObject a;
    a.str("lessonId", id).str("studentId", st.id).str("code", presence_code(p));
    t += seconds(rng_.uniform(4, 12));
    plan.add(t, actor, command_json("recordAttendance", a), Tally::kAbsence, 1, t > deadline);
  }
  if (c.grade == 1) return;  // no marks, and no homework in the first grade

  post_marks(id, day, unit, c.grade, k, present, start, td, deadline, plan);

  const SubjectKind kind = subject_info(unit.subject).kind;
  if (kind == SubjectKind::kPe || !rng_.chance(kHomeworkShare)) return;
  const std::string text = homework_text(unit.subject, c.grade, k, rng_);
  if (text.empty()) return;
  JsonObject h;
  h.str("lessonId", id).str("text", text);
  h.str("dueDate", format_day(next_lesson_date(unit_index, day)));
  const int64_t when = in_lesson ? start + minutes(rng_.uniform(34, 39)) : base + minutes(4);
  plan.add(when, actor, command_json("assignHomework", h), Tally::kHomework, 1, when > deadline);
}

void Activity::post_marks(const std::string& lesson, Day lesson_day, const UnitModel& unit,
                          int grade, int k, const std::vector<int>& present,
                          int64_t lesson_start_us, TeacherDay& td, int64_t deadline_us,
                          Plan& plan) {
  const std::string& actor = school_.teachers[static_cast<size_t>(unit.teacher)].id;
  const bool in_lesson = td.mode == Mode::kInLesson;
  int mark_no = 0, batch_no = 0;
  for (const MarkBatch& b : plan_marks(school_, unit, grade, k, present, rng_)) {
    if (b.entries.empty()) continue;
    int64_t when;
    if (!in_lesson) {
      when = td.base_us + minutes(5) * (td.lessons - 1) + seconds(90 + 30 * batch_no);
    } else if (b.checked_after_lessons) {
      when = td.written_us + minutes(4) * td.written++;
    } else if (b.work_type == kHomeworkCheck) {
      when = lesson_start_us + minutes(rng_.uniform(6, 14));
    } else {
      when = lesson_start_us + minutes(rng_.uniform(16, 37)) + seconds(rng_.uniform(0, 59));
    }
    ++batch_no;
    std::string marks = "[";
    std::vector<std::pair<std::string, int>> ids;
    for (const MarkEntry& e : b.entries) {
      const std::string mark_id = lesson + "-m" + std::to_string(++mark_no);
      JsonObject m;
      m.str("markId", mark_id)
          .str("studentId", school_.students[static_cast<size_t>(e.student)].id);
      m.raw("value", e.value ? "{\"numeric\": " + std::to_string(e.value) + "}"
                             : std::string("{\"nonNumeric\": \"exempt\"}"));
      m.str("comment", e.comment);
      if (marks.size() > 1) marks += ", ";
      marks += m.done();
      ids.emplace_back(mark_id, e.value);
    }
    marks += "]";
    JsonObject o;
    o.str("lessonId", lesson).str("workTypeId", work_type_info(b.work_type).id).raw("marks", marks);
    plan.add(when, actor, command_json("postMarks", o), Tally::kMarks,
             static_cast<int>(b.entries.size()), when > deadline_us);
    if (rng_.chance(kCorrectionShare)) {
      const auto& [mark_id, value] =
          ids[static_cast<size_t>(rng_.uniform(0, static_cast<int64_t>(ids.size()) - 1))];
      if (value > 0) plan_correction(mark_id, value, unit, lesson_day, when, deadline_us, plan);
    }
  }
}

void Activity::plan_correction(const std::string& mark_id, int value, const UnitModel& unit,
                               Day lesson_day, int64_t posted_us, int64_t deadline_us, Plan& plan) {
  // Noticed at once, or a day or two later in the afternoon (after the
  // next-morning entries of late lessons).
  const int64_t when = rng_.chance(0.6) ? posted_us + minutes(rng_.uniform(3, 40))
                                        : at(lesson_day.plus(rng_.uniform_int(1, 2)),
                                             rng_.uniform_int(12 * 60, 16 * 60 + 30)) +
                                              seconds(rng_.uniform(0, 59));
  const std::string& teacher = school_.teachers[static_cast<size_t>(unit.teacher)].id;
  JsonObject o;
  o.str("markId", mark_id);
  if (rng_.chance(0.3)) {
    o.str("reason", rng_.pick(kCancelMarkReasons));
    plan.add(when, teacher, command_json("cancelMark", o), Tally::kCorrection, 1,
             when > deadline_us);
    return;
  }
  const int to = value == 2 ? 3 : value == 5 ? 4 : value + (rng_.chance(0.5) ? 1 : -1);
  o.raw("value", "{\"numeric\": " + std::to_string(to) + "}");
  // Now and then the teacher asks the administrator to fix it (служебная записка).
  const bool by_admin = rng_.chance(0.1);
  o.str("reason",
        by_admin ? "Исправлено по служебной записке учителя" : rng_.pick(kCorrectReasons));
  plan.add(when, by_admin ? school_.administrator().id : teacher, command_json("correctMark", o),
           Tally::kCorrection, 1, when > deadline_us);
}

void Activity::excuse_returning_students(Day day, Plan& plan) {
  int n = 0;
  for (int s : attendance_.back_from_unreported_illness()) {
    const StudentModel& st = school_.students[static_cast<size_t>(s)];
    const ClassModel& c = school_.classes[static_cast<size_t>(st.class_index)];
    const std::string& class_teacher = school_.teachers[static_cast<size_t>(c.class_teacher)].id;
    for (const std::string& lesson : unreported_[static_cast<size_t>(s)]) {
      JsonObject o;
      o.str("lessonId", lesson).str("studentId", st.id).str("code", "ill");
      o.str("reason", "Справка из детской поликлиники");
      plan.add(at(day, 8 * 60) + seconds(20 * n++), class_teacher,
               command_json("correctAttendance", o), Tally::kCorrection);
    }
    unreported_[static_cast<size_t>(s)].clear();
  }
}

Day Activity::next_lesson_date(int unit_index, Day after) const {
  const unsigned days = unit_weekdays_[static_cast<size_t>(unit_index)];
  for (Day d = after.plus(1); d <= after.plus(28); d = d.plus(1)) {
    if (d.weekday() < 5 && (days & (1u << d.weekday())) && year_.is_school_day(d)) return d;
  }
  return after.plus(7);
}

}  // namespace zhurnal::demo::internal
