#include "read_access.hpp"

#include <capnp/schema.h>
#include <date/tz.h>

#include <algorithm>

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

// The school's administration (or secretary) reading within its own school.
bool administration_of(const User* u, const std::string& school, bool secretary_too) {
  if (!u || u->school_id != school) return false;
  RoleSet roles = kAdministration;
  if (secretary_too) roles |= role_bit(Role::SECRETARY);
  return (u->roles & roles) != 0;
}

std::string current_class(const JournalState& s, const Student& st) {
  return st.enrolments.empty() ? std::string() : st.enrolments.back().class_id;
}

}  // namespace

std::optional<UserInfo> describe_user(const JournalState& s, const std::string& id) {
  if (const User* u = s.user(id)) {
    UserInfo info{u->id, u->school_id, u->full_name, {}, u->children, {}, {},
                  s.has_credentials(id)};
    for (unsigned r = 0; r < 32; ++r) {
      if (u->roles & (RoleSet{1} << r)) info.roles.push_back(role_name(static_cast<Role>(r)));
    }
    for (const ClassGroup* c : s.classes_of_school(u->school_id)) {
      if (s.teaches_class(u->id, c->id)) info.classes.push_back(c->id);
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
                  current_class(s, *st), s.has_credentials(id)};
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
  for (const auto& [year_id, y] : school->years) {
    for (const PeriodInfo& p : y.periods) {
      info.periods.push_back({p.id, p.name, format_date(p.start), format_date(p.end), year_id,
                              school->closed_periods.count(p.id) > 0});
    }
  }
  std::sort(info.periods.begin(), info.periods.end(),
            [](const auto& a, const auto& b) { return a.start < b.start; });
  for (const auto& [sid, name] : school->subjects) info.subjects.push_back({sid, name});
  for (const auto& [wid, w] : school->work_types) info.work_types.push_back({wid, w.name, w.weight});
  for (const ClassGroup* c : s.classes_of_school(id)) {
    info.classes.push_back({c->id, std::to_string(c->grade) + c->letter, c->year_id, c->grade,
                            c->class_teacher_id});
  }
  std::sort(info.classes.begin(), info.classes.end(), [](const auto& a, const auto& b) {
    return a.grade != b.grade ? a.grade < b.grade : a.name < b.name;
  });
  return info;
}

bool may_read_student(const JournalState& s, const std::string& actor, const std::string& id) {
  const Student* st = s.student(id);
  if (!st) return false;
  if (actor == id) return true;  // the student herself
  const User* u = s.user(actor);
  if (!u) return false;
  if (auditor(u)) return true;
  if (std::find(u->children.begin(), u->children.end(), id) != u->children.end()) return true;
  if (administration_of(u, st->school_id, true)) return true;
  // Teachers: any class the student has been in that they teach or lead.
  for (const Enrolment& e : st->enrolments) {
    if (s.teaches_class(actor, e.class_id)) return true;
  }
  return false;
}

bool may_read_class(const JournalState& s, const std::string& actor, const std::string& class_id) {
  const ClassGroup* c = s.class_group(class_id);
  if (!c) return false;
  const User* u = s.user(actor);
  if (!u) return false;
  if (auditor(u)) return true;
  if (administration_of(u, c->school_id, true)) return true;
  return s.teaches_class(actor, class_id);
}

bool may_read_school(const JournalState& s, const std::string& actor, const std::string& school) {
  const User* u = s.user(actor);
  return auditor(u) || administration_of(u, school, false);
}

bool may_read_log(const JournalState& s, const std::string& actor) {
  return auditor(s.user(actor));
}

bool may_write(const JournalState& s, const std::string& actor) {
  const User* u = s.user(actor);
  return u && (u->roles & kStaff) != 0;
}

}  // namespace zhurnal::commands::internal
