// The class register (журнал класса): students x lessons for one class,
// subject and period, with averages and period marks.
#include <algorithm>
#include <map>

#include "internal/averages.hpp"
#include "internal/journal_projection.hpp"
#include "internal/lookups.hpp"
#include "zhurnal/projections/views.hpp"

namespace zhurnal::projections {

using internal::RowReader;
using internal::str;

namespace {

struct Stint {
  std::string student_id, full_name, from, to;  // to empty: still in class
};

bool in_stint(const Stint& s, const std::string& date) {
  return s.from <= date && (s.to.empty() || date < s.to);
}

}  // namespace

events::Result<ViewMessage> Views::class_register(const std::string& class_id,
                                                  const std::string& subject_id,
                                                  const std::string& period_id) const {
  internal::ViewReader v(store_, engine_->active_prefix("journal"));
  const uint64_t position = engine_->position();
  auto cls = internal::load_class(v, class_id);
  if (!cls) return std::unexpected(cls.error());
  auto period = internal::load_period(v, *cls, period_id);
  if (!period) return std::unexpected(period.error());
  auto subject = v.get("SUB/" + cls->school_id + "/" + subject_id);
  if (!subject) return std::unexpected(subject.error());
  if (!*subject) return events::error(events::StatusCode::kNotFound, "предмет не найден: " + subject_id);

  // Lessons of the period, in date and number order (the index key's order).
  std::vector<std::string> lesson_rows;
  const std::string base = "CL/" + class_id + "/" + subject_id + "/";
  events::Status st = v.scan(base + period->start, base + period->end + "~",
                             [&](std::string_view key, std::string_view) {
                               const std::string lesson(key.substr(key.rfind('/') + 1));
                               auto row = v.get("L/" + lesson);
                               if (row && *row) lesson_rows.push_back(std::move(**row));
                             });
  if (!st.is_ok()) return std::unexpected(st);

  // Students in the class at some day of the period, by name.
  std::vector<Stint> stints;
  st = v.scan_prefix("R/" + class_id + "/", [&](std::string_view, std::string_view value) {
    RowReader<schema::StudentRow> r{std::string(value)};
    auto s = r.get();
    Stint stint{str(s.getStudentId()), str(s.getFullName()), str(s.getFrom()), str(s.getTo())};
    if (stint.from <= period->end && (stint.to.empty() || stint.to > period->start)) {
      stints.push_back(std::move(stint));
    }
  });
  if (!st.is_ok()) return std::unexpected(st);
  std::sort(stints.begin(), stints.end(), [](const Stint& a, const Stint& b) {
    return a.full_name != b.full_name ? a.full_name < b.full_name : a.student_id < b.student_id;
  });

  auto message = std::make_unique<capnp::MallocMessageBuilder>();
  auto view = message->initRoot<schema::RegisterView>();
  view.setClassId(class_id);
  view.setClassName(cls->name);
  view.setGrade(cls->grade);
  view.setSubjectId(subject_id);
  view.setSubjectName(**subject);
  internal::write_period(*period, view.initPeriod());
  view.setPosition(position);

  auto lessons = view.initLessons(lesson_rows.size());
  std::vector<std::map<std::string, std::string>> cells(lesson_rows.size());
  std::vector<std::vector<std::string>> groups(lesson_rows.size());
  for (size_t i = 0; i < lesson_rows.size(); ++i) {
    RowReader<schema::LessonRow> r(lesson_rows[i]);
    auto l = r.get();
    lessons.setWithCaveats(i, l);
    st = v.scan_prefix("C/" + str(l.getLessonId()) + "/", [&](std::string_view k, std::string_view val) {
      cells[i].emplace(std::string(k.substr(k.rfind('/') + 1)), std::string(val));
    });
    if (!st.is_ok()) return std::unexpected(st);
    if (l.getSubgroupId().size()) {
      if (auto g = v.get("G/" + class_id + "/" + str(l.getSubgroupId())); g && *g) {
        RowReader<schema::SubgroupDefined> gr(std::move(**g));
        for (auto s : gr.get().getStudentIds()) groups[i].push_back(str(s));
      }
      groups[i].push_back("");  // marks the lesson as a subgroup lesson
    }
  }

  auto students = view.initStudents(stints.size());
  for (size_t s = 0; s < stints.size(); ++s) {
    const Stint& stint = stints[s];
    auto out = students[s];
    out.setStudentId(stint.student_id);
    out.setFullName(stint.full_name);
    out.setLeft(!stint.to.empty() && stint.to <= period->end);
    auto row_cells = out.initCells(lesson_rows.size());
    internal::AverageAccumulator avg;
    for (size_t i = 0; i < lesson_rows.size(); ++i) {
      const auto l = lessons[i].asReader();
      const bool member = groups[i].empty() ||
                          std::find(groups[i].begin(), groups[i].end(), stint.student_id) !=
                              groups[i].end();
      if (auto it = cells[i].find(stint.student_id); it != cells[i].end()) {
        RowReader<schema::CellRow> c(it->second);
        row_cells.setWithCaveats(i, c.get());
        if (!l.getCancelled()) avg.add_cell(c.get());
      } else {
        row_cells[i].setLessonId(l.getLessonId());
        row_cells[i].setStudentId(stint.student_id);
      }
      if (!member || !in_stint(stint, str(l.getDate()))) row_cells[i].setNotEnrolled(true);
    }
    avg.write(out.initAverages());
    auto fin = v.get("F/" + class_id + "/" + subject_id + "/" + period->id + "/" + stint.student_id +
                     "/" + std::to_string(static_cast<int>(schema::FinalMarkKind::PERIOD)));
    if (fin && *fin) {
      RowReader<schema::FinalMarkRow> f(std::move(**fin));
      out.setPeriodMark(f.get());
      out.setHasPeriodMark(true);
    }
  }
  return message;
}

}  // namespace zhurnal::projections
