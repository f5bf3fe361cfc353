// The school's days: the deputy's weekly timetable (with a few lessons
// cancelled on the morning they fall on), and what happens in each lesson —
// the teacher marks it held with its topic, records absences, posts marks
// and sets homework — at the times a teacher really does it: during the
// lesson, after the lessons, or (a `late_share` of lessons) that evening or
// the next morning, past the 17:00 deadline. A few marks are corrected or
// cancelled with a reason; class teachers excuse unreported illnesses.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "internal/action.hpp"
#include "internal/attendance.hpp"
#include "internal/dates.hpp"
#include "internal/model.hpp"
#include "internal/rng.hpp"

namespace zhurnal::demo::internal {

// "sch1-c5a-2026-09-01-2", "sch1-c5a-2026-09-01-3-g1" for a subgroup's lesson.
std::string lesson_id(const ClassModel& c, Day day, int number, int group);

class Activity {
 public:
  // `school`, `year` and `clock` must outlive the Activity.
  Activity(const SchoolModel& school, const YearCalendar& year, const SchoolClock& clock,
           double late_share, uint64_t seed);

  // The deputy schedules every lesson of the school days in [from, to],
  // starting at `at_us`.
  void schedule(Day from, Day to, int64_t at_us, Plan& plan);
  // Entries about `day`'s lessons (some land on the next day). Call for each
  // school day in date order, after its week was scheduled.
  void run_day(Day day, Plan& plan);

 private:
  enum class Mode { kInLesson, kAfterLessons, kEvening, kNextMorning };
  struct TeacherDay {
    Mode mode = Mode::kInLesson;
    int64_t base_us = 0;     // when she sits down to the journal (not kInLesson)
    int64_t written_us = 0;  // when she marks written work, in kInLesson mode
    int lessons = 0;         // lessons entered so far today
    int written = 0;
  };

  void plan_teacher_days(Day day);
  void run_lesson(Day day, const ClassModel& c, int number, int unit_index, Plan& plan);
  void post_marks(const std::string& lesson, Day lesson_day, const UnitModel& unit, int grade,
                  int k, const std::vector<int>& present, int64_t lesson_start_us, TeacherDay& td,
                  int64_t deadline_us, Plan& plan);
  void plan_correction(const std::string& mark_id, int value, const UnitModel& unit, Day lesson_day,
                       int64_t posted_us, int64_t deadline_us, Plan& plan);
  void excuse_returning_students(Day day, Plan& plan);
  Day next_lesson_date(int unit_index, Day after) const;
  int64_t at(Day day, int minute) const { return clock_.utc_us(day, minute); }

  const SchoolModel& school_;
  const YearCalendar& year_;
  const SchoolClock& clock_;
  double late_share_;
  Rng rng_;
  AttendanceModel attendance_;
  std::vector<int> lessons_done_;        // per unit: held so far (topic progress)
  std::vector<unsigned> unit_weekdays_;  // per unit: bit d set when taught on weekday d
  std::set<std::string> cancelled_;
  std::vector<TeacherDay> teacher_days_;
  // Per student: lessons where an unreported illness was recorded as Н.
  std::vector<std::vector<std::string>> unreported_;
};

}  // namespace zhurnal::demo::internal
