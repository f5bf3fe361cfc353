// The monthly check of the journal (Views::compliance): the "compliance"
// projection's counters and lists for one school and month, with names from
// the "journal" projection. Every figure is defined in docs/compliance.md.
#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "internal/compliance_tally.hpp"
#include "internal/lookups.hpp"
#include "zhurnal/projections/views.hpp"

namespace zhurnal::projections {

using internal::RowReader;
using internal::str;
using internal::Tally;

namespace {

bool valid_month(const std::string& m) {
  if (m.size() != 7 || m[4] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6}) {
    if (m[i] < '0' || m[i] > '9') return false;
  }
  return m.substr(5) >= "01" && m.substr(5) <= "12";
}

std::vector<std::string> split(std::string_view s, char sep) {
  std::vector<std::string> out;
  size_t from = 0;
  for (size_t at; (at = s.find(sep, from)) != std::string_view::npos; from = at + 1) {
    out.emplace_back(s.substr(from, at - from));
  }
  out.emplace_back(s.substr(from));
  return out;
}

void write_figures(const Tally& t, uint32_t student_subjects,
                   schema::ComplianceView::Figures::Builder out) {
  using namespace internal;
  t.write(out.initCounters());
  out.setStudentSubjects(student_subjects);
  out.setHomeworkShare(static_cast<uint16_t>(share_hundredths(t[kWithHomework], t[kHeld])));
  out.setFillShare(static_cast<uint16_t>(share_hundredths(t[kGradedWithMarks], t[kGradedHeld])));
  out.setOnTimeShare(static_cast<uint16_t>(share_hundredths(t[kMarksOnTime], t[kMarks])));
  out.setMarksPerStudentSubject(static_cast<uint32_t>(
      ratio_rounded(static_cast<uint64_t>(t[kMarks]) * 100, student_subjects)));
  out.setAverageDelaySeconds(
      static_cast<uint32_t>(ratio_rounded(t[kLateDelaySeconds], t[kMarksLate])));
}

// Names and rosters from the journal projection, each looked up once.
class Names {
 public:
  Names(const internal::ViewReader& journal, std::string school, std::string month)
      : j_(journal), school_(std::move(school)), first_(month + "-01"), last_(month + "-31") {}

  const std::string& user(const std::string& id) {
    return cached(users_, id, [&] { return internal::user_name(j_, id); });
  }
  const std::string& student(const std::string& id) {
    return cached(students_, id, [&]() -> std::string {
      auto row = j_.get("ST/" + id);
      if (!row || !*row) return id;
      return str(RowReader<schema::StudentRow>(std::move(**row)).get().getFullName());
    });
  }
  const std::string& subject(const std::string& id) {
    return cached(subjects_, id, [&] { return internal::subject_name(j_, school_, id); });
  }
  const internal::ClassContext& klass(const std::string& id) {
    auto it = classes_.find(id);
    if (it != classes_.end()) return it->second;
    auto c = internal::load_class(j_, id);
    return classes_.emplace(id, c ? *c : internal::ClassContext{id, school_, "", id, 0, ""})
        .first->second;
  }
  // Students in the class (and subgroup) on at least one day of the month.
  uint32_t roster(const std::string& class_id, const std::string& subgroup) {
    const auto key = std::make_pair(class_id, subgroup);
    if (auto it = rosters_.find(key); it != rosters_.end()) return it->second;
    std::set<std::string> members;
    if (!subgroup.empty()) {
      if (auto g = j_.get("G/" + class_id + "/" + subgroup); g && *g) {
        RowReader<schema::SubgroupDefined> r(std::move(**g));
        for (auto s : r.get().getStudentIds()) members.insert(str(s));
      }
    }
    uint32_t n = 0;
    events::Status st =
        j_.scan_prefix("R/" + class_id + "/", [&](std::string_view, std::string_view v) {
          RowReader<schema::StudentRow> r{std::string(v)};
          auto s = r.get();
          const std::string to = str(s.getTo());
          if (str(s.getFrom()) > last_ || (!to.empty() && to <= first_)) return;
          if (subgroup.empty() || members.count(str(s.getStudentId()))) ++n;
        });
    if (!st.is_ok() && status_.is_ok()) status_ = st;
    return rosters_[key] = n;
  }
  // The first failure of a roster scan, if any.
  const events::Status& status() const { return status_; }

