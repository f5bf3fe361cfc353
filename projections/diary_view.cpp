// The student diary (дневник): one week of lessons with topics, homework,
// marks and attendance, the period's averages per subject, and the week's
// comments and messages.
#include <date/date.h>
#include <date/tz.h>

#include <algorithm>
#include <charconv>
#include <map>
#include <set>

#include "internal/averages.hpp"
#include "internal/compliance_projection.hpp"
#include "internal/journal_projection.hpp"
#include "internal/lookups.hpp"
#include "internal/people_projection.hpp"
#include "zhurnal/projections/views.hpp"

namespace zhurnal::projections {

using internal::RowReader;
using internal::str;

namespace {

// Exactly "YYYY-MM-DD" (docs/protocol.md), a real calendar date. (date's
// stream parser took "2026-10-05 and more" as the 5th and a one-digit day or
// month too.)
std::optional<date::sys_days> parse(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  auto number = [](std::string_view t, unsigned* out) {
    const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), *out);
    return ec == std::errc() && end == t.data() + t.size();
  };
  unsigned y = 0, m = 0, d = 0;
  if (!number(s.substr(0, 4), &y) || !number(s.substr(5, 2), &m) || !number(s.substr(8, 2), &d)) {
    return std::nullopt;
  }
  const date::year_month_day ymd{date::year{static_cast<int>(y)}, date::month{m}, date::day{d}};
  if (!ymd.ok()) return std::nullopt;
  return date::sys_days{ymd};
}

std::string format(date::sys_days d) { return date::format("%Y-%m-%d", d); }

// UTC microseconds of local midnight starting `day` in `zone_name` (UTC if unknown).
int64_t local_midnight_us(const std::string& zone_name, date::sys_days day) {
  date::local_days local{day.time_since_epoch()};
  try {
    auto sys = date::locate_zone(zone_name)->to_sys(date::local_seconds{local}, date::choose::earliest);
    return std::chrono::duration_cast<std::chrono::microseconds>(sys.time_since_epoch()).count();
  } catch (const std::exception&) {
    return std::chrono::duration_cast<std::chrono::microseconds>(day.time_since_epoch()).count();
  }
}

bool member_of(const internal::ViewReader& v, const std::string& class_id,
               const std::string& group, const std::string& student,
               std::map<std::string, std::set<std::string>>* cache) {
  if (group.empty()) return true;
  auto it = cache->find(group);
  if (it == cache->end()) {
    std::set<std::string> members;
    if (auto g = v.get("G/" + class_id + "/" + group); g && *g) {
      RowReader<schema::SubgroupDefined> r(std::move(**g));
      for (auto s : r.get().getStudentIds()) members.insert(str(s));
    }
    it = cache->emplace(group, std::move(members)).first;
  }
  return it->second.count(student) > 0;
}

