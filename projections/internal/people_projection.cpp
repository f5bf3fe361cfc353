#include "people_projection.hpp"

#include <vector>

#include "rows.hpp"

namespace zhurnal::projections::internal {
namespace {

using J = schema::JournalEvent;

// Marks the class lists that show `user` as changed: the student's own class,
// or the classes of a parent's children. Nothing once every topic is touched
// (rebuild mode: ProjectionTx::touch_all): the look-ups are for the topics
// alone, and they were a third of this projection's fold at 10M events.
void touch_rosters(ProjectionTx& tx, const std::string& user) {
  if (!tx.lists_topics()) return;
  if (auto cls = tx.find("SC/" + user); cls && !cls->empty()) tx.touch("roster/" + *cls);
  if (auto kids = tx.find("CHL/" + user)) {
    size_t start = 0;
    while (start < kids->size()) {
      size_t end = kids->find('\n', start);
      if (end == std::string::npos) end = kids->size();
      const std::string child = kids->substr(start, end - start);
      if (auto cls = tx.find("SC/" + child); cls && !cls->empty()) tx.touch("roster/" + *cls);
      start = end + 1;
    }
  }
}

void update_access(ProjectionTx& tx, const std::string& user,
                   const std::function<void(schema::AccessRow::Builder)>& change) {
  const std::string key = "A/" + user;
  RowBuilder<schema::AccessRow> row(tx.find(key));
  change(row.get());
  tx.put(key, row.bytes());
  touch_rosters(tx, user);
}

void set_class(ProjectionTx& tx, const std::string& student, const std::string& class_id) {
  if (auto old = tx.find("SC/" + student); old && !old->empty()) tx.touch("roster/" + *old);
  tx.put("SC/" + student, class_id);
  if (!class_id.empty()) tx.touch("roster/" + class_id);
}

}  // namespace

void PeopleProjection::apply(const events::RecordedEvent& e, J::Reader ev, ProjectionTx& tx) {
  switch (ev.which()) {
    case J::CREDENTIALS_ISSUED: {
      auto x = ev.getCredentialsIssued();
      update_access(tx, str(x.getUserId()), [&](schema::AccessRow::Builder a) {
        a.setLogin(x.getLogin());
        a.setActive(true);
        a.setIssuedAtUs(e.recorded_at_us);
      });
      break;
    }
    case J::CREDENTIALS_REVOKED: {
      auto x = ev.getCredentialsRevoked();
      update_access(tx, str(x.getUserId()), [&](schema::AccessRow::Builder a) {
        a.setActive(false);
        a.setRevokedAtUs(e.recorded_at_us);
        a.setRevokeReason(x.getReason());
      });
      break;
    }
    case J::USER_SIGNED_IN: {
      auto x = ev.getUserSignedIn();
      update_access(tx, str(x.getUserId()), [&](schema::AccessRow::Builder a) {
        a.setLastSignInUs(e.recorded_at_us);
        a.setSignIns(a.getSignIns() + 1);
      });
      break;
    }
    case J::CONSENT_RECORDED: {
      auto x = ev.getConsentRecorded();
      update_access(tx, str(x.getUserId()), [&](schema::AccessRow::Builder a) {
        a.setConsentRecorded(true);
        a.setConsentGiven(x.getGiven());
        a.setConsentDate(x.getDocumentDate());
        a.setConsentNote(x.getNote());
        a.setConsentAtUs(e.recorded_at_us);
      });
      break;
    }
    case J::GUARDIAN_LINKED: {
      auto x = ev.getGuardianLinked();
      const std::string student = str(x.getStudentId()), parent = str(x.getParentId());
      const bool known = tx.get("P/" + student + "/" + parent).has_value();
      tx.put("P/" + student + "/" + parent, str(x.getRelation()));
      if (!known) {
        std::string kids = tx.get("CHL/" + parent).value_or("");
        kids += kids.empty() ? student : "\n" + student;
        tx.put("CHL/" + parent, kids);
      }
      if (auto cls = tx.find("SC/" + student); cls && !cls->empty()) tx.touch("roster/" + *cls);
      break;
    }
    case J::STUDENT_ENROLLED: {
      auto x = ev.getStudentEnrolled();
      set_class(tx, str(x.getStudentId()), str(x.getClassId()));
      break;
    }
    case J::STUDENT_TRANSFERRED: {
      auto x = ev.getStudentTransferred();
      tx.touch("roster/" + str(x.getFromClassId()));
      set_class(tx, str(x.getStudentId()), str(x.getToClassId()));
      break;
    }
    case J::STUDENT_DEPARTED: {
      auto x = ev.getStudentDeparted();
      // The list keeps a departed student (crossed out) with her access.
      tx.touch("roster/" + str(x.getClassId()));
      break;
    }
    case J::USER_REGISTERED:
    case J::ROLES_CHANGED:
      touch_rosters(tx, str(ev.which() == J::USER_REGISTERED ? ev.getUserRegistered().getUserId()
                                                             : ev.getRolesChanged().getUserId()));
      break;
    default:
      break;  // events this view does not show
  }
}

}  // namespace zhurnal::projections::internal
