// JournalState: the decision state, a fold of the log. Holds only what the
// rules need (who teaches what, who is enrolled where, which marks exist and
// who posted them, which periods are closed), in plain C++ types.
//
// Thread safety: none; the Journal guards it with a shared mutex (apply under
// the exclusive lock, decisions under the shared lock).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "calendar.hpp"
#include "schema/journal.capnp.h"
#include "zhurnal/events/types.hpp"

namespace spdlog {
class logger;
}

namespace zhurnal::commands::internal {

using RoleSet = uint32_t;  // bit (1 << schema::Role)
inline RoleSet role_bit(schema::Role r) { return RoleSet{1} << static_cast<unsigned>(r); }
// The roles of a school's staff: everybody but parents and students.
inline constexpr RoleSet kStaffRoles =
    (RoleSet{1} << static_cast<unsigned>(schema::Role::ADMINISTRATOR)) |
    (RoleSet{1} << static_cast<unsigned>(schema::Role::DIRECTOR)) |
    (RoleSet{1} << static_cast<unsigned>(schema::Role::DEPUTY_DIRECTOR)) |
    (RoleSet{1} << static_cast<unsigned>(schema::Role::SECRETARY)) |
    (RoleSet{1} << static_cast<unsigned>(schema::Role::TEACHER)) |
    (RoleSet{1} << static_cast<unsigned>(schema::Role::AUDITOR));

struct PeriodInfo {
  std::string id;
  std::string name;
  Date start, end;  // inclusive
};

struct Holiday {
  Date start, end;  // inclusive
  std::string name;
};

struct YearInfo {
  std::string id;
  std::string name;  // "2026/2027"
  Date start, end;
  std::vector<PeriodInfo> periods;
  std::vector<Holiday> holidays;  // in the order declared
};

struct WorkType {
  std::string name;
  uint8_t weight = 1;
  bool retired = false;  // no new marks of it (WorkTypeDefined.retired)
};

struct School {
  std::string id;
  std::string name;
  const date::time_zone* zone = nullptr;
  std::vector<int> bells;  // minutes after midnight of lesson n+1's start
  int lesson_minutes = 40;
  std::map<std::string, YearInfo> years;
  std::map<std::string, std::string> subjects;  // id -> name
  std::set<std::string> retired_subjects;       // no new loads or lessons of them
  std::map<std::string, WorkType> work_types;
  std::set<std::string> closed_periods;
  std::set<std::string> signed_months;  // "2026-10"
};

struct User {
  std::string id;
  std::string school_id;
  std::string full_name;
  RoleSet roles = 0;
  bool has_credentials = false;
  std::vector<std::string> children;  // for parents: student ids
};

struct Enrolment {
  std::string class_id;
  Date from, to;  // [from, to): `to` is the first day no longer in the class
};

struct Student {
  std::string id;
  std::string school_id;
  std::string full_name;
  std::vector<Enrolment> enrolments;  // in date order
  std::vector<std::string> guardians;
  bool departed = false;
};

struct Assignment {
  std::string id;
  std::string class_id;
  std::string subgroup_id;
  std::string subject_id;
  std::string teacher_id;
  Date start, end;  // inclusive
};

struct ClassGroup {
  std::string id;
  std::string school_id;
  std::string year_id;
  int grade = 0;
  std::string letter;
  std::string class_teacher_id;
  std::map<std::string, std::set<std::string>> subgroups;  // id -> student ids
  std::vector<std::string> assignments;
  std::vector<std::string> lessons;
};

struct MarkState {
  std::string lesson_id;
  std::string student_id;
  std::string posted_by;
  schema::MarkValue::Which kind = schema::MarkValue::NUMERIC;
  uint8_t numeric = 0;
  schema::NonNumericMark non_numeric = schema::NonNumericMark::PASS;
  uint8_t weight = 1;
  bool cancelled = false;
};

struct Lesson {
  std::string id;
  std::string class_id;
  std::string subgroup_id;
  std::string subject_id;
  std::string teacher_id;
  Date date;
  int number = 1;
  bool held = false;
  bool cancelled = false;
  std::vector<std::string> marks;
  std::map<std::string, schema::AttendanceCode> attendance;  // student -> code
  std::map<std::string, std::string> attendance_by;         // student -> who recorded
};

struct FinalMarkKey {
  std::string student_id, subject_id, period_id;
  schema::FinalMarkKind kind;
  auto operator<=>(const FinalMarkKey&) const = default;
};

class JournalState {
 public:
  explicit JournalState(std::shared_ptr<spdlog::logger> logger) : logger_(std::move(logger)) {}

  // Folds one event. Never fails: the log is the truth. An event this build
  // does not know (a newer schema) is skipped with a warning.
  void apply(const events::RecordedEvent& event);

  uint64_t position() const { return position_; }
  uint64_t stream_version(const std::string& stream) const;

  // Look-ups: nullptr when absent.
  const School* school(const std::string& id) const;
  const User* user(const std::string& id) const;
  const Student* student(const std::string& id) const;
  const ClassGroup* class_group(const std::string& id) const;
  const Assignment* assignment(const std::string& id) const;
  const Lesson* lesson(const std::string& id) const;
  const MarkState* mark(const std::string& id) const;
  bool final_mark_exists(const FinalMarkKey& key) const { return final_marks_.count(key) > 0; }
  bool message_exists(const std::string& id) const { return messages_.count(id) > 0; }
  bool comment_exists(const std::string& id) const { return comments_.count(id) > 0; }
  bool login_taken(const std::string& login) const { return logins_.count(login) > 0; }

  // The class a student is in on a date (empty when none).
  std::string class_on(const Student& s, Date day) const;
  // The period of a school containing a date, or nullptr.
  const PeriodInfo* period_of(const School& school, Date day) const;
  const YearInfo* year_of(const School& school, Date day) const;
  // The school a class belongs to, or nullptr.
  const School* school_of_class(const std::string& class_id) const;
  // Assignments of a class that cover subject (and subgroup) on a date,
  // optionally for one teacher.
  bool teaches(const std::string& teacher_id, const std::string& class_id,
               const std::string& subgroup_id, const std::string& subject_id, Date day) const;
  bool teaches_class(const std::string& teacher_id, const std::string& class_id) const;
  // Every class of the school, any year.
  std::vector<const ClassGroup*> classes_of_school(const std::string& school_id) const;
  // The school's users holding any of `roles`, in id order.
  std::vector<const User*> users_of_school(const std::string& school_id, RoleSet roles) const;
  // Whether the user or student currently holds a login.
  bool has_credentials(const std::string& user_or_student_id) const;

 private:
  void apply_payload(const events::RecordedEvent& e, schema::JournalEvent::Reader ev);

  std::shared_ptr<spdlog::logger> logger_;
  uint64_t position_ = 0;
  std::unordered_map<std::string, uint64_t> versions_;
  std::unordered_map<std::string, School> schools_;
  std::unordered_map<std::string, User> users_;
  std::unordered_map<std::string, Student> students_;
  std::unordered_map<std::string, ClassGroup> classes_;
  std::unordered_map<std::string, Assignment> assignments_;
  std::unordered_map<std::string, Lesson> lessons_;
  std::unordered_map<std::string, MarkState> marks_;
  std::map<FinalMarkKey, int> final_marks_;
  std::set<std::string> messages_, comments_, logins_;
};

// Stream names: one per aggregate.
std::string school_stream(std::string_view id);
std::string user_stream(std::string_view id);
std::string class_stream(std::string_view id);
std::string student_stream(std::string_view id);
std::string lesson_stream(std::string_view id);

}  // namespace zhurnal::commands::internal
