// The "journal" projection: lessons, cells (a student in a lesson), class
// rosters, reference books and notes; the rows behind the class register,
// the student diary and the class reports. Row keys (relative to the
// projection's generation prefix; docs/storage-format.md):
//   S/<school>                 SchoolRegistered      Y/<school>/<year>   AcademicYearOpened
//   SUB/<school>/<subject>     subject name          WT/<school>/<wt>    WorkTypeDefined
//   U/<user>                   UserRegistered        GU/<parent>/<student> relation
//   K/<class>                  ClassRow              G/<class>/<group>   SubgroupDefined
//   ST/<student>               StudentRow (current)  R/<class>/<student> StudentRow (stint)
//   L/<lesson>                 LessonRow             C/<lesson>/<student> CellRow
//   CD/<class>/<date>/<nn>/<lesson>                  lessons of a class by date
//   CL/<class>/<subject>/<date>/<nn>/<lesson>        lessons of a class and subject by date
//   F/<class>/<subject>/<period>/<student>/<kind>    FinalMarkRow
//   N/<student>/<at:hex16>/<id>  NoteRow             NC/<class>/<at:hex16>/<id> NoteRow
//   CO/<user> ConsentRecorded     CR/<user> "1" | "0" (credentials active)
// Change topics: "diary/<student>", "diary-cell/<student>/<lesson>" (the
// student's cell in that lesson and nothing else of the diary: marks,
// attendance), "lesson-class/<class>", "register/<class>/<subject>",
// "class/<class>".
#pragma once

#include "zhurnal/projections/projection.hpp"

namespace zhurnal::projections::internal {

class JournalProjection final : public Projection {
 public:
  std::string_view name() const override { return "journal"; }
  uint32_t version() const override { return 2; }  // 2: compact rows
  void apply(const events::RecordedEvent& event, schema::JournalEvent::Reader payload,
             ProjectionTx& tx) override;
};

// Index keys shared with the queries.
std::string class_date_key(std::string_view class_id, std::string_view date, int number,
                           std::string_view lesson_id);
std::string class_subject_key(std::string_view class_id, std::string_view subject_id,
                              std::string_view date, int number, std::string_view lesson_id);

}  // namespace zhurnal::projections::internal
