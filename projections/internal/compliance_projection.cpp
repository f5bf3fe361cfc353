// The "compliance" projection: schools, classes, people, sign-ins and
// sign-offs here; lesson events in compliance_lessons.cpp.
#include "compliance_projection.hpp"

#include <date/date.h>
#include <date/tz.h>

#include "rows.hpp"

namespace zhurnal::projections::internal {
namespace {

using J = schema::JournalEvent;

std::string zone_of(ProjectionTx& tx, const std::string& school) {
  auto z = tx.find("Z/" + school);
  return z ? *z : std::string("UTC");
}

bool has_role(capnp::List<schema::Role>::Reader roles, schema::Role role) {
  for (auto r : roles) {
    if (r == role) return true;
  }
  return false;
}

void set_parent(ProjectionTx& tx, const events::RecordedEvent& e, const std::string& school,
                const std::string& user, bool parent) {
  if (school.empty()) return;
  const std::string key = "PA/" + school + "/" + user;
  if (!parent) {
    if (tx.find(key)) tx.erase(key);
  } else if (!tx.find(key)) {
    tx.put(key, local_date(zone_of(tx, school), e.recorded_at_us));
  }
}

}  // namespace

std::string local_date(const std::string& zone, int64_t utc_us) {
  const date::sys_time<std::chrono::microseconds> t{std::chrono::microseconds{utc_us}};
  try {
    const auto local = date::locate_zone(zone)->to_local(t);
    return date::format("%Y-%m-%d", date::floor<date::days>(local));
  } catch (const std::exception&) {
    return date::format("%Y-%m-%d", date::floor<date::days>(t));
  }
}

void ComplianceProjection::apply(const events::RecordedEvent& e, J::Reader ev, ProjectionTx& tx) {
  switch (ev.which()) {
    case J::SCHOOL_REGISTERED: {
      auto x = ev.getSchoolRegistered();
      tx.put("Z/" + str(x.getSchoolId()), str(x.getTimeZone()));
      break;
    }
    case J::CLASS_OPENED: {
      auto x = ev.getClassOpened();
      tx.put("K/" + str(x.getClassId()), str(x.getSchoolId()) + "/" + std::to_string(x.getGrade()));
      break;
    }
    case J::USER_REGISTERED: {
      auto x = ev.getUserRegistered();
      const std::string user = str(x.getUserId()), school = str(x.getSchoolId());
      if (school.empty()) break;
      tx.put("U/" + user, school);
      set_parent(tx, e, school, user, has_role(x.getRoles(), schema::Role::PARENT));
      break;
    }
    case J::ROLES_CHANGED: {
      auto x = ev.getRolesChanged();
      const std::string user = str(x.getUserId());
      if (auto school = tx.find("U/" + user)) {
        set_parent(tx, e, *school, user, has_role(x.getRoles(), schema::Role::PARENT));
      }
      break;
    }
    case J::STUDENT_ENROLLED: {
      auto x = ev.getStudentEnrolled();
      const std::string student = str(x.getStudentId()), school = str(x.getSchoolId());
      tx.put("U/" + student, school);
      const std::string key = "SS/" + school + "/" + student;
      tx.put(key, tx.get(key).value_or("") + str(x.getFrom()) + " -\n");
      break;
    }
    case J::STUDENT_DEPARTED: {
      auto x = ev.getStudentDeparted();
      const std::string student = str(x.getStudentId());
      auto school = tx.find("U/" + student);
      if (!school) break;
      const std::string key = "SS/" + *school + "/" + student;
      std::string stints = tx.get(key).value_or("");
      const size_t open = stints.rfind(" -\n");
      if (open == std::string::npos) break;
      stints.replace(open + 1, 1, str(x.getDate()));
      tx.put(key, stints);
      break;
    }
    case J::USER_SIGNED_IN: {
      auto x = ev.getUserSignedIn();
      const char* role = x.getRole() == schema::Role::PARENT    ? "parent"
                         : x.getRole() == schema::Role::STUDENT ? "student"
                                                                : nullptr;
      const std::string school = str(x.getSchoolId());
      if (!role || school.empty()) break;
      const std::string month = month_of(local_date(zone_of(tx, school), e.recorded_at_us));
      tx.put("SI/" + school + "/" + month + "/" + role + "/" + str(x.getUserId()), "");
      tx.touch("compliance/" + school + "/" + month);
      break;
    }
    case J::MONTH_SIGNED_OFF: {
      auto x = ev.getMonthSignedOff();
      RowBuilder<schema::SignOffRow> row;
      row->setMonth(x.getMonth());
      row->setDirectorId(e.actor);
      row->setComment(x.getComment());
      row->setAtUs(e.recorded_at_us);
      tx.put("SO/" + str(x.getSchoolId()) + "/" + str(x.getMonth()), row.bytes());
      tx.touch("compliance/" + str(x.getSchoolId()) + "/" + str(x.getMonth()));
      break;
    }
    default:
      apply_compliance_lesson_event(e, ev, tx);
      break;
  }
}

}  // namespace zhurnal::projections::internal
