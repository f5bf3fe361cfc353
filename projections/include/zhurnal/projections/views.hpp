// Queries of the read models. Each returns a Cap'n Proto message
// (schema/views.capnp) built from the rows of the active generation; the
// server sends it as JSON through the same schema.
//
// Thread safety: any thread; queries read a consistent view per call of the
// underlying store scans (a query that runs during a commit may see rows of
// two neighbouring positions; `position` tells which the caller waited for).
#pragma once

#include <capnp/message.h>

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "schema/views.capnp.h"
#include "zhurnal/events/kv_store.hpp"
#include "zhurnal/events/status.hpp"
#include "zhurnal/projections/engine.hpp"
#include "zhurnal/projections/row_cache.hpp"

namespace zhurnal::projections {

using ViewMessage = std::unique_ptr<capnp::MallocMessageBuilder>;

class Views {
 public:
  // Both must outlive this object.
  Views(events::KvStore* store, const ProjectionEngine* engine) : store_(store), engine_(engine) {}

  // журнал класса for a class, subject and period. kNotFound for an unknown
  // class, subject or period.
  events::Result<ViewMessage> class_register(const std::string& class_id,
                                             const std::string& subject_id,
                                             const std::string& period_id) const;

  // дневник of a student for the week containing `date` ("YYYY-MM-DD").
  events::Result<ViewMessage> diary(const std::string& student_id, const std::string& date) const;
  // The same, reading rows through `cache` (row_cache.hpp): the rows it
  // holds are not read again; the view is the same as without it.
  events::Result<ViewMessage> diary(const std::string& student_id, const std::string& date,
                                    RowCache& cache) const;
  // Whether that diary can be built: the error diary() would return (a bad
  // date, an unknown student, class or period), or ok, without reading the
  // week's lessons or the period's marks. For a subscription's check.
  events::Status check_diary(const std::string& student_id, const std::string& date) const;
  // What the cells of `lessons` (the student's cells there) change in that
  // diary, as a DiaryView holding only those parts: in `lessons`, the
  // entries of these lessons that are in the week; in `subjects`, the whole
  // entry (averages, the period's marks, period mark) of each subject one of
  // these lessons belongs to, when its date is in the period. The header
  // (student, class, week, period) is filled as in the diary, `position`
  // is the one given (the last change the patch is meant to cover: at most
  // the engine's position, at which the rows are read; the caller makes
  // sure the engine got there); notes and
  // lastLessonDate are left unset. Merging it into the diary as of an
  // earlier position (entries replaced by lesson id, subjects by subject id
  // or added in subject id order) gives the diary as of `position`,
  // provided nothing but these cells changed in between.
  events::Result<ViewMessage> diary_patch(const std::string& student_id, const std::string& date,
                                          const std::set<std::string>& lessons, uint64_t position,
                                          RowCache& cache) const;

  // The monthly check of a school's journal for `month` ("YYYY-MM"): the
  // school's, teachers' and classes' figures, participation, late marks,
  // corrections and the director's sign-off (docs/compliance.md).
  // kInvalidArgument for a malformed month, kNotFound for an unknown school.
  events::Result<ViewMessage> compliance(const std::string& school_id,
                                         const std::string& month) const;

  // The interim/final report of a class for a period: averages and period
  // marks per student and subject, успеваемость, качество, СОУ, categories
  // and attendance (docs/compliance.md). kNotFound for an unknown class or
  // period.
  events::Result<ViewMessage> class_report(const std::string& class_id,
                                           const std::string& period_id) const;

  // The children linked to a parent (student ids).
  events::Result<std::vector<std::string>> children_of(const std::string& parent_id) const;

  // The class teacher's class list: the class's students (current ones by
  // name, then those who left) with their parents, each with access and
  // consent (schema ClassRoster). `now_us` (UTC microseconds) gives the
  // school-local day that decides who has left. kNotFound for an unknown class.
  events::Result<ViewMessage> class_roster(const std::string& class_id, int64_t now_us) const;

  // Each user's access row (schema AccessRow bytes, as the class roster
  // shows it), nullopt for one never given a login; *position: the
  // position the rows are as of.
  events::Result<std::vector<std::optional<std::string>>> access_rows(
      const std::vector<std::string>& user_ids, uint64_t* position) const;

 private:
  events::KvStore* store_;
  const ProjectionEngine* engine_;
};

// The projections the server runs, in order.
std::vector<std::unique_ptr<Projection>> standard_projections();

}  // namespace zhurnal::projections
