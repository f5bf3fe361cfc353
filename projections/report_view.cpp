// The class report for a period (отчёт за четверть/год): averages and period
// marks per student and subject, успеваемость, качество знаний and СОУ per
// subject, the student categories and attendance, from the "journal"
// projection's rows. Every figure is defined in docs/compliance.md.
#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <tuple>

#include "internal/averages.hpp"
#include "internal/compliance_tally.hpp"
#include "internal/lookups.hpp"
#include "zhurnal/projections/views.hpp"

namespace zhurnal::projections {

using internal::RowReader;
using internal::str;

namespace {

using Code = schema::AttendanceCode;

struct Stint {
  std::string id, name, from, to;  // to: first day not in the class; empty: still there
  bool in_class(const std::string& date) const { return from <= date && (to.empty() || date < to); }
};

struct Lesson {
  std::string id, date, subject, subgroup;
  std::map<std::string, std::string> cells;  // student -> CellRow bytes
};

std::string next_month(const std::string& m) {
  int y = std::stoi(m.substr(0, 4)), mo = std::stoi(m.substr(5, 2)) + 1;
  if (mo > 12) mo = 1, ++y;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d", y, mo);
  return buf;
}

bool missed(Code c) { return c == Code::ABSENT || c == Code::ILL || c == Code::EXCUSED; }

// A period mark, as far as the report counts it.
struct Mark {
  bool numeric = false;
  unsigned value = 0;  // numeric: 1..5
  schema::NonNumericMark other = schema::NonNumericMark::PASS;

  static Mark of(schema::MarkValue::Reader v) {
    return v.isNumeric() ? Mark{true, v.getNumeric()} : Mark{false, 0, v.getNonNumeric()};
  }
};
using MaybeMark = std::optional<Mark>;

// The period marks of one subject, counted for the class (not left).
struct Buckets {
  uint32_t n5 = 0, n4 = 0, n3 = 0, n2 = 0, na = 0, exempt = 0, passed = 0, failed = 0, none = 0;