 private:
  template <typename F>
  const std::string& cached(std::map<std::string, std::string>& m, const std::string& id, F f) {
    auto it = m.find(id);
    if (it == m.end()) it = m.emplace(id, f()).first;
    return it->second;
  }

  const internal::ViewReader& j_;
  std::string school_, first_, last_;
  std::map<std::string, std::string> users_, students_, subjects_;
  std::map<std::string, internal::ClassContext> classes_;
  std::map<std::pair<std::string, std::string>, uint32_t> rosters_;
  events::Status status_;
};

// Ids of the school's people counted for the month, from "<prefix><id>" rows.
events::Result<std::set<std::string>> people(const internal::ViewReader& c,
                                             const std::string& prefix,
                                             const std::function<bool(std::string_view)>& counts) {
  std::set<std::string> ids;
  events::Status st = c.scan_prefix(prefix, [&](std::string_view k, std::string_view v) {
    if (counts(v)) ids.emplace(k.substr(prefix.size()));
  });
  if (!st.is_ok()) return std::unexpected(st);
  return ids;
}

events::Result<uint32_t> signed_in(const internal::ViewReader& c, const std::string& prefix,
                                   const std::set<std::string>& among) {
  uint32_t n = 0;
  events::Status st = c.scan_prefix(prefix, [&](std::string_view k, std::string_view) {
    n += among.count(std::string(k.substr(prefix.size())));
  });
  if (!st.is_ok()) return std::unexpected(st);
  return n;
}

}  // namespace

