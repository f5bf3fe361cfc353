// Rules shared by the lesson and mark deciders: finding a lesson with its
// class and school, who may write into it, when an entry is allowed and how
// late it is.
#pragma once

#include <expected>

#include "decision.hpp"

namespace zhurnal::commands::internal {

struct LessonRef {
  const Lesson* lesson;
  const ClassGroup* cls;
  const School* school;
};

// The lesson with its class and school, or kNotFound.
std::expected<LessonRef, Rejection> find_lesson(const Decision& d, const std::string& lesson_id);

// Only the lesson's own teacher writes into it (kNotYourLesson otherwise).
Verdict require_lesson_teacher(const Decision& d, const LessonRef& ref);
// Not cancelled, and its period not closed.
Verdict require_open(const Decision& d, const LessonRef& ref);
// The lesson has begun (school-local bell time); marks and attendance wait for it.
Verdict require_started(const Decision& d, const LessonRef& ref);
// The student is in the lesson's class (and subgroup) on the lesson's date.
Verdict require_enrolled(const Decision& d, const LessonRef& ref, const std::string& student_id);
// First-grade classes take no marks.
Verdict require_graded(const LessonRef& ref);

// UTC instant the lesson starts.
int64_t lesson_start_us(const LessonRef& ref);
// The regulation's deadline: 17:00 school-local time on the lesson's day.
int64_t entry_deadline_us(const LessonRef& ref);
// Fills a Timeliness against the deadline, for an entry made now.
void set_timeliness(const Decision& d, const LessonRef& ref, schema::Timeliness::Builder t);

// Numeric 1..5 or one of the non-numeric marks.
Verdict check_mark_value(schema::MarkValue::Reader v);
void copy_mark_value(schema::MarkValue::Reader from, schema::MarkValue::Builder to);
void copy_mark_state(const MarkState& from, schema::MarkValue::Builder to);

}  // namespace zhurnal::commands::internal
