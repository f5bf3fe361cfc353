// What a teacher marks in a lesson: which written works fall on which
// lessons (tests, dictations, essays, norms), who answers orally, and the
// values, drawn from each student's ability so that 4s and 5s outnumber 2s.
#pragma once

#include <string>
#include <vector>

#include "internal/model.hpp"
#include "internal/rng.hpp"

namespace zhurnal::demo::internal {

struct MarkEntry {
  int student = 0;
  int value = 0;  // 1..5; 0: "exempt" (освобождён)
  std::string comment;
};

struct MarkBatch {
  int work_type = 0;  // WorkTypeIndex
  std::vector<MarkEntry> entries;
  bool checked_after_lessons = false;  // written work: marked after the lessons, not in class
};

// The whole-class work the k-th lesson (0-based, in the year) of a unit is
// given to (kTest, kDictation, kEssay, kNorms, kLab, kPractical), or -1 for an
// ordinary lesson. A pure function: the topic and the marks agree on it.
int lesson_work(int subject, int grade, int hours, int k);

// The marks of one lesson of a class in grade 2..11; `present` are the
// students who are there (late ones included).
std::vector<MarkBatch> plan_marks(const SchoolModel& school, const UnitModel& unit, int grade,
                                  int k, const std::vector<int>& present, Rng& rng);

}  // namespace zhurnal::demo::internal
