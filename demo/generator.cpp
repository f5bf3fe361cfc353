// The driver: builds each school's model and timetable, then walks the
// calendar day by day from the setup week to the last lesson day, planning
// each school's commands for the day and executing everything due before
// the next midnight in time order (school, then planning order, break ties),
// with the Journal's clock set to each command's time.
#include "zhurnal/demo/generator.hpp"

#include <algorithm>
#include <chrono>
#include <memory>
#include <optional>
#include <set>

#include "internal/activity.hpp"
#include "internal/setup.hpp"

namespace zhurnal::demo {
namespace {

using namespace internal;

struct SchoolRun {
  SchoolModel model;
  std::unique_ptr<Activity> activity;
  std::unique_ptr<Plan> plan;
};

events::Result<DemoSummary> invalid(std::string message) {
  return events::error(events::StatusCode::kInvalidArgument, "demo: " + std::move(message));
}

// The Sunday closing the Monday-based week of `d`.
Day week_end(Day d) { return d.plus(6 - d.weekday()); }

std::vector<SignInHint> sign_in_hints(const SchoolModel& s, const StaffMember& auditor) {
  std::vector<SignInHint> hints;
  auto staff = [&](const StaffMember& m, const char* role, const char* note) {
    hints.push_back({role, m.id, m.login, m.person.full_name(), note});
  };
  staff(s.director(), "director", "директор");
  // The class teacher of 5А and a parent of one of her pupils (one with two
  // children in the school when there is one).
  const int cls = std::min<int>(12, static_cast<int>(s.classes.size()) - 1);
  const ClassModel& c = s.classes[static_cast<size_t>(cls)];
  const TeacherModel& t = s.teachers[static_cast<size_t>(c.class_teacher)];
  hints.push_back({"teacher", t.id, t.login, t.person.full_name(),
                   "классный руководитель " + std::to_string(c.grade) + c.letter + ", " +
                       discipline_info(t.discipline).name});
  const ParentModel* parent = nullptr;
  for (const ParentModel& p : s.parents) {
    const bool here = std::any_of(p.children.begin(), p.children.end(), [&](int k) {
      return s.students[static_cast<size_t>(k)].class_index == cls;
    });
    if (here && (!parent || (parent->children.size() < 2 && p.children.size() >= 2))) parent = &p;
  }
  if (parent) {
    std::string kids;
    for (int k : parent->children) {
      const StudentModel& st = s.students[static_cast<size_t>(k)];
      const ClassModel& kc = s.classes[static_cast<size_t>(st.class_index)];
      kids += (kids.empty() ? "" : "; ") + st.person.first + ", " + std::to_string(kc.grade) +
              kc.letter;
    }
    hints.push_back({"parent", parent->id, parent->login, parent->person.full_name(),
                     parent->relation + ": " + kids});
  }
  staff(auditor, "auditor", "проверяющий (все школы, только чтение)");
  staff(s.administrator(), "administrator", "администратор школы");
  staff(s.deputy(), "deputyDirector", "заместитель директора (расписание)");
  staff(s.secretary(), "secretary", "секретарь (списки классов, движение учеников)");
  return hints;
}

void tally(DemoSummary& sum, const Action& a) {
  switch (a.tally) {
    case Tally::kLesson:
      ++sum.lessons;
      break;
    case Tally::kLessonCancelled:
      ++sum.lessons_cancelled;
      break;
    case Tally::kTopic:
      ++sum.topics;
      break;
    case Tally::kMarks:
      sum.marks += static_cast<uint64_t>(a.count);
      break;
    case Tally::kAbsence:
      ++sum.absences;
      break;
    case Tally::kHomework:
      ++sum.homework;
      break;
    case Tally::kCorrection:
      ++sum.corrections;
      break;
    case Tally::kNone:
      break;
  }
  if (a.late) ++sum.late_entries;
}

}  // namespace

std::vector<std::string> demo_school_ids(const DemoOptions& o) {
  if (o.schools <= 1) return {o.school_id};
  size_t cut = o.school_id.size();
  while (cut > 0 && o.school_id[cut - 1] >= '0' && o.school_id[cut - 1] <= '9') --cut;
  const std::string base = o.school_id.substr(0, cut);
  const std::string digits = o.school_id.substr(cut);
  const long first = digits.empty() || digits.size() > 9 ? 1 : std::stol(digits);
  std::vector<std::string> ids;
  for (int i = 0; i < o.schools; ++i) {
    std::string n = std::to_string(first + i);
    if (n.size() < digits.size()) n.insert(0, digits.size() - n.size(), '0');  // "ekb07", "ekb08"
    ids.push_back(base + n);
  }
  return ids;
}

events::Result<DemoSummary> generate_demo(commands::Journal& journal,
                                          const SetClockFn& set_clock_us, const DemoOptions& o,
                                          const DemoProgressFn& progress) {
  const auto started = std::chrono::steady_clock::now();
  if (!set_clock_us) return invalid("no clock to drive");
  if (o.schools < 1 || o.schools > 1000) return invalid("schools must be 1..1000");
  if (o.weeks < 1 || o.weeks > 40) return invalid("weeks must be 1..40");
  if (!(o.late_share >= 0 && o.late_share <= 1)) return invalid("late_share must be 0..1");
  if (o.class_size < 15 || o.class_size > 30) return invalid("class_size must be 15..30");
  if (o.school_id.empty() || o.school_id.size() > 16)
    return invalid("school_id must be 1..16 characters");
  const auto clock = SchoolClock::create(o.time_zone);
  if (!clock) return invalid("unknown time zone " + o.time_zone);
  const auto start = parse_day(o.start_date);
  if (!start) return invalid("start_date is not YYYY-MM-DD: " + o.start_date);

  const YearCalendar year = make_year_calendar(*start);
  Day first = std::max(*start, year.start);
  while (first <= year.end && !year.is_school_day(first)) first = first.plus(1);
  const Day last = std::min(start->plus(7 * o.weeks - 1), year.end);
  if (first > last) return invalid("no school days from " + o.start_date);

  DemoSummary sum;
  sum.school_ids = demo_school_ids(o);
  std::set<std::string> logins;
  Rng region(stream_seed(o.seed, 0, "region"));
  StaffMember auditor{sum.school_ids[0] + "-auditor", random_adult(region.chance(0.7), region), "",
                      "auditor"};
  auditor.login = make_login(auditor.person, logins);

  std::vector<SchoolRun> runs;
  for (int i = 0; i < o.schools; ++i) {
    ModelOptions mo{i, sum.school_ids[static_cast<size_t>(i)], o.seed, o.class_size, year.start};
    SchoolRun run{build_school_model(mo, logins), nullptr, std::make_unique<Plan>(i)};
    Rng timetable(stream_seed(o.seed, static_cast<uint64_t>(i), "timetable"));
    if (!build_timetable(run.model, timetable)) {
      return invalid("no timetable found for school " + run.model.id + "; try another seed");
    }
    sum.classes += run.model.classes.size();
    sum.students += run.model.students.size();
    sum.teachers += run.model.teachers.size();
    sum.parents += run.model.parents.size();
    runs.push_back(std::move(run));
  }
  for (SchoolRun& r : runs) {  // after the vector stops moving: Activity keeps references
    r.activity = std::make_unique<Activity>(r.model, year, *clock, o.late_share, o.seed);
  }

  // Min-heap of planned commands by execution order.
  std::vector<Action> heap;
  const auto later = [](const Action& a, const Action& b) { return b.before(a); };
  int64_t clock_us = INT64_MIN;
  std::optional<events::Status> failure;
  auto execute = [&](const Action& a) -> bool {
    if (a.at_us < clock_us) {
      failure = events::Status(events::StatusCode::kInvalidArgument,
                               "demo: planned time goes backwards for: " + a.json);
      return false;
    }
    clock_us = a.at_us;
    set_clock_us(a.at_us);
    const commands::CommandMeta meta{
        sum.school_ids[static_cast<size_t>(a.school)] + "-demo-" + std::to_string(a.seq), a.actor,
        "demo"};
    const commands::Outcome r = journal.execute_json(meta, a.json);
    if (!r || r->duplicate) {
      const std::string why =
          !r ? std::string(commands::error_code_name(r.error().code)) + ": " + r.error().message
             : "the log already holds this command id (not a fresh log?)";
      failure = events::Status(events::StatusCode::kInvalidArgument,
                               "demo: " + a.actor + " was refused " + why + "; command " +
                                   meta.command_id + ": " + a.json);
      return false;
    }
    ++sum.commands;
    sum.events += r->last_position - r->first_position + 1;
    tally(sum, a);
    return true;
  };

  const Day anchor = first.plus(-kSetupDays);
  const int days = last.days - anchor.days + 1;
  for (Day day = anchor; day <= last; day = day.plus(1)) {
    const int offset = day.days - anchor.days;
    for (size_t i = 0; i < runs.size(); ++i) {
      SchoolRun& r = runs[i];
      if (offset < kSetupDays) {
        plan_setup({r.model, year, *clock, o.time_zone, i == 0 ? &auditor : nullptr}, offset, day,
                   *r.plan);
      }
      // The timetable: the first week in the setup week, each next one on the Friday before.
      const int64_t at_three = clock->utc_us(day, 15 * 60);
      if (offset == 4) {
        r.activity->schedule(first, std::min(week_end(first), last), at_three, *r.plan);
      } else if (offset > 4 && day.weekday() == 4) {
        const Day monday = day.plus(3);
        if (monday > week_end(first) && monday <= last) {
          r.activity->schedule(monday, std::min(monday.plus(6), last), at_three, *r.plan);
        }
      }
      if (first <= day && year.is_school_day(day)) r.activity->run_day(day, *r.plan);
      for (Action& a : r.plan->take()) {
        heap.push_back(std::move(a));
        std::push_heap(heap.begin(), heap.end(), later);
      }
    }
    const int64_t midnight = clock->utc_us(day.plus(1), 0);
    while (!heap.empty() && (heap.front().at_us < midnight || day == last)) {
      std::pop_heap(heap.begin(), heap.end(), later);
      Action a = std::move(heap.back());
      heap.pop_back();
      if (!execute(a)) return std::unexpected(*failure);
    }
    if (progress) {
      progress(DemoProgress{format_day(day), offset + 1, days, sum.commands, sum.events});
    }
  }
  sum.sign_in = sign_in_hints(runs[0].model, auditor);
  sum.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return sum;
}

}  // namespace zhurnal::demo