  void add(const MaybeMark& m) {
    if (!m) return void(++none);
    if (m->numeric) {
      (m->value >= 5 ? n5 : m->value == 4 ? n4 : m->value == 3 ? n3 : n2)++;
      return;
    }
    switch (m->other) {
      case schema::NonNumericMark::PASS:
        ++passed;
        break;
      case schema::NonNumericMark::FAIL:
        ++failed;
        break;
      case schema::NonNumericMark::NOT_ASSESSED:
        ++na;
        break;
      case schema::NonNumericMark::EXEMPT:
        ++exempt;
        break;
    }
  }
  void write(schema::ClassReport::SubjectStats::Builder out) const {
    const uint32_t n = n5 + n4 + n3 + n2 + na;
    out.setN5(n5);
    out.setN4(n4);
    out.setN3(n3);
    out.setN2(n2);
    out.setNotAssessed(na);
    out.setExempt(exempt);
    out.setPassed(passed);
    out.setFailed(failed);
    out.setNoMark(none);
    out.setCounted(n);
    out.setSuccessHundredths(static_cast<uint16_t>(internal::share_hundredths(n5 + n4 + n3, n)));
    out.setQualityHundredths(static_cast<uint16_t>(internal::share_hundredths(n5 + n4, n)));
    const uint64_t points = uint64_t{n5} * 100 + n4 * 64 + n3 * 36 + n2 * 16 + na * 7;
    out.setSouHundredths(static_cast<uint16_t>(internal::ratio_rounded(points * 100, n)));
  }
};

// A student's category from his period marks in all subjects.
const char* category(const std::vector<MaybeMark>& marks) {
  int numeric = 0, threes = 0, fours = 0;
  for (const MaybeMark& m : marks) {
    if (!m) continue;
    if (m->numeric) {
      if (m->value <= 2) return "failing";
      ++numeric;
      threes += m->value == 3;
      fours += m->value == 4;
    } else if (m->other == schema::NonNumericMark::FAIL ||
               m->other == schema::NonNumericMark::NOT_ASSESSED) {
      return "failing";
    }
  }
  if (numeric == 0) return "none";
  if (threes == 0) return fours == 0 ? "excellent" : "good";
  return threes == 1 ? "oneThree" : "other";
}

}  // namespace

events::Result<ViewMessage> Views::class_report(const std::string& class_id,
                                                const std::string& period_id) const {
  internal::ViewReader v(store_, engine_->active_prefix("journal"));
  const uint64_t position = engine_->position();
  auto cls = internal::load_class(v, class_id);
  if (!cls) return std::unexpected(cls.error());
  auto period = internal::load_period(v, *cls, period_id);
  if (!period) return std::unexpected(period.error());
  const std::string first_month = period->start.substr(0, 7), last_month = period->end.substr(0, 7);
  auto in_period = [&](const std::string& d) { return period->start <= d && d <= period->end; };

  // Students in the class on some day of the period, by name.
  std::vector<Stint> stints;
  events::Status st =
      v.scan_prefix("R/" + class_id + "/", [&](std::string_view, std::string_view val) {
        RowReader<schema::StudentRow> r{std::string(val)};
        auto s = r.get();
        Stint stint{str(s.getStudentId()), str(s.getFullName()), str(s.getFrom()), str(s.getTo())};
        if (stint.from <= period->end && (stint.to.empty() || stint.to > period->start)) {
          stints.push_back(std::move(stint));
        }
      });
  if (!st.is_ok()) return std::unexpected(st);
  std::sort(stints.begin(), stints.end(), [](const Stint& a, const Stint& b) {
    return std::tie(a.name, a.id) < std::tie(b.name, b.id);
  });

  // Non-cancelled lessons of the whole months the period touches, with cells.
  std::vector<Lesson> lessons;
  std::map<std::string, std::set<std::string>> groups;
  const std::string cd = "CD/" + class_id + "/";
  st = v.scan(cd + first_month + "-01", cd + last_month + "-31~",
              [&](std::string_view k, std::string_view) {
                auto row = v.get("L/" + std::string(k.substr(k.rfind('/') + 1)));
                if (!row || !*row) return;
                RowReader<schema::LessonRow> r(std::move(**row));
                auto l = r.get();
                if (l.getCancelled()) return;
                lessons.push_back({str(l.getLessonId()),
                                   str(l.getDate()),
                                   str(l.getSubjectId()),
                                   str(l.getSubgroupId()),
                                   {}});
              });
  if (!st.is_ok()) return std::unexpected(st);
  for (Lesson& l : lessons) {
    st = v.scan_prefix("C/" + l.id + "/", [&](std::string_view k, std::string_view val) {
      l.cells.emplace(std::string(k.substr(k.rfind('/') + 1)), std::string(val));
    });
    if (!st.is_ok()) return std::unexpected(st);
    if (!l.subgroup.empty() && !groups.count(l.subgroup)) {
      auto& members = groups[l.subgroup];
      if (auto g = v.get("G/" + class_id + "/" + l.subgroup); g && *g) {
        RowReader<schema::SubgroupDefined> gr(std::move(**g));
        for (auto s : gr.get().getStudentIds()) members.insert(str(s));
      }
    }
  }
  auto expected = [&](const Stint& s, const Lesson& l) {
    return s.in_class(l.date) && (l.subgroup.empty() || groups[l.subgroup].count(s.id) > 0);
  };

  // Period marks: F/<class>/<subject>/<period>/<student>/<kind>.
  std::map<std::pair<std::string, std::string>, std::string> finals;  // (subject, student)
  std::set<std::string> subject_ids;
  const std::string period_kind = std::to_string(static_cast<int>(schema::FinalMarkKind::PERIOD));
  st = v.scan_prefix("F/" + class_id + "/", [&](std::string_view k, std::string_view val) {
    RowReader<schema::FinalMarkRow> r{std::string(val)};
    auto f = r.get();
    if (f.getKind() != schema::FinalMarkKind::PERIOD || f.getPeriodId() != period->id) return;
    subject_ids.insert(str(f.getSubjectId()));
    finals.emplace(std::make_pair(str(f.getSubjectId()), str(f.getStudentId())), std::string(val));
  });
  if (!st.is_ok()) return std::unexpected(st);
  for (const Lesson& l : lessons) {
    if (in_period(l.date)) subject_ids.insert(l.subject);
  }
  std::vector<std::pair<std::string, std::string>> subjects;  // name, id
  for (const std::string& id : subject_ids) {
    subjects.emplace_back(internal::subject_name(v, cls->school_id, id), id);
  }
  std::sort(subjects.begin(), subjects.end());

  auto message = std::make_unique<capnp::MallocMessageBuilder>();
  auto view = message->initRoot<schema::ClassReport>();
  view.setClassId(class_id);
  view.setClassName(cls->name);
  view.setGrade(cls->grade);
  internal::write_period(*period, view.initPeriod());
  view.setPosition(position);

  std::vector<Buckets> buckets(subjects.size());
  std::map<std::string, uint32_t> categories;
  std::vector<std::string> flagged;
  uint32_t counted = 0;
  auto students = view.initStudents(stints.size());
  for (size_t s = 0; s < stints.size(); ++s) {
    const Stint& stint = stints[s];
    auto out = students[s];
    const bool left = !stint.to.empty() && stint.to <= period->end;
    out.setStudentId(stint.id);
    out.setFullName(stint.name);
    out.setLeft(left);

    // Averages and period marks per subject.
    std::vector<MaybeMark> period_marks(subjects.size());
    auto out_subjects = out.initSubjects(subjects.size());
    for (size_t i = 0; i < subjects.size(); ++i) {
      const std::string& subject = subjects[i].second;
      internal::AverageAccumulator avg;
      for (const Lesson& l : lessons) {
        if (l.subject != subject || !in_period(l.date)) continue;
        if (auto c = l.cells.find(stint.id); c != l.cells.end()) {
          avg.add_cell(RowReader<schema::CellRow>(c->second).get());
        }
      }
      out_subjects[i].setSubjectId(subject);
      avg.write(out_subjects[i].initAverages());
      if (auto f = finals.find({subject, stint.id}); f != finals.end()) {
        RowReader<schema::FinalMarkRow> mark(f->second);
        out_subjects[i].setPeriodMark(mark.get());
        out_subjects[i].setHasPeriodMark(true);
        period_marks[i] = Mark::of(mark.get().getValue());
      }
    }
    if (!left) {
      ++counted;
      for (size_t i = 0; i < subjects.size(); ++i) buckets[i].add(period_marks[i]);
      const char* c = category(period_marks);
      ++categories[c];
      out.setCategory(c);
    }

    // Attendance: the period's lessons by code, days missed, and each month.
    auto att = out.initAttendance();
    uint32_t codes[5] = {};
    std::map<std::string, std::pair<uint32_t, uint32_t>> days, months;  // expected, missed
    for (const Lesson& l : lessons) {
      if (!expected(stint, l)) continue;
      Code code = Code::PRESENT;
      if (auto c = l.cells.find(stint.id); c != l.cells.end()) {
        code = RowReader<schema::CellRow>(c->second).get().getAttendance();
      }
      auto& month = months[l.date.substr(0, 7)];
      ++month.first;
      month.second += missed(code);
      if (!in_period(l.date)) continue;
      if (static_cast<unsigned>(code) < 5) ++codes[static_cast<unsigned>(code)];
      auto& day = days[l.date];
      ++day.first;
      day.second += missed(code);
    }
    att.setAbsent(codes[static_cast<int>(Code::ABSENT)]);
    att.setIll(codes[static_cast<int>(Code::ILL)]);
    att.setExcused(codes[static_cast<int>(Code::EXCUSED)]);
    att.setLate(codes[static_cast<int>(Code::LATE)]);
    att.setLessonsMissed(codes[static_cast<int>(Code::ABSENT)] +
                         codes[static_cast<int>(Code::ILL)] +
                         codes[static_cast<int>(Code::EXCUSED)]);
    uint32_t days_missed = 0;
    for (const auto& [date, d] : days) days_missed += d.first > 0 && d.second == d.first;
    att.setDaysMissed(days_missed);
    std::vector<std::string> month_ids;
    for (std::string m = first_month; m <= last_month; m = next_month(m)) month_ids.push_back(m);
    auto out_months = att.initMonths(month_ids.size());
    bool any_flag = false;
    for (size_t i = 0; i < month_ids.size(); ++i) {
      const auto [n, miss] = months[month_ids[i]];
      const bool flag = n > 0 && uint64_t{miss} * 100 >= uint64_t{n} * 30;
      out_months[i].setMonth(month_ids[i]);
      out_months[i].setLessons(n);
      out_months[i].setMissed(miss);
      out_months[i].setThirtyPercent(flag);
      any_flag |= flag;
    }
    if (any_flag) flagged.push_back(stint.id);
  }

  auto stats = view.initSubjects(subjects.size());
  for (size_t i = 0; i < subjects.size(); ++i) {
    stats[i].setSubjectId(subjects[i].second);
    stats[i].setName(subjects[i].first);
    buckets[i].write(stats[i]);
  }
  auto cat = view.initCategories();
  cat.setCounted(counted);
  cat.setExcellent(categories["excellent"]);
  cat.setGood(categories["good"]);
  cat.setOneThree(categories["oneThree"]);
  cat.setFailing(categories["failing"]);
  cat.setOther(categories["other"]);
  cat.setNone(categories["none"]);
  auto out_flagged = view.initMissedThirtyPercent(flagged.size());
  for (size_t i = 0; i < flagged.size(); ++i) out_flagged.set(i, flagged[i]);
  return message;
}

}  // namespace zhurnal::projections
