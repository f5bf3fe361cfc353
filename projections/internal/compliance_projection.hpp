// The "compliance" projection: the counters and lists behind the monthly
// check of the journal (Views::compliance; every figure is defined in
// docs/compliance.md). A lesson counts in the month of its current date, for
// its teacher and class; everything it contributes is kept in its LessonFlags
// row, so a move, a cancellation or a cancelled mark moves or removes exactly
// that contribution. Row keys (relative to the projection's generation prefix):
//   Z/<school>                   the school's IANA time zone (text)
//   K/<class>                    "<school>/<grade>" (text)
//   U/<user or student>          the school id (text)
//   PA/<school>/<user>           a parent of the school: the school-local date the
//                                parent role began, "YYYY-MM-DD" (text)
//   SS/<school>/<student>        stints in the school, one "<from> <to>\n" each;
//                                to is the departure date, "-" while enrolled
//   SI/<school>/<month>/<role>/<user>   "" signed in during the school-local month
//                                (role "parent" or "student")
//   SO/<school>/<month>          SignOffRow
//   LF/<lesson>                  LessonFlags
//   T/<school>/<month>/<teacher> Counters       CC/<school>/<month>/<class> Counters
//                                (both erased when every counter is zero)
//   PS/<school>/<month>/<class>/<teacher>/<subject>/<subgroup>
//                                non-cancelled lessons of a graded class (decimal)
//   LX/<school>/<month>/<lesson> "" the lesson has late marks or correction rows
//   LT/<lesson>/<mark>           LateMarkRow of an active late mark (a mark
//                                without one is on time or cancelled)
//   X/<lesson>/<position:hex16>  CorrectionRow
// Change topic: "compliance/<school>/<month>".
#pragma once

#include "zhurnal/projections/projection.hpp"

namespace zhurnal::projections::internal {

class ComplianceProjection final : public Projection {
 public:
  std::string_view name() const override { return "compliance"; }
  uint32_t version() const override { return 3; }  // 2: no MK/ rows; 3: compact rows
  void apply(const events::RecordedEvent& event, schema::JournalEvent::Reader payload,
             ProjectionTx& tx) override;
};

// The lesson events (compliance_lessons.cpp); others are ignored.
void apply_compliance_lesson_event(const events::RecordedEvent& event,
                                   schema::JournalEvent::Reader payload, ProjectionTx& tx);

// "YYYY-MM-DD" of a UTC instant in an IANA zone (UTC when the zone is unknown).
std::string local_date(const std::string& zone, int64_t utc_us);

}  // namespace zhurnal::projections::internal
