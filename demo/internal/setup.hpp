// Setting the school up in the days before its first lesson day, each step
// by the person whose job it is (see generator.hpp). Steps by day offset:
//   0  system: school, administrator, the region's auditor (first school);
//      administrator: year, holidays, subjects, work types, staff and logins
//   1  secretary: teachers; administrator: their logins
//   2  secretary: classes, students, English subgroups, class teachers
//   3  deputy: teaching assignments
//   7  class teachers: parents, guardian links, consents, logins of parents
//      and of students in grades 5–11
// (On day 4 the deputy posts the first week's timetable: activity.hpp.)
#pragma once

#include <string>

#include "internal/action.hpp"
#include "internal/dates.hpp"
#include "internal/model.hpp"

namespace zhurnal::demo::internal {

inline constexpr int kSetupDays = 8;  // the first lesson day is day 8

struct SetupContext {
  const SchoolModel& school;
  const YearCalendar& year;
  const SchoolClock& clock;
  std::string time_zone;
  const StaffMember* auditor = nullptr;  // registered along with this school, when set
};

// Plans the setup step of day `offset` (0..7), which falls on `day`.
void plan_setup(const SetupContext& ctx, int offset, Day day, Plan& plan);

}  // namespace zhurnal::demo::internal