events::Result<ViewMessage> Views::compliance(const std::string& school_id,
                                              const std::string& month) const {
  if (!valid_month(month)) {
    return events::error(events::StatusCode::kInvalidArgument,
                         "некорректный месяц (нужно ГГГГ-ММ): " + month);
  }
  internal::ViewReader c(store_, engine_->active_prefix("compliance"));
  internal::ViewReader j(store_, engine_->active_prefix("journal"));
  const uint64_t position = engine_->position();
  auto school = j.get("S/" + school_id);
  if (!school) return std::unexpected(school.error());
  if (!*school)
    return events::error(events::StatusCode::kNotFound, "школа не найдена: " + school_id);
  const std::string base = school_id + "/" + month + "/";
  Names names(j, school_id, month);

  std::map<std::string, Tally> teachers, classes;
  for (auto [prefix, out] :
       {std::pair{"T/" + base, &teachers}, std::pair{"CC/" + base, &classes}}) {
    events::Status st = c.scan_prefix(prefix, [&](std::string_view k, std::string_view v) {
      (*out)[std::string(k.substr(prefix.size()))] =
          Tally::read(RowReader<schema::Counters>{std::string(v)}.get());
    });
    if (!st.is_ok()) return std::unexpected(st);
  }
  // Student-subject pairs: PS/<school>/<month>/<class>/<teacher>/<subject>/<subgroup>.
  std::set<std::tuple<std::string, std::string, std::string>> class_pairs;  // class, subject, group
  std::set<std::tuple<std::string, std::string, std::string, std::string>> teacher_pairs;
  events::Status st = c.scan_prefix("PS/" + base, [&](std::string_view k, std::string_view) {
    auto p = split(k.substr(3 + base.size()), '/');
    if (p.size() != 4) return;
    class_pairs.emplace(p[0], p[2], p[3]);
    teacher_pairs.emplace(p[1], p[0], p[2], p[3]);
  });
  if (!st.is_ok()) return std::unexpected(st);
  std::map<std::string, uint32_t> class_subjects, teacher_subjects;
  for (const auto& [k, subject, group] : class_pairs) class_subjects[k] += names.roster(k, group);
  for (const auto& [t, k, subject, group] : teacher_pairs)
    teacher_subjects[t] += names.roster(k, group);
  if (!names.status().is_ok()) return std::unexpected(names.status());

  auto message = std::make_unique<capnp::MallocMessageBuilder>();
  auto view = message->initRoot<schema::ComplianceView>();
  view.setSchoolId(school_id);
  view.setSchoolName(RowReader<schema::SchoolRegistered>(std::move(**school)).get().getName());
  view.setMonth(month);
  view.setPosition(position);

  Tally total;
  uint32_t total_subjects = 0;
  std::vector<std::string> class_ids;
  for (const auto& [id, t] : classes) {
    total.add(t, 1);
    total_subjects += class_subjects[id];
    class_ids.push_back(id);
  }
  write_figures(total, total_subjects, view.initSchool());
  std::sort(class_ids.begin(), class_ids.end(), [&](const std::string& a, const std::string& b) {
    const auto &x = names.klass(a), &y = names.klass(b);
    return std::tie(x.grade, x.name, a) < std::tie(y.grade, y.name, b);
  });
  auto class_lines = view.initClasses(class_ids.size());
  for (size_t i = 0; i < class_ids.size(); ++i) {
    const auto& k = names.klass(class_ids[i]);
    auto line = class_lines[i];
    line.setId(class_ids[i]);
    line.setName(k.name);
    line.setGrade(k.grade);
    line.setGraded(k.grade >= 2);
    write_figures(classes[class_ids[i]], class_subjects[class_ids[i]], line.initFigures());
  }
  std::vector<std::string> teacher_ids;
  uint32_t with_lessons = 0, with_entries = 0;
  for (const auto& [id, t] : teachers) {
    teacher_ids.push_back(id);
    if (t[internal::kScheduled] > 0) {
      ++with_lessons;
      with_entries += t[internal::kEntries] > 0;
    }
  }
  std::sort(teacher_ids.begin(), teacher_ids.end(),
            [&](const std::string& a, const std::string& b) {
              return std::tie(names.user(a), a) < std::tie(names.user(b), b);
            });
  auto teacher_lines = view.initTeachers(teacher_ids.size());
  for (size_t i = 0; i < teacher_ids.size(); ++i) {
    teacher_lines[i].setId(teacher_ids[i]);
    teacher_lines[i].setName(names.user(teacher_ids[i]));
    write_figures(teachers[teacher_ids[i]], teacher_subjects[teacher_ids[i]],
                  teacher_lines[i].initFigures());
  }

  // Participation.
  const std::string first = month + "-01", last = month + "-31";
  auto parents =
      people(c, "PA/" + school_id + "/", [&](std::string_view since) { return since <= last; });
  auto students = people(c, "SS/" + school_id + "/", [&](std::string_view stints) {
    for (const std::string& line : split(stints, '\n')) {
      const size_t sp = line.find(' ');
      if (sp == std::string::npos) continue;
      const std::string from = line.substr(0, sp), to = line.substr(sp + 1);
      if (from <= last && (to == "-" || to > first)) return true;
    }
    return false;
  });
  if (!parents) return std::unexpected(parents.error());
  if (!students) return std::unexpected(students.error());
  auto parents_in = signed_in(c, "SI/" + base + "parent/", *parents);
  auto students_in = signed_in(c, "SI/" + base + "student/", *students);
  if (!parents_in) return std::unexpected(parents_in.error());
  if (!students_in) return std::unexpected(students_in.error());
  auto part = view.initParticipation();
  part.setTeachersWithLessons(with_lessons);
  part.setTeachersWithEntries(with_entries);
  part.setTeachersShare(
      static_cast<uint16_t>(internal::share_hundredths(with_entries, with_lessons)));
  part.setParents(parents->size());
  part.setParentsSignedIn(*parents_in);
  part.setParentsShare(
      static_cast<uint16_t>(internal::share_hundredths(*parents_in, parents->size())));
  part.setStudents(students->size());
  part.setStudentsSignedIn(*students_in);
  part.setStudentsShare(
      static_cast<uint16_t>(internal::share_hundredths(*students_in, students->size())));

  // Late marks and corrections of the month's lessons that have any.
  struct Lesson {
    std::string id, flags;
  };
  std::vector<Lesson> listed;
  st = c.scan_prefix("LX/" + base, [&](std::string_view k, std::string_view) {
    const std::string id(k.substr(3 + base.size()));
    if (auto f = c.get("LF/" + id); f && *f) listed.push_back({id, std::move(**f)});
  });
  if (!st.is_ok()) return std::unexpected(st);
  struct Item {
    std::string row;
    size_t lesson;
  };
  std::vector<Item> late, fixes;
  for (size_t i = 0; i < listed.size(); ++i) {
    for (auto [prefix, out] : {std::pair{"LT/" + listed[i].id + "/", &late},
                               std::pair{"X/" + listed[i].id + "/", &fixes}}) {
      st = c.scan_prefix(prefix, [&](std::string_view, std::string_view v) {
        out->push_back({std::string(v), i});
      });
      if (!st.is_ok()) return std::unexpected(st);
    }
  }
  auto flags = [&](size_t i) { return RowReader<schema::LessonFlags>(listed[i].flags); };
  auto late_key = [&](const Item& it) {
    RowReader<schema::LessonFlags> f = flags(it.lesson);
    RowReader<schema::LateMarkRow> r(it.row);
    return std::make_tuple(str(f.get().getDate()), f.get().getNumber(), listed[it.lesson].id,
                           r.get().getPosition());
  };
  std::sort(late.begin(), late.end(),
            [&](const Item& a, const Item& b) { return late_key(a) < late_key(b); });
  std::sort(fixes.begin(), fixes.end(), [&](const Item& a, const Item& b) {
    return RowReader<schema::CorrectionRow>(a.row).get().getPosition() <
           RowReader<schema::CorrectionRow>(b.row).get().getPosition();
  });
  auto late_out = view.initLateMarks(late.size());
  for (size_t i = 0; i < late.size(); ++i) {
    RowReader<schema::LessonFlags> fr = flags(late[i].lesson);
    RowReader<schema::LateMarkRow> r(late[i].row);
    auto f = fr.get();
    auto out = late_out[i];
    out.setMark(r.get());
    out.setStudentName(names.student(str(r.get().getStudentId())));
    out.setTeacherId(f.getTeacherId());
    out.setTeacherName(names.user(str(f.getTeacherId())));
    out.setClassId(f.getClassId());
    out.setClassName(names.klass(str(f.getClassId())).name);
    out.setSubjectId(f.getSubjectId());
    out.setSubjectName(names.subject(str(f.getSubjectId())));
    out.setDate(f.getDate());
    out.setNumber(f.getNumber());
  }
  auto fix_out = view.initCorrections(fixes.size());
  for (size_t i = 0; i < fixes.size(); ++i) {
    RowReader<schema::LessonFlags> fr = flags(fixes[i].lesson);
    RowReader<schema::CorrectionRow> r(fixes[i].row);
    auto f = fr.get();
    auto row = r.get();
    auto out = fix_out[i];
    out.setRow(row);
    out.setActorName(names.user(str(row.getActorId())));
    out.setTeacherName(names.user(str(row.getTeacherId())));
    out.setClassName(names.klass(str(row.getClassId())).name);
    if (row.getStudentId().size()) out.setStudentName(names.student(str(row.getStudentId())));
    out.setSubjectId(f.getSubjectId());
    out.setSubjectName(names.subject(str(f.getSubjectId())));
    out.setDate(f.getDate());
    out.setNumber(f.getNumber());
  }

  auto sign_off = c.get("SO/" + base.substr(0, base.size() - 1));
  if (!sign_off) return std::unexpected(sign_off.error());
  if (*sign_off) {
    view.setSignedOff(true);
    view.setSignOff(RowReader<schema::SignOffRow>(std::move(**sign_off)).get());
    view.setSignOffName(names.user(str(view.getSignOff().getDirectorId())));
  }
  return message;
}

}  // namespace zhurnal::projections
