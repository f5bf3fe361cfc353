// What the journal's lesson pages say: topics of lessons in curriculum order
// and homework texts. Pure functions of subject, grade and the lesson's
// number within the year (k, 0-based), except homework wording (rng).
#pragma once

#include <string>

#include "internal/rng.hpp"

namespace zhurnal::demo::internal {

// The topic of the k-th lesson of `subject` in `grade` at `hours` a week. A
// topic lasts one to three lessons, as in a real thematic plan.
std::string lesson_topic(int subject, int grade, int k, int hours);
// The topic of a lesson given to a marked written work (`work_type`:
// WorkTypeIndex), e.g. "Контрольная работа по теме «Дроби»".
std::string work_topic(int subject, int grade, int k, int hours, int work_type);
// Homework for the k-th lesson; empty when the subject takes none today.
std::string homework_text(int subject, int grade, int k, Rng& rng);

}  // namespace zhurnal::demo::internal
