#include "people_projection.hpp"

#include <vector>

#include <absl/container/flat_hash_map.h>

#include "pending_of.hpp"
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

// Sign-ins, kept as counts for the whole commit and written into the users'
// access rows (A/) once, at its end: a user signs in dozens of times a term
// (1.9M of a 10M-event log's events), and reading, copying and writing her
// row at every sign-in was most of this projection's fold.
//
// The bytes are those of the row-by-row path. A sign-in there copies the
// stored row (RowBuilder: the copy lays the row out afresh) and sets two
// numbers, which leaves the layout as the copy made it; so any run of
// sign-ins ends in the bytes of one copy with the last time and the summed
// count, which is what writing the kept sign-ins gives. Another change of
// the row (credentials, consent) writes the user's kept sign-ins first, so
// the changes reach the row in log order.
class SignIns final : public ProjectionTx::Pending {
 public:
  // The transaction's SignIns, created on first use. The transaction must be
  // the people projection's (it holds no other Pending).
  static SignIns& of(ProjectionTx& tx) { return pending_of<SignIns>(tx); }

  void add(const std::string& user, int64_t at_us) {
    auto [it, added] = users_.try_emplace(user);
    if (added) key_bytes_ += heap_bytes(user);
    it->second.last_us = at_us;
    ++it->second.count;  // wraps as the row's UInt32 does
  }
  // Writes `user`'s kept sign-ins, if any, into her row.
  void write_user(ProjectionTx& tx, const std::string& user) {
    auto it = users_.find(user);
    if (it == users_.end()) return;
    write_row(tx, it->first, it->second);
    key_bytes_ -= heap_bytes(it->first);
    users_.erase(it);
  }

  void write(ProjectionTx& tx) override {
    for (const auto& [user, kept] : users_) write_row(tx, user, kept);
    clear();
  }
  void clear() override {
    users_.clear();
    key_bytes_ = 0;
  }
  bool empty() const override { return users_.empty(); }
  size_t held_bytes() const override {
    return users_.capacity() * (sizeof(std::pair<const std::string, Kept>) + 1) + key_bytes_;
  }

 private:
  struct Kept {
    int64_t last_us = 0;
    uint32_t count = 0;
  };
  static void write_row(ProjectionTx& tx, const std::string& user, const Kept& kept) {
    const std::string key = "A/" + user;
    RowBuilder<schema::AccessRow> row(tx.find(key));
    row->setLastSignInUs(kept.last_us);
    row->setSignIns(row->getSignIns() + kept.count);
    tx.put(key, row.bytes());
  }

  absl::flat_hash_map<std::string, Kept> users_;
  size_t key_bytes_ = 0;  // heap bytes of users_'s keys
};

void update_access(ProjectionTx& tx, const std::string& user,
                   const std::function<void(schema::AccessRow::Builder)>& change) {
  SignIns::of(tx).write_user(tx, user);
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
      const std::string user = str(ev.getUserSignedIn().getUserId());
      SignIns::of(tx).add(user, e.recorded_at_us);
      touch_rosters(tx, user);
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
