// Who misses which lessons: illnesses lasting several school days (a few
// first days go unreported and are recorded as Н, later excused by the class
// teacher on a doctor's note), days excused by the parents, a skipped lesson
// now and then (more often by weak students) and latecomers to the first
// lesson. About 5–6% of student-lessons are missed, as in a city school.
#pragma once

#include <cstdint>
#include <vector>

#include "internal/model.hpp"
#include "internal/rng.hpp"

namespace zhurnal::demo::internal {

enum class Presence : uint8_t {
  kPresent,
  kAbsent,   // Н: no reason given
  kIll,      // Б
  kExcused,  // У
  kLate,     // ОП: came late
};
const char* presence_code(Presence p);  // the protocol's name: "absent", "ill", ...

class AttendanceModel {
 public:
  AttendanceModel(const SchoolModel& school, uint64_t seed);

  // Draws the day's absences. Call once per school day, in date order.
  void start_day();
  // A student's presence at lesson `number` (1-based) today.
  Presence at(int student, int number) const;
  // The student is absent today on the unreported first day of an illness.
  bool unreported_illness(int student) const {
    return states_[static_cast<size_t>(student)].unreported_today;
  }
  // Students back today from an illness whose first day went unreported.
  const std::vector<int>& back_from_unreported_illness() const { return returned_; }

 private:
  struct State {
    int ill_days_left = 0;
    bool unreported_today = false;  // first day of an illness nobody reported: Н
    bool unreported_episode = false;
    Presence whole_day = Presence::kPresent;
    int skipped_number = 0;  // a lesson skipped today (Н), 0: none
    bool late_first = false;
  };
  const SchoolModel& school_;
  Rng rng_;
  std::vector<State> states_;
  std::vector<int> returned_;
};

}  // namespace zhurnal::demo::internal
