// One decider per command (see decision.hpp). Grouped by area into
// decide_school.cpp, decide_people.cpp, decide_classes.cpp,
// decide_lessons.cpp and decide_marks.cpp.
#pragma once

#include "decision.hpp"

namespace zhurnal::commands::internal {

// Routes a command to its decider.
Verdict decide(Decision& d, schema::Command::Reader command);

// decide_school.cpp
Verdict register_school(Decision& d, schema::SchoolRegistered::Reader c);
Verdict open_academic_year(Decision& d, schema::AcademicYearOpened::Reader c);
Verdict declare_holiday(Decision& d, schema::HolidayDeclared::Reader c);
Verdict define_subject(Decision& d, schema::SubjectDefined::Reader c);
Verdict define_work_type(Decision& d, schema::WorkTypeDefined::Reader c);
Verdict close_period(Decision& d, schema::PeriodClosed::Reader c);
Verdict reopen_period(Decision& d, schema::PeriodReopened::Reader c);
Verdict sign_off_month(Decision& d, schema::MonthSignedOff::Reader c);

// decide_people.cpp
Verdict register_user(Decision& d, schema::UserRegistered::Reader c);
Verdict change_roles(Decision& d, schema::RolesChanged::Reader c);
Verdict issue_credentials(Decision& d, schema::CredentialsIssued::Reader c);
Verdict revoke_credentials(Decision& d, schema::CredentialsRevoked::Reader c);
Verdict record_consent(Decision& d, schema::ConsentRecorded::Reader c);
Verdict link_guardian(Decision& d, schema::GuardianLinked::Reader c);
Verdict record_sign_in(Decision& d, schema::UserSignedIn::Reader c);

// decide_classes.cpp
Verdict open_class(Decision& d, schema::ClassOpened::Reader c);
Verdict define_subgroup(Decision& d, schema::SubgroupDefined::Reader c);
Verdict assign_class_teacher(Decision& d, schema::ClassTeacherAssigned::Reader c);
Verdict assign_teaching(Decision& d, schema::TeachingAssigned::Reader c);
Verdict end_teaching(Decision& d, schema::TeachingEnded::Reader c);
Verdict message_class(Decision& d, schema::ClassMessageSent::Reader c);
Verdict enroll_student(Decision& d, schema::StudentEnrolled::Reader c);
Verdict transfer_student(Decision& d, schema::StudentTransferred::Reader c);
Verdict depart_student(Decision& d, schema::StudentDeparted::Reader c);
Verdict comment_student(Decision& d, schema::StudentCommented::Reader c);
Verdict message_parents(Decision& d, schema::StudentMessageSent::Reader c);

// decide_lessons.cpp
Verdict schedule_lesson(Decision& d, schema::LessonScheduled::Reader c);
Verdict repeat_week(Decision& d, schema::RepeatWeek::Reader c);
Verdict cancel_lessons(Decision& d, schema::CancelLessons::Reader c);
Verdict hold_lesson(Decision& d, schema::LessonHeld::Reader c);
Verdict change_topic(Decision& d, schema::LessonTopicChanged::Reader c);
Verdict move_lesson(Decision& d, schema::LessonMoved::Reader c);
Verdict cancel_lesson(Decision& d, schema::LessonCancelled::Reader c);
Verdict assign_homework(Decision& d, schema::AssignHomework::Reader c);

// decide_marks.cpp
Verdict post_mark(Decision& d, schema::PostMark::Reader c);
Verdict post_marks(Decision& d, schema::PostMarks::Reader c);
Verdict correct_mark(Decision& d, schema::CorrectMark::Reader c);
Verdict cancel_mark(Decision& d, schema::CancelMark::Reader c);
Verdict record_attendance(Decision& d, schema::RecordAttendance::Reader c);
Verdict correct_attendance(Decision& d, schema::CorrectAttendance::Reader c);
Verdict set_final_mark(Decision& d, schema::SetFinalMark::Reader c);

}  // namespace zhurnal::commands::internal
