// The demo school before anything is sent to the journal: its people,
// classes, teaching loads and weekly timetable, all drawn from the seed.
#pragma once

#include <array>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "internal/curriculum.hpp"
#include "internal/dates.hpp"
#include "internal/names.hpp"
#include "internal/rng.hpp"

namespace zhurnal::demo::internal {

struct StaffMember {
  std::string id;
  Person person;
  std::string login;
  std::string role;  // the protocol's role name: "administrator", "director", ...
};

struct TeacherModel {
  std::string id;  // "sch1-t07"
  Person person;
  std::string login;
  int discipline = 0;
  int hours = 0;             // lessons a week
  double late_factor = 1.0;  // how often she fills the journal late, relative to the mean
  int led_class = -1;        // the class she is class teacher of
};

// Marks come from an ability tier (0 weak .. 3 excellent), shifted up or down
// by one for some subjects.
struct StudentModel {
  std::string id;  // "sch1-s0123"
  Person person;
  Day birth;
  int class_index = 0;
  int family = 0;
  int tier = 1;
  std::array<int8_t, kSubjectCount> shift{};
  int group = 1;           // English subgroup: 1 or 2
  bool pe_exempt = false;  // освобождён от физкультуры: "осв" for norms
  std::string login;       // grades 5–11 get their own login; empty otherwise
};

struct ParentModel {
  std::string id;  // "sch1-p0123a": a/b, after the family's first child
  Person person;
  std::string relation;       // "мать", "отец", "опекун"
  std::vector<int> children;  // student indices, youngest class first
  std::string login;
};

// A teaching assignment: one teacher, one subject, a class or one subgroup.
struct UnitModel {
  std::string id;  // the assignment id, "sch1-c5a-math", "sch1-c5a-eng-g1"
  int class_index = 0;
  int subject = 0;
  int group = 0;  // 0: the whole class
  int teacher = 0;
  int hours = 0;
};

// One lesson number of a class's day: one unit, or both English subgroups.
struct PeriodSlot {
  int number = 1;
  std::vector<int> units;
};

struct ClassModel {
  std::string id;  // "sch1-c5a"
  int grade = 1;
  std::string letter;  // "А"
  int class_teacher = -1;
  std::vector<int> students;  // alphabetical, as the journal lists them
  std::vector<int> units;
  std::array<std::vector<PeriodSlot>, 5> week;  // Monday..Friday, in lesson order
};

struct SchoolModel {
  int index = 0;
  std::string id;
  std::string name;
  std::vector<StaffMember> staff;  // administrator, director, deputy, secretary
  std::vector<TeacherModel> teachers;
  std::vector<ClassModel> classes;
  std::vector<StudentModel> students;
  std::vector<ParentModel> parents;
  std::vector<UnitModel> units;

  const StaffMember& administrator() const { return staff[0]; }
  const StaffMember& director() const { return staff[1]; }
  const StaffMember& deputy() const { return staff[2]; }
  const StaffMember& secretary() const { return staff[3]; }
};

struct ModelOptions {
  int index = 0;  // 0-based school number
  std::string id;
  uint64_t seed = 1;
  int class_size = 24;  // mean; classes get class_size-2 .. class_size+2
  Day year_start;
};

// People, classes, families and teaching loads. `logins` holds the logins
// taken so far (across schools) and gets this school's.
SchoolModel build_school_model(const ModelOptions& options, std::set<std::string>& logins);

// Fills every class's week so that no class has a gap, no teacher is in two
// places at once, lessons a day stay within the grade's limit and a subject
// comes at most once a day (twice for six-hour subjects). Returns false when
// no timetable was found (it is retried with other orders first).
bool build_timetable(SchoolModel& school, Rng& rng);

}  // namespace zhurnal::demo::internal
