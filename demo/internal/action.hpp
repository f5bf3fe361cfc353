// One command the generator will send: when (the simulated clock), as whom,
// and what it counts toward in the summary.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace zhurnal::demo::internal {

enum class Tally : uint8_t {
  kNone,
  kLesson,
  kLessonCancelled,
  kTopic,
  kMarks,
  kAbsence,
  kHomework,
  kCorrection,
};

struct Action {
  int64_t at_us = 0;  // UTC
  int school = 0;
  uint64_t seq = 0;  // per school, in planning order: breaks ties of at_us
  std::string actor;
  std::string json;  // the command in the protocol's JSON form
  Tally tally = Tally::kNone;
  int count = 1;      // marks in a postMarks
  bool late = false;  // after 17:00 school time on its lesson's day

  // Execution order: time, then school, then planning order.
  bool before(const Action& o) const {
    if (at_us != o.at_us) return at_us < o.at_us;
    if (school != o.school) return school < o.school;
    return seq < o.seq;
  }
};

// Collects a school's actions as they are planned.
class Plan {
 public:
  explicit Plan(int school) : school_(school) {}

  void add(int64_t at_us, std::string actor, std::string json, Tally tally = Tally::kNone,
           int count = 1, bool late = false) {
    actions_.push_back(
        Action{at_us, school_, seq_++, std::move(actor), std::move(json), tally, count, late});
  }
  // The actions planned since the last take().
  std::vector<Action> take() { return std::exchange(actions_, {}); }

 private:
  int school_;
  uint64_t seq_ = 0;
  std::vector<Action> actions_;
};

}  // namespace zhurnal::demo::internal
