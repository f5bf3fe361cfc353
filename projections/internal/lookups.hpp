// Look-ups shared by the queries: a class with its school year and periods,
// reference-book names.
#pragma once

#include <optional>
#include <string>

#include "view_reader.hpp"
#include "zhurnal/events/status.hpp"

namespace zhurnal::projections::internal {

struct ClassContext {
  std::string class_id, school_id, year_id, name;  // name: "5А"
  uint8_t grade = 0;
  std::string class_teacher_id;
};

struct PeriodRange {
  std::string id, name, start, end;
};

events::Result<ClassContext> load_class(const ViewReader& v, const std::string& class_id);
// The period by id, or (when `id` is empty) the period containing `date`.
events::Result<PeriodRange> load_period(const ViewReader& v, const ClassContext& c,
                                        const std::string& id, const std::string& date = "");
std::string subject_name(const ViewReader& v, const std::string& school_id,
                         const std::string& subject_id);
std::string user_name(const ViewReader& v, const std::string& user_id);
void write_period(const PeriodRange& p, schema::PeriodRef::Builder out);

}  // namespace zhurnal::projections::internal