// The diary from the rows `v` reads; `position` is the engine's position
// read before any row. With `only`, the patch of Views::diary_patch: the
// parts the student's cells in those lessons belong to.
events::Result<ViewMessage> build_diary(const internal::ViewReader& v, uint64_t position,
                                        const std::string& student_id, const std::string& date_text,
                                        const std::set<std::string>* only = nullptr) {
  auto day = parse(date_text);
  if (!day) return events::error(events::StatusCode::kInvalidArgument, "некорректная дата: " + date_text);
  const date::sys_days monday = *day - (date::weekday{*day} - date::Monday);
  const std::string week_start = format(monday), week_end = format(monday + date::days{6});

  auto st_row = v.get("ST/" + student_id);
  if (!st_row) return std::unexpected(st_row.error());
  if (!*st_row) return events::error(events::StatusCode::kNotFound, "ученик не найден: " + student_id);
  RowReader<schema::StudentRow> student(std::move(**st_row));
  const std::string class_id = str(student.get().getClassId());
  auto cls = internal::load_class(v, class_id);
  if (!cls) return std::unexpected(cls.error());
  auto period = internal::load_period(v, *cls, "", week_start);
  if (!period) return std::unexpected(period.error());

  auto message = std::make_unique<capnp::MallocMessageBuilder>();
  auto view = message->initRoot<schema::DiaryView>();
  view.setStudentId(student_id);
  view.setFullName(student.get().getFullName());
  view.setClassId(class_id);
  view.setClassName(cls->name);
  view.setWeekStart(week_start);
  internal::write_period(*period, view.initPeriod());
  view.setPosition(position);

  std::map<std::string, std::set<std::string>> groups;
  std::map<std::string, std::string> subject_names, teacher_names;
  auto subject = [&](const std::string& id) -> const std::string& {
    auto it = subject_names.find(id);
    if (it == subject_names.end()) it = subject_names.emplace(id, internal::subject_name(v, cls->school_id, id)).first;
    return it->second;
  };

  // The week's lessons.
  struct Entry {
    std::string lesson, cell;
  };
  std::vector<Entry> entries;
  // The week's lessons are in the period too: their cells are read once.
  std::map<std::string, size_t, std::less<>> week_cells;  // lesson id -> entries index
  const std::string cd = "CD/" + class_id + "/";
  events::Status st = v.scan(cd + week_start, cd + week_end + "~", [&](std::string_view k, std::string_view) {
    const std::string lesson_id(k.substr(k.rfind('/') + 1));
    if (only && !only->contains(lesson_id)) return;
    auto row = v.get("L/" + lesson_id);
    if (!row || !*row) return;
    RowReader<schema::LessonRow> l(**row);
    if (!member_of(v, class_id, str(l.get().getSubgroupId()), student_id, &groups)) return;
    auto cell = v.get("C/" + lesson_id + "/" + student_id);
    entries.push_back({std::move(**row), cell && *cell ? std::move(**cell) : std::string()});
    week_cells.emplace(lesson_id, entries.size() - 1);
  });
  if (!st.is_ok()) return std::unexpected(st);
  auto lessons = view.initLessons(entries.size());
  for (size_t i = 0; i < entries.size(); ++i) {
    RowReader<schema::LessonRow> l(entries[i].lesson);
    auto out = lessons[i];
    out.setLesson(l.get());
    out.setSubjectName(subject(str(l.get().getSubjectId())));
    const std::string teacher = str(l.get().getTeacherId());
    auto t = teacher_names.find(teacher);
    if (t == teacher_names.end()) t = teacher_names.emplace(teacher, internal::user_name(v, teacher)).first;
    out.setTeacherName(t->second);
    if (!entries[i].cell.empty()) {
      RowReader<schema::CellRow> c(entries[i].cell);
      out.setCell(c.get());
    } else {
      out.initCell().setLessonId(l.get().getLessonId());
      out.getCell().setStudentId(student_id);
    }
  }

  // The period's marks and averages per subject.
  struct SubjectMarks {
    internal::AverageAccumulator avg;
    std::vector<std::string> cells;
    std::vector<std::string> dates;  // the lesson date of each cell
  };
  std::map<std::string, SubjectMarks> per_subject;
  std::string last_lesson_date;
  const std::string cl = "CL/" + class_id + "/";
  auto visit = [&](std::string_view k, std::string_view) {
    // CL/<class>/<subject>/<date>/<nn>/<lesson>
    std::string_view rest = k.substr(cl.size());
    const size_t a = rest.find('/');
    const std::string subject_id(rest.substr(0, a));
    const std::string date(rest.substr(a + 1, 10));
    last_lesson_date = std::max(last_lesson_date, date);
    if (date < period->start || date > period->end) return;
    const std::string lesson_id(k.substr(k.rfind('/') + 1));
    SubjectMarks& sm = per_subject[subject_id];
    std::string cell_row;
    if (auto w = week_cells.find(lesson_id); w != week_cells.end()) {
      cell_row = entries[w->second].cell;
    } else if (auto cell = v.get("C/" + lesson_id + "/" + student_id); cell && *cell) {
      cell_row = std::move(**cell);
    }
    if (cell_row.empty()) return;
    RowReader<schema::CellRow> c(cell_row);
    sm.avg.add_cell(c.get());
    sm.cells.push_back(std::move(cell_row));
    sm.dates.push_back(date);
  };
  if (!only) {
    st = v.scan_prefix(cl, visit);
    if (!st.is_ok()) return std::unexpected(st);
    view.setLastLessonDate(last_lesson_date);
  } else {
    // Only the subjects of the patched lessons held in the period, and of
    // those only the period's lessons.
    std::set<std::string> patched;
    for (const std::string& lesson_id : *only) {
      auto row = v.get("L/" + lesson_id);
      if (!row) return std::unexpected(row.error());
      if (!*row) continue;
      RowReader<schema::LessonRow> l(std::move(**row));
      const std::string date = str(l.get().getDate());
      if (str(l.get().getClassId()) != class_id || date < period->start || date > period->end) continue;
      patched.insert(str(l.get().getSubjectId()));
    }
    for (const std::string& subject_id : patched) {
      const std::string base = cl + subject_id + "/";
      st = v.scan(base + period->start, base + period->end + "~", visit);
      if (!st.is_ok()) return std::unexpected(st);
    }
  }
  auto subjects = view.initSubjects(per_subject.size());
  size_t si = 0;
  for (auto& [subject_id, sm] : per_subject) {
    auto out = subjects[si++];
    out.setSubjectId(subject_id);
    out.setName(subject(subject_id));
    sm.avg.write(out.initAverages());
    size_t n = 0;
    for (const std::string& c : sm.cells) n += RowReader<schema::CellRow>(c).get().getMarks().size();
    auto marks = out.initMarks(n);
    size_t mi = 0;
    for (size_t ci = 0; ci < sm.cells.size(); ++ci) {
      RowReader<schema::CellRow> cell(sm.cells[ci]);
      for (auto m : cell.get().getMarks()) {
        marks.setWithCaveats(mi, m);
        marks[mi++].setLessonDate(sm.dates[ci]);
      }
    }
    auto fin = v.get("F/" + class_id + "/" + subject_id + "/" + period->id + "/" + student_id + "/" +
                     std::to_string(static_cast<int>(schema::FinalMarkKind::PERIOD)));
    if (fin && *fin) {
      RowReader<schema::FinalMarkRow> f(std::move(**fin));
      out.setPeriodMark(f.get());
      out.setHasPeriodMark(true);
    }
  }

  // Comments and messages of the week (recorded times, school-local week).
  if (only) return message;
  std::string zone = "UTC";
  if (auto s = v.get("S/" + cls->school_id); s && *s) {
    RowReader<schema::SchoolRegistered> r(std::move(**s));
    zone = str(r.get().getTimeZone());
  }
  const std::string from = internal::hex16(static_cast<uint64_t>(local_midnight_us(zone, monday)));
  const std::string to =
      internal::hex16(static_cast<uint64_t>(local_midnight_us(zone, monday + date::days{7})));
  std::vector<std::string> notes;
  for (const std::string& base : {"N/" + student_id + "/", "NC/" + class_id + "/"}) {
    st = v.scan(base + from, base + to, [&](std::string_view, std::string_view val) {
      notes.emplace_back(val);
    });
    if (!st.is_ok()) return std::unexpected(st);
  }
  auto note_list = view.initNotes(notes.size());
  for (size_t i = 0; i < notes.size(); ++i) {
    RowReader<schema::NoteRow> n(notes[i]);
    note_list.setWithCaveats(i, n.get());
    const std::string author = str(n.get().getAuthorId());
    auto t = teacher_names.find(author);
    if (t == teacher_names.end()) t = teacher_names.emplace(author, internal::user_name(v, author)).first;
    if (t->second != author) note_list[i].setAuthorName(t->second);  // unknown: empty
  }
  return message;
}

}  // namespace

