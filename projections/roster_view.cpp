// The class teacher's class list (Views::class_roster): the class's students
// with their parents, each with her access to the journal (credentials,
// sign-ins) and personal-data consent.
#include <date/date.h>
#include <date/tz.h>

#include <algorithm>
#include <chrono>

#include "internal/journal_projection.hpp"
#include "internal/lookups.hpp"
#include "internal/people_projection.hpp"
#include "zhurnal/projections/views.hpp"

namespace zhurnal::projections {

using internal::RowReader;
using internal::str;

namespace {

struct PersonData {
  std::string id, name;
  std::optional<std::string> access;  // AccessRow bytes
};

struct ParentData {
  PersonData person;
  std::string relation;
};

struct StudentData {
  PersonData person;
  std::string from, to;
  bool departed = false;
  std::vector<ParentData> parents;
  bool left = false;  // gone from the class by today
};

events::Result<PersonData> load_person(const internal::ViewReader& journal,
                                       const internal::ViewReader& people, const std::string& id,
                                       std::string name = "") {
  auto access = people.get("A/" + id);
  if (!access) return std::unexpected(access.error());
  if (name.empty()) name = internal::user_name(journal, id);
  return PersonData{id, std::move(name), std::move(*access)};
}

void write_person(const PersonData& p, schema::ClassRoster::Person::Builder out) {
  out.setUserId(p.id);
  out.setFullName(p.name);
  if (p.access) out.setAccess(RowReader<schema::AccessRow>(*p.access).get());
}

// The school-local day of `now_us` in `zone` (UTC when the zone is unknown).
std::string local_day(const std::string& zone, int64_t now_us) {
  const date::sys_seconds now{std::chrono::duration_cast<std::chrono::seconds>(
      std::chrono::microseconds(now_us))};
  try {
    return date::format("%Y-%m-%d",
                        date::floor<date::days>(date::make_zoned(zone, now).get_local_time()));
  } catch (const std::exception&) {
    return date::format("%Y-%m-%d", date::floor<date::days>(now));
  }
}

}  // namespace

events::Result<ViewMessage> Views::class_roster(const std::string& class_id, int64_t now_us) const {
  internal::ViewReader journal(store_, engine_->active_prefix("journal"));
  internal::ViewReader people(store_, engine_->active_prefix("people"));
  const uint64_t position = engine_->position();
  auto cls = internal::load_class(journal, class_id);
  if (!cls) return std::unexpected(cls.error());
  std::string zone = "UTC";
  if (auto school = journal.get("S/" + cls->school_id); school && *school) {
    zone = str(RowReader<schema::SchoolRegistered>(std::move(**school)).get().getTimeZone());
  }
  const std::string today = local_day(zone, now_us);

  // One stint row per student; a student who came back keeps her last stint.
  std::vector<StudentData> students;
  events::Status st = journal.scan_prefix("R/" + class_id + "/", [&](std::string_view, std::string_view v) {
    RowReader<schema::StudentRow> r{std::string(v)};
    auto s = r.get();
    StudentData d;
    d.person.id = str(s.getStudentId());
    d.person.name = str(s.getFullName());
    d.from = str(s.getFrom());
    d.to = str(s.getTo());
    d.departed = s.getDeparted();
    d.left = !d.to.empty() && d.to <= today;
    students.push_back(std::move(d));
  });
  if (!st.is_ok()) return std::unexpected(st);

  for (StudentData& s : students) {
    auto person = load_person(journal, people, s.person.id, s.person.name);
    if (!person) return std::unexpected(person.error());
    s.person = std::move(*person);
    std::vector<std::pair<std::string, std::string>> links;  // parent, relation
    st = people.scan_prefix("P/" + s.person.id + "/", [&](std::string_view k, std::string_view v) {
      links.emplace_back(std::string(k.substr(k.rfind('/') + 1)), std::string(v));
    });
    if (!st.is_ok()) return std::unexpected(st);
    for (auto& [parent, relation] : links) {
      auto p = load_person(journal, people, parent);
      if (!p) return std::unexpected(p.error());
      s.parents.push_back({std::move(*p), std::move(relation)});
    }
    std::sort(s.parents.begin(), s.parents.end(), [](const ParentData& a, const ParentData& b) {
      return std::tie(a.person.name, a.person.id) < std::tie(b.person.name, b.person.id);
    });
  }
  // Current students by name, then those who left, by name.
  std::sort(students.begin(), students.end(), [](const StudentData& a, const StudentData& b) {
    return std::tie(a.left, a.person.name, a.person.id) < std::tie(b.left, b.person.name, b.person.id);
  });

  auto message = std::make_unique<capnp::MallocMessageBuilder>();
  auto view = message->initRoot<schema::ClassRoster>();
  view.setClassId(class_id);
  view.setClassName(cls->name);
  view.setGrade(cls->grade);
  view.setSchoolId(cls->school_id);
  view.setClassTeacherId(cls->class_teacher_id);
  if (!cls->class_teacher_id.empty()) {
    view.setClassTeacherName(internal::user_name(journal, cls->class_teacher_id));
  }
  view.setPosition(position);
  view.setToday(today);
  auto out = view.initStudents(students.size());
  for (size_t i = 0; i < students.size(); ++i) {
    const StudentData& s = students[i];
    auto o = out[i];
    write_person(s.person, o.initPerson());
    o.setFrom(s.from);
    o.setTo(s.to);
    o.setLeft(s.left);
    o.setDeparted(s.departed);
    auto parents = o.initParents(s.parents.size());
    for (size_t j = 0; j < s.parents.size(); ++j) {
      write_person(s.parents[j].person, parents[j].initPerson());
      parents[j].setRelation(s.parents[j].relation);
    }
  }
  return message;
}

events::Result<std::vector<std::optional<std::string>>> Views::access_rows(
    const std::vector<std::string>& user_ids, uint64_t* position) const {
  internal::ViewReader people(store_, engine_->active_prefix("people"));
  *position = engine_->position();
  std::vector<std::optional<std::string>> rows;
  rows.reserve(user_ids.size());
  for (const std::string& id : user_ids) {
    auto row = people.get("A/" + id);
    if (!row) return std::unexpected(row.error());
    rows.push_back(std::move(*row));
  }
  return rows;
}

}  // namespace zhurnal::projections
