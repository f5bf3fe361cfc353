// The "compliance" projection: schools, classes, people, sign-ins and
// sign-offs here; lesson events in compliance_lessons.cpp.
#include "compliance_projection.hpp"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <vector>

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

// A school-local date and the UTC instants [from_us, to_us) that fall on it
// under one of the zone's offsets.
struct LocalDay {
  std::string zone, date;
  int64_t from_us = 0, to_us = 0;
};

// "YYYY-MM-DD", as date::format("%Y-%m-%d") writes it for years 0 to 9999
// (which went through an ostringstream and was 8% of the compliance fold at
// 10M events: every parent's and student's sign-in asks).
std::string iso_date(date::local_days day) {
  const date::year_month_day ymd{day};
  const int y = static_cast<int>(ymd.year());
  if (y < 0 || y > 9999) return date::format("%Y-%m-%d", day);
  const unsigned m = static_cast<unsigned>(ymd.month()), d = static_cast<unsigned>(ymd.day());
  const char out[10] = {char('0' + y / 1000),     char('0' + y / 100 % 10), char('0' + y / 10 % 10),
                        char('0' + y % 10),       '-',
                        char('0' + m / 10),       char('0' + m % 10),       '-',
                        char('0' + d / 10),       char('0' + d % 10)};
  return std::string(out, sizeof out);
}

LocalDay compute_local_day(const std::string& zone, int64_t utc_us) {
  using std::chrono::microseconds;
  using Us = date::sys_time<microseconds>;
  const Us t{microseconds{utc_us}};
  // The offset in force at t and the instants it holds for; UTC (for all
  // time) when the zone is unknown.
  int64_t offset_us = 0, valid_from = INT64_MIN, valid_to = INT64_MAX;
  try {
    const date::sys_info info = date::locate_zone(zone)->get_info(t);
    offset_us = std::chrono::duration_cast<microseconds>(info.offset).count();
    valid_from = std::chrono::time_point_cast<microseconds>(info.begin).time_since_epoch().count();
    valid_to = std::chrono::time_point_cast<microseconds>(info.end).time_since_epoch().count();
  } catch (const std::exception&) {
  }
  const date::local_days day =
      date::floor<date::days>(date::local_time<microseconds>{microseconds{utc_us + offset_us}});
  const int64_t day_start = std::chrono::time_point_cast<microseconds>(day).time_since_epoch().count();
  const int64_t day_us = int64_t{86400} * 1000000;
  return {zone, iso_date(day), std::max(valid_from, day_start - offset_us),
          std::min(valid_to, day_start + day_us - offset_us)};
}

}  // namespace

std::string local_date(const std::string& zone, int64_t utc_us) {
  // Sign-ins come day after day, school after school: the last day of each
  // zone asked for answers almost every call without the time-zone rules.
  thread_local std::vector<LocalDay> days;
  for (const LocalDay& d : days) {
    if (d.zone == zone && utc_us >= d.from_us && utc_us < d.to_us) return d.date;
  }
  LocalDay d = compute_local_day(zone, utc_us);
  std::string date = d.date;
  auto same_zone = std::find_if(days.begin(), days.end(), [&](const LocalDay& x) { return x.zone == zone; });
  if (same_zone != days.end()) {
    *same_zone = std::move(d);
  } else if (days.size() < 16) {
    days.push_back(std::move(d));
  } else {  // the zone asked for longest ago goes
    std::rotate(days.begin(), days.begin() + 1, days.end());
    days.back() = std::move(d);
  }
  return date;
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
