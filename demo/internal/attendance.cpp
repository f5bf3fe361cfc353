#include "internal/attendance.hpp"

namespace zhurnal::demo::internal {
namespace {

constexpr double kIllnessStart = 0.009;  // a school day; episodes last 3–7 school days
constexpr double kUnreported = 0.10;     // of illnesses: first day recorded as Н
constexpr double kExcusedDay = 0.004;    // family reasons, competitions: У
constexpr double kSkipWeak = 0.03;       // a lesson skipped, weak students
constexpr double kSkipOthers = 0.006;
constexpr double kLateToFirst = 0.015;  // ОП

}  // namespace

const char* presence_code(Presence p) {
  switch (p) {
    case Presence::kAbsent:
      return "absent";
    case Presence::kIll:
      return "ill";
    case Presence::kExcused:
      return "excused";
    case Presence::kLate:
      return "late";
    case Presence::kPresent:
      break;
  }
  return "present";
}

AttendanceModel::AttendanceModel(const SchoolModel& school, uint64_t seed)
    : school_(school), rng_(seed), states_(school.students.size()) {}

void AttendanceModel::start_day() {
  returned_.clear();
  for (size_t i = 0; i < states_.size(); ++i) {
    State& s = states_[i];
    s.unreported_today = false;
    s.whole_day = Presence::kPresent;
    s.skipped_number = 0;
    s.late_first = false;
    if (s.ill_days_left > 0) {
      --s.ill_days_left;
      if (s.ill_days_left > 0) {
        s.whole_day = Presence::kIll;
        continue;
      }
      if (s.unreported_episode) returned_.push_back(static_cast<int>(i));
      s.unreported_episode = false;
    }
    if (rng_.chance(kIllnessStart)) {
      s.ill_days_left = rng_.uniform_int(3, 7);  // school days, today included
      s.unreported_episode = rng_.chance(kUnreported);
      s.unreported_today = s.unreported_episode;
      s.whole_day = s.unreported_today ? Presence::kAbsent : Presence::kIll;
      continue;
    }
    if (rng_.chance(kExcusedDay)) {
      s.whole_day = Presence::kExcused;
      continue;
    }
    const bool weak = school_.students[i].tier == 0;
    if (rng_.chance(weak ? kSkipWeak : kSkipOthers)) s.skipped_number = rng_.uniform_int(2, 6);
    s.late_first = rng_.chance(kLateToFirst);
  }
}

Presence AttendanceModel::at(int student, int number) const {
  const State& s = states_[static_cast<size_t>(student)];
  if (s.whole_day != Presence::kPresent) return s.whole_day;
  if (number == s.skipped_number) return Presence::kAbsent;
  if (number == 1 && s.late_first) return Presence::kLate;
  return Presence::kPresent;
}

}  // namespace zhurnal::demo::internal
