// The "people" projection: who has access to the journal and who gave
// personal-data consent, with the families behind the class teacher's class
// list (Views::class_roster). Row keys (relative to the projection's
// generation prefix; docs/storage-format.md):
//   A/<user>                 AccessRow: credentials, sign-ins, consent
//   P/<student>/<parent>     the parent's relation to the student (text)
//   CHL/<parent>             the parent's children, student ids one per line
//   SC/<student>             the student's current class id (text)
// Change topic: "roster/<class>" for every class whose list shows the user
// (a student's class; each class of a parent's children).
#pragma once

#include "zhurnal/projections/projection.hpp"

namespace zhurnal::projections::internal {

class PeopleProjection final : public Projection {
 public:
  std::string_view name() const override { return "people"; }
  uint32_t version() const override { return 2; }  // 2: compact rows
  void apply(const events::RecordedEvent& event, schema::JournalEvent::Reader payload,
             ProjectionTx& tx) override;
};

}  // namespace zhurnal::projections::internal
