#include "lookups.hpp"

#include "schema/journal.capnp.h"

namespace zhurnal::projections::internal {

using events::StatusCode;

events::Result<ClassContext> load_class(const ViewReader& v, const std::string& class_id) {
  auto row = v.get("K/" + class_id);
  if (!row) return std::unexpected(row.error());
  if (!*row) return events::error(StatusCode::kNotFound, "класс не найден: " + class_id);
  RowReader<schema::ClassRow> r(std::move(**row));
  auto k = r.get();
  return ClassContext{class_id,
                      str(k.getSchoolId()),
                      str(k.getYearId()),
                      std::to_string(k.getGrade()) + str(k.getLetter()),
                      k.getGrade(),
                      str(k.getClassTeacherId())};
}

events::Result<PeriodRange> load_period(const ViewReader& v, const ClassContext& c,
                                        const std::string& id, const std::string& date) {
  auto row = v.get("Y/" + c.school_id + "/" + c.year_id);
  if (!row) return std::unexpected(row.error());
  if (!*row) return events::error(StatusCode::kNotFound, "учебный год не найден: " + c.year_id);
  RowReader<schema::AcademicYearOpened> r(std::move(**row));
  for (auto p : r.get().getPeriods()) {
    PeriodRange range{str(p.getPeriodId()), str(p.getName()), str(p.getStart()), str(p.getEnd())};
    if (!id.empty() ? range.id == id : (range.start <= date && date <= range.end)) return range;
  }
  if (id.empty()) {
    // Between periods (holidays): the year as a whole.
    auto y = r.get();
    return PeriodRange{str(y.getYearId()), str(y.getName()), str(y.getStart()), str(y.getEnd())};
  }
  return events::error(StatusCode::kNotFound, "учебный период не найден: " + id);
}

std::string subject_name(const ViewReader& v, const std::string& school_id,
                         const std::string& subject_id) {
  auto row = v.get("SUB/" + school_id + "/" + subject_id);
  return row && *row ? **row : subject_id;
}

std::string user_name(const ViewReader& v, const std::string& user_id) {
  auto row = v.get("U/" + user_id);
  if (!row || !*row) return user_id;
  RowReader<schema::UserRegistered> r(std::move(**row));
  return str(r.get().getFullName());
}

void write_period(const PeriodRange& p, schema::PeriodRef::Builder out) {
  out.setPeriodId(p.id);
  out.setName(p.name);
  out.setStart(p.start);
  out.setEnd(p.end);
}

}  // namespace zhurnal::projections::internal
