#include "read_access.hpp"

#include <capnp/schema.h>
#include <date/tz.h>

#include <algorithm>
#include <cstdio>
#include <tuple>

#include "decider_support.hpp"

namespace zhurnal::commands::internal {
namespace {

using schema::Role;

constexpr RoleSet kAdministration = (RoleSet{1} << static_cast<unsigned>(Role::ADMINISTRATOR)) |
                                    (RoleSet{1} << static_cast<unsigned>(Role::DIRECTOR)) |
                                    (RoleSet{1} << static_cast<unsigned>(Role::DEPUTY_DIRECTOR));
constexpr RoleSet kStaff = kAdministration |
                           (RoleSet{1} << static_cast<unsigned>(Role::SECRETARY)) |
                           (RoleSet{1} << static_cast<unsigned>(Role::TEACHER));

bool auditor(const User* u) { return u && (u->roles & role_bit(Role::AUDITOR)); }

std::string role_name(Role r) {
  auto e = capnp::Schema::from<Role>().getEnumerants();
  const auto i = static_cast<unsigned>(r);
  return i < e.size() ? e[i].getProto().getName().cStr() : "unknown";
}

// The school's administration (administrator, director, deputy) reading
// within its own school.
bool administration_of(const User* u, const std::string& school) {
  return u && u->school_id == school && (u->roles & kAdministration) != 0;
}

std::string current_class(const JournalState& s, const Student& st) {
  return st.enrolments.empty() ? std::string() : st.enrolments.back().class_id;
}

// The school-local date of `now_us`; the UTC date when the school or its
// zone is unknown.
Date school_today(const JournalState& s, const std::string& school_id, int64_t now_us) {
  const School* school = s.school(school_id);
  if (school && school->zone) return local_date(school->zone, now_us);
  constexpr int64_t kDayUs = int64_t{86'400} * 1'000'000;
  return Date{static_cast<int32_t>((now_us >= 0 ? now_us : now_us - kDayUs + 1) / kDayUs)};
}

// The last day an assignment ending on `end` (inclusive) still lets its
// teacher read the class: the end of the study period holding that day, so
// that she finishes and reads back the period she taught; the day itself
// when it falls outside every period (a holiday).
Date read_until(const JournalState& s, const School* school, Date end) {
  if (end == kEndOfTime || !school) return end;
  const PeriodInfo* p = s.period_of(*school, end);
  return p && p->end > end ? p->end : end;
}

// A teacher reads a class she leads now, or one where she holds a teaching
// assignment that is current, still to begin, or ended less than a period
// ago (read_until). Without the teacher role (a dismissed teacher) she
// reads none. Unlike JournalState::teaches_class, which the write side uses,
// this looks at the dates.
bool teacher_reads_class(const JournalState& s, const User& u, const ClassGroup& c, Date today) {
  if (!(u.roles & role_bit(Role::TEACHER))) return false;
  if (!c.class_teacher_id.empty() && c.class_teacher_id == u.id) return true;
  const School* school = s.school(c.school_id);
  for (const std::string& id : c.assignments) {
    const Assignment* a = s.assignment(id);
    if (a && a->teacher_id == u.id && today <= read_until(s, school, a->end)) return true;
  }
  return false;
}

}  // namespace

std::optional<UserInfo> describe_user(const JournalState& s, const std::string& id,
                                      int64_t now_us) {
  if (const User* u = s.user(id)) {
    UserInfo info{u->id, u->school_id, u->full_name, {}, u->children, {}, {},
                  s.has_credentials(id), {}, {}};
    for (unsigned r = 0; r < 32; ++r) {
      if (u->roles & (RoleSet{1} << r)) info.roles.push_back(role_name(static_cast<Role>(r)));
    }
    const Date today = school_today(s, u->school_id, now_us);
    for (const ClassGroup* c : s.classes_of_school(u->school_id)) {
      // The classes whose registers she may read (may_read_class).
      if (teacher_reads_class(s, *u, *c, today)) info.classes.push_back(c->id);
      if (c->class_teacher_id == u->id) info.led_classes.push_back(c->id);
      for (const std::string& aid : c->assignments) {
        const Assignment* a = s.assignment(aid);
        if (!a || a->teacher_id != u->id) continue;
        info.assignments.push_back({a->id, a->class_id, a->subgroup_id, a->subject_id,
                                    format_date(a->start),
                                    a->end == kEndOfTime ? std::string() : format_date(a->end)});
      }
    }
    return info;
  }
  if (const Student* st = s.student(id)) {
    UserInfo info{st->id, st->school_id, st->full_name, {"student"}, {}, {},
                  current_class(s, *st), s.has_credentials(id), {}, {}};
    return info;
  }
  return std::nullopt;
}

std::optional<SchoolInfo> describe_school(const JournalState& s, const std::string& id) {
  const School* school = s.school(id);
  if (!school) return std::nullopt;
  SchoolInfo info;
  info.id = school->id;
  info.name = school->name;
  info.time_zone = school->zone ? std::string(school->zone->name()) : std::string();
  for (int minutes : school->bells) {
    char clock[8];
    std::snprintf(clock, sizeof clock, "%02d:%02d", minutes / 60 % 100, minutes % 60);
    info.bells.emplace_back(clock);
  }
  info.lesson_minutes = school->lesson_minutes;
  for (const auto& [year_id, y] : school->years) {
    SchoolInfo::Year& year = info.years.emplace_back(
        SchoolInfo::Year{year_id, y.name, format_date(y.start), format_date(y.end), {}});
    for (const Holiday& h : y.holidays) {
      year.holidays.push_back({h.name, format_date(h.start), format_date(h.end)});
    }
    std::sort(year.holidays.begin(), year.holidays.end(),
              [](const auto& a, const auto& b) { return a.start < b.start; });
    for (const PeriodInfo& p : y.periods) {
      info.periods.push_back({p.id, p.name, format_date(p.start), format_date(p.end), year_id,
                              school->closed_periods.count(p.id) > 0});
    }
  }
  std::sort(info.years.begin(), info.years.end(),
            [](const auto& a, const auto& b) { return a.start < b.start; });
  std::sort(info.periods.begin(), info.periods.end(),
            [](const auto& a, const auto& b) { return a.start < b.start; });
  for (const auto& [sid, name] : school->subjects) {
    info.subjects.push_back({sid, name, school->retired_subjects.count(sid) > 0});
  }
  for (const auto& [wid, w] : school->work_types) {
    info.work_types.push_back({wid, w.name, w.weight, w.retired});
  }
  for (const ClassGroup* c : s.classes_of_school(id)) {
    info.classes.push_back({c->id, std::to_string(c->grade) + c->letter, c->year_id, c->grade,
                            c->class_teacher_id});
  }
  std::sort(info.classes.begin(), info.classes.end(), [](const auto& a, const auto& b) {
    return a.grade != b.grade ? a.grade < b.grade : a.name < b.name;
  });
  return info;
}

std::optional<ClassWeekInfo> describe_class_week(const JournalState& s, const std::string& class_id,
                                                 const std::string& date) {
  const ClassGroup* cls = s.class_group(class_id);
  if (!cls) return std::nullopt;
  ClassWeekInfo week;
  auto day = parse_date(date);
  if (!day) return week;
  const Date monday = monday_of(*day);
  const Date sunday{monday.days + 6};
  week.monday = format_date(monday);
  std::vector<const Lesson*> lessons;
  for (const std::string& id : cls->lessons) {
    const Lesson* l = s.lesson(id);
    if (l && l->date >= monday && l->date <= sunday) lessons.push_back(l);
  }
  std::ranges::sort(lessons, {}, [](const Lesson* l) {
    return std::tie(l->date, l->number, l->subgroup_id, l->id);
  });
  for (const Lesson* l : lessons) {
    week.lessons.push_back({l->id, format_date(l->date), l->subject_id, l->subgroup_id,
                            l->teacher_id, l->number, l->held, l->cancelled});
  }
  return week;
}

std::vector<UserInfo> describe_users(const JournalState& s, const std::string& school_id,
                                     RoleSet roles, int64_t now_us) {
  std::vector<UserInfo> out;
  for (const User* u : s.users_of_school(school_id, roles)) {
    if (auto info = describe_user(s, u->id, now_us)) out.push_back(std::move(*info));
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const UserInfo& a, const UserInfo& b) { return a.full_name < b.full_name; });
  return out;
}

bool may_read_student(const JournalState& s, const std::string& actor, const std::string& id,
                      int64_t now_us) {
  const Student* st = s.student(id);
  if (!st) return false;
  if (actor == id) return true;  // the student herself
  const User* u = s.user(actor);
  if (!u) return false;
  if (auditor(u)) return true;
  if (std::find(u->children.begin(), u->children.end(), id) != u->children.end()) return true;
  // The administration; not the secretary, whose lists and orders need no
  // marks (docs/permissions.md, decision 4).
  if (administration_of(u, st->school_id)) return true;
  // Teachers: the student's class as of today (or the one she joins next,
  // or, having left the school, the one she left), if they read that class.
  // The teachers of a class she was transferred out of no longer read her.
  const Date today = school_today(s, st->school_id, now_us);
  const std::string cls = support::class_as_of(s, *st, today, true);
  const ClassGroup* c = cls.empty() ? nullptr : s.class_group(cls);
  return c && teacher_reads_class(s, *u, *c, today);
}

bool may_read_class(const JournalState& s, const std::string& actor, const std::string& class_id,
                    int64_t now_us) {
  const ClassGroup* c = s.class_group(class_id);
  if (!c) return false;
  const User* u = s.user(actor);
  if (!u) return false;
  if (auditor(u)) return true;
  if (administration_of(u, c->school_id)) return true;
  return teacher_reads_class(s, *u, *c, school_today(s, c->school_id, now_us));
}

bool may_read_school(const JournalState& s, const std::string& actor, const std::string& school) {
  const User* u = s.user(actor);
  return auditor(u) || administration_of(u, school);
}

bool may_read_log(const JournalState& s, const std::string& actor) {
  return auditor(s.user(actor));
}

bool may_write(const JournalState& s, const std::string& actor) {
  const User* u = s.user(actor);
  return u && (u->roles & kStaff) != 0;
}

}  // namespace zhurnal::commands::internal
