// Who may read what: the read side of the permission matrix
// (docs/permissions.md), over the decision state.
#pragma once

#include <optional>
#include <string>

#include "state.hpp"
#include "zhurnal/commands/journal.hpp"

namespace zhurnal::commands::internal {

// `now_us` (UTC microseconds) decides which of a teacher's assignments still
// give her read access: see teacher_reads_class in read_access.cpp and
// docs/permissions.md.
std::optional<UserInfo> describe_user(const JournalState& s, const std::string& id, int64_t now_us);
std::optional<SchoolInfo> describe_school(const JournalState& s, const std::string& id);
std::optional<ClassWeekInfo> describe_class_week(const JournalState& s, const std::string& class_id,
                                                 const std::string& date);
// The school's users holding any of `roles` (kStaffRoles: its staff), by
// name then id.
std::vector<UserInfo> describe_users(const JournalState& s, const std::string& school_id,
                                     RoleSet roles, int64_t now_us);
bool may_read_student(const JournalState& s, const std::string& actor, const std::string& student,
                      int64_t now_us);
bool may_read_class(const JournalState& s, const std::string& actor, const std::string& class_id,
                    int64_t now_us);
bool may_read_school(const JournalState& s, const std::string& actor, const std::string& school);
bool may_read_log(const JournalState& s, const std::string& actor);
bool may_write(const JournalState& s, const std::string& actor);

}  // namespace zhurnal::commands::internal
