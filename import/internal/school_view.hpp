// SchoolView: what the import needs to know about the journal, folded from
// the log. The Journal does not expose its decision state, so the import reads
// the log itself (EventLog::read_all) and decodes only the event types listed
// in school_view.cpp: the school, its years and subjects, users and their
// roles, classes with subgroups, class teachers and teaching assignments, and
// students with their enrolments.
//
// Ids are global in the journal, so users, classes and students of every
// school are kept (the import must not reuse an id taken elsewhere); the
// helpers filter by school. Kept by an import::ImportState, which catches it
// up before each check; not thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "text.hpp"
#include "zhurnal/events/event_log.hpp"

namespace zhurnal::import::internal {

inline constexpr Day kOpenEnd{INT32_MAX};

// Bits as in schema::Role (1 << role).
inline constexpr uint32_t kRoleAdministrator = 1u << 0;
inline constexpr uint32_t kRoleSecretary = 1u << 3;
inline constexpr uint32_t kRoleTeacher = 1u << 4;

struct ViewYear {
  std::string id;
  std::string name;  // "2026/2027"
  Day start, end;    // inclusive
};

struct ViewClass {
  std::string id;
  std::string school_id;
  std::string year_id;
  int grade = 0;
  std::string letter;  // normalised (normalize_letter)
  std::string class_teacher_id;
  std::map<std::string, std::string> subgroups;  // id -> name
};

struct ViewUser {
  std::string id;
  std::string school_id;
  std::string full_name;
  uint32_t roles = 0;
};

struct ViewEnrolment {
  std::string class_id;
  Day from, to;  // [from, to): `to` is the first day no longer in the class
};

struct ViewStudent {
  std::string id;
  std::string school_id;
  std::string full_name;
  Day birth;
  std::vector<ViewEnrolment> enrolments;  // in date order
  bool departed = false;
};

struct ViewAssignment {
  std::string id;
  std::string class_id;
  std::string subgroup_id;
  std::string subject_id;
  std::string teacher_id;
  Day start, end;  // inclusive; end = kOpenEnd when open
};

class SchoolView {
 public:
  explicit SchoolView(std::string school_id) : school_id_(std::move(school_id)) {}

  // Folds the events appended since the last one folded, up to the log's
  // current head (the whole log the first time). Errors: the log's read
  // errors, and kCorruption for a payload that does not decode; the event
  // that failed is not counted as folded, so every later call fails on it
  // again (the view never skips it).
  events::Result<void> catch_up(events::EventLog& log);

  // Folds one event (exposed for tests); unknown types are ignored. Throws
  // kj::Exception when a folded type's payload does not decode, and then
  // does not count the event as folded (position() stays).
  void apply(const events::RecordedEvent& event);

  bool school_found() const { return has_school_; }
  const std::string& school_id() const { return school_id_; }
  const std::string& school_name() const { return school_name_; }
  const std::string& time_zone() const { return time_zone_; }
  uint64_t position() const { return position_; }

  // The year containing `today`, else the first one starting after it.
  const ViewYear* current_year(Day today) const;
  const ViewYear* year(const std::string& id) const;
  // This school's class of a year by grade and (normalised) letter.
  const ViewClass* find_class(const std::string& year_id, int grade,
                              const std::string& letter) const;
  // A subject of this school by id or by name (folded).
  const std::string* subject_id_by_name(const std::string& text) const;
  const std::map<std::string, std::string>& subjects() const { return subjects_; }
  // Retired (SubjectDefined.retired): no new loads of it.
  bool subject_retired(const std::string& id) const { return retired_subjects_.count(id) > 0; }

  const std::map<std::string, ViewUser>& users() const { return users_; }
  const std::map<std::string, ViewClass>& classes() const { return classes_; }
  const std::map<std::string, ViewStudent>& students() const { return students_; }
  const std::map<std::string, ViewAssignment>& assignments() const { return assignments_; }

 private:
  void fold_event(const events::RecordedEvent& event);  // apply() of a folded type

  std::string school_id_;
  bool has_school_ = false;
  std::string school_name_;
  std::string time_zone_;
  uint64_t position_ = 0;
  std::map<std::string, ViewYear> years_;
  std::map<std::string, std::string> subjects_;  // id -> name
  std::set<std::string> retired_subjects_;
  std::map<std::string, ViewUser> users_;
  std::map<std::string, ViewClass> classes_;
  std::map<std::string, ViewStudent> students_;
  std::map<std::string, ViewAssignment> assignments_;
};

}  // namespace zhurnal::import::internal