events::Result<ViewMessage> Views::diary(const std::string& student_id,
                                         const std::string& date_text) const {
  internal::ViewReader v(store_, engine_->active_prefix("journal"));
  return build_diary(v, engine_->position(), student_id, date_text);
}

events::Result<ViewMessage> Views::diary(const std::string& student_id, const std::string& date_text,
                                         RowCache& cache) const {
  // The position first: every row read after it reflects at least it.
  const uint64_t position = engine_->position();
  const std::string prefix = engine_->active_prefix("journal");
  RowCache::Use use = cache.use(position, prefix);
  internal::ViewReader v(store_, prefix, &use);
  return build_diary(v, position, student_id, date_text);
}

events::Status Views::check_diary(const std::string& student_id, const std::string& date_text) const {
  // A patch of no lessons: the same header and its errors, and nothing else.
  internal::ViewReader v(store_, engine_->active_prefix("journal"));
  const std::set<std::string> none;
  auto header = build_diary(v, engine_->position(), student_id, date_text, &none);
  return header ? events::Status::ok() : header.error();
}

events::Result<ViewMessage> Views::diary_patch(const std::string& student_id,
                                               const std::string& date_text,
                                               const std::set<std::string>& lessons,
                                               uint64_t position, RowCache& cache) const {
  const std::string prefix = engine_->active_prefix("journal");
  RowCache::Use use = cache.use(engine_->position(), prefix);
  internal::ViewReader v(store_, prefix, &use);
  return build_diary(v, position, student_id, date_text, &lessons);
}

events::Result<std::vector<std::string>> Views::children_of(const std::string& parent_id) const {
  internal::ViewReader v(store_, engine_->active_prefix("journal"));
  std::vector<std::string> children;
  const std::string prefix = "GU/" + parent_id + "/";
  events::Status st = v.scan_prefix(prefix, [&](std::string_view k, std::string_view) {
    children.emplace_back(k.substr(prefix.size()));
  });
  if (!st.is_ok()) return std::unexpected(st);
  return children;
}

std::vector<std::unique_ptr<Projection>> standard_projections() {
  std::vector<std::unique_ptr<Projection>> p;
  p.push_back(std::make_unique<internal::JournalProjection>());
  p.push_back(std::make_unique<internal::ComplianceProjection>());
  p.push_back(std::make_unique<internal::PeopleProjection>());
  return p;
}

}  // namespace zhurnal::projections
