#include "internal/marks.hpp"

#include <algorithm>

namespace zhurnal::demo::internal {
namespace {

// P(5), P(4), P(3), P(2) by ability tier.
const double kTierMarks[4][4] = {
    {0.03, 0.20, 0.52, 0.25},    // weak
    {0.12, 0.45, 0.37, 0.06},    // average
    {0.38, 0.50, 0.115, 0.005},  // good
    {0.78, 0.20, 0.02, 0.0},     // excellent
};

int draw_value(const StudentModel& st, int subject, bool written, Rng& rng) {
  int tier = st.tier + st.shift[static_cast<size_t>(subject)];
  if (written && rng.chance(0.3)) --tier;  // a test goes worse than answers in class
  tier = std::clamp(tier, 0, 3);
  return 5 - static_cast<int>(rng.weighted(kTierMarks[tier]));
}

std::string comment_for(int value, int work_type, Rng& rng) {
  if (value == 2 && rng.chance(0.5)) {
    if (work_type == kHomeworkCheck) return "Не выполнено домашнее задание";
    if (work_type == kOral || work_type == kClassWork) return "Не готов(а) к уроку";
    return "Много ошибок, нужна работа над ошибками";
  }
  if (value == 5 && work_type == kEssay && rng.chance(0.2)) return "Глубокое раскрытие темы";
  return {};
}

// `n` distinct students out of `pool`, kept in the pool's (the journal's) order.
std::vector<int> some_of(const std::vector<int>& pool, int n, Rng& rng) {
  std::vector<size_t> at(pool.size());
  for (size_t i = 0; i < at.size(); ++i) at[i] = i;
  rng.shuffle(at);
  at.resize(static_cast<size_t>(std::min<int>(n, static_cast<int>(at.size()))));
  std::sort(at.begin(), at.end());
  std::vector<int> v;
  for (size_t i : at) v.push_back(pool[i]);
  return v;
}

MarkBatch batch(const SchoolModel& school, int subject, int work_type, const std::vector<int>& who,
                bool written, Rng& rng) {
  MarkBatch b;
  b.work_type = work_type;
  b.checked_after_lessons = written;
  for (int s : who) {
    const StudentModel& st = school.students[static_cast<size_t>(s)];
    if (work_type == kNorms && st.pe_exempt) {
      b.entries.push_back({s, 0, "Справка о медицинской группе"});
      continue;
    }
    const int v = draw_value(st, subject, written, rng);
    b.entries.push_back({s, v, comment_for(v, work_type, rng)});
  }
  return b;
}

}  // namespace

int lesson_work(int subject, int grade, int hours, int k) {
  const SubjectKind kind = subject_info(subject).kind;
  if (kind == SubjectKind::kCreative) return -1;
  // About one written work every 3–4 weeks of a subject.
  const int period = std::clamp(4 * hours, 6, 14);
  if (k % period != period - 1) {
    // Laboratory and practical works in the sciences, about monthly.
    if (kind == SubjectKind::kScience && hours >= 2 && k % 8 == 3) {
      return subject == kGeography ? kPractical : kLab;
    }
    return -1;
  }
  if (kind == SubjectKind::kPe) return kNorms;
  if (subject == kRussian) return grade <= 9 ? kDictation : kTest;
  if (subject == kLiterature || subject == kReading) return grade >= 5 ? kEssay : kTest;
  return kTest;
}

std::vector<MarkBatch> plan_marks(const SchoolModel& school, const UnitModel& unit, int grade,
                                  int k, const std::vector<int>& present, Rng& rng) {
  std::vector<MarkBatch> out;
  if (present.empty()) return out;
  const int subject = unit.subject;
  const SubjectKind kind = subject_info(subject).kind;
  const int work = lesson_work(subject, grade, unit.hours, k);
  if (work >= 0) {
    out.push_back(batch(school, subject, work, present, work != kNorms, rng));
    return out;  // the whole lesson went to it
  }
  switch (kind) {
    case SubjectKind::kPe:
      if (rng.chance(0.7)) {
        out.push_back(batch(school, subject, kClassWork,
                            some_of(present, rng.uniform_int(3, 6), rng), false, rng));
      }
      return out;
    case SubjectKind::kCreative:
      if (rng.chance(0.2)) {
        out.push_back(batch(school, subject, kCreativeWork, present, true, rng));
      } else if (rng.chance(0.5)) {
        out.push_back(batch(school, subject, kClassWork,
                            some_of(present, rng.uniform_int(2, 5), rng), false, rng));
      }
      return out;
    default:
      break;
  }
  if (rng.chance(0.25)) {
    out.push_back(batch(school, subject, kHomeworkCheck,
                        some_of(present, rng.uniform_int(1, 3), rng), false, rng));
  }
  if (rng.chance(0.8)) {
    out.push_back(
        batch(school, subject, kOral, some_of(present, rng.uniform_int(1, 4), rng), false, rng));
  }
  if (grade >= 3 && rng.chance(0.08)) {
    out.push_back(batch(school, subject, kIndependent, present, true, rng));
  }
  return out;
}

}  // namespace zhurnal::demo::internal
