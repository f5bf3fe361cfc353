// Journal: the write side. Takes a command from an actor, checks it against
// the regulation's rules and the current state, and appends the resulting
// events to the log, or rejects it with a stable code and writes nothing.
//
// The decision state (who teaches what, who is enrolled where, which marks
// exist, which periods are closed) is a fold of the log, kept in memory and
// fed by a subscription, so it also sees events written by other processes.
// Each decision appends with the exact versions of the streams it writes; a
// concurrent change to one of them makes the append fail, the state catch up,
// and the decision run again. Reads of other streams (an enrolment, an
// assignment) are not version-checked: a race with a student's transfer in
// the same instant is accepted.
//
// Thread safety: execute() and execute_async() may be called from many
// threads at once.
#pragma once

#include <chrono>
#include <cstdint>
#include <expected>
#include <functional>
#include <memory>
#include <optional>
#include <vector>
#include <string>
#include <string_view>

#include "schema/commands.capnp.h"
#include "zhurnal/commands/errors.hpp"
#include "zhurnal/events/event_log.hpp"

namespace spdlog {
class logger;
}

namespace zhurnal::commands {

// The in-process actor that bootstraps schools and runs imports and the demo
// generator. The server never signs anyone in as this user.
inline constexpr std::string_view kSystemActor = "system";

struct CommandMeta {
  std::string command_id;  // the client's idempotency key
  std::string actor;       // user id of the signed-in person
  std::string correlation_id;
};

struct Accepted {
  uint64_t first_position = 0;
  uint64_t last_position = 0;
  bool duplicate = false;  // a retry: the original result, nothing written
};

using Outcome = std::expected<Accepted, Rejection>;

// A teacher's assignment: what she teaches where, and when.
struct AssignmentInfo {
  std::string assignment_id, class_id, subgroup_id, subject_id;
  std::string start, end;  // "YYYY-MM-DD"; end empty: to the end of the year
};

// A school's reference books as the journal knows them now.
struct SchoolInfo {
  struct Period {
    std::string id, name, start, end, year_id;
    bool closed = false;
  };
  struct Named {
    std::string id, name;
    bool retired = false;  // a subject: no new loads or lessons of it
  };
  struct WorkType {
    std::string id, name;
    uint8_t weight = 1;
    bool retired = false;  // no new marks of it
  };
  struct Class {
    std::string id, name, year_id;  // name: "5А"
    int grade = 0;
    std::string class_teacher_id;
  };
  struct Holiday {
    std::string name, start, end;  // inclusive
  };
  struct Year {
    std::string id, name, start, end;  // "2026/2027"
    std::vector<Holiday> holidays;     // by date
  };
  std::string id, name, time_zone;
  std::vector<std::string> bells;  // lesson n+1 starts at bells[n], "08:30"
  int lesson_minutes = 40;
  std::vector<Year> years;      // by start
  std::vector<Period> periods;  // every year's, in date order
  std::vector<Named> subjects;
  std::vector<WorkType> work_types;
  std::vector<Class> classes;
};

// A week of a class's lessons, as the decision state holds them.
struct ClassWeekInfo {
  struct Lesson {
    std::string id, date, subject_id, subgroup_id, teacher_id;  // date "YYYY-MM-DD"
    int number = 1;
    bool held = false, cancelled = false;
  };
  std::string monday;           // empty: the date asked is malformed
  std::vector<Lesson> lessons;  // by date, number, group
};

// Who a signed-in person is, as the journal knows them.
struct UserInfo {
  std::string id;
  std::string school_id;  // empty for region-wide users (auditors)
  std::string full_name;
  std::vector<std::string> roles;  // schema Role names: "teacher", "parent", ...
  std::vector<std::string> children;  // parents: their students' ids
  std::vector<std::string> classes;   // teachers: classes they teach or lead
  std::string class_id;               // students: their current class
  bool has_credentials = false;
  std::vector<AssignmentInfo> assignments;  // teachers
  std::vector<std::string> led_classes;     // class teachers: their classes
};

struct JournalOptions {
  events::EventLog* log = nullptr;  // must outlive the Journal
  // UTC microseconds; injectable for tests (lateness depends on it).
  std::function<int64_t()> clock_us;
  std::shared_ptr<spdlog::logger> logger;  // may be null
  int max_attempts = 8;  // decisions re-run on a concurrent change
};

class Journal {
 public:
  // Folds the whole log into the decision state before returning.
  static events::Result<std::unique_ptr<Journal>> open(JournalOptions options);
  ~Journal();

  // Blocking; returns once the events are durable and folded into the state
  // (a following command sees them), or with the rejection.
  Outcome execute(const CommandMeta& meta, schema::Command::Reader command);
  // The form for callers that keep several commands in flight (the
  // server's connections). Decides on the calling thread (which may wait
  // there for an earlier command on the same streams to be folded) and
  // returns once the events are handed to the log. `done` runs through
  // `post` when they are durable and folded, with the same outcome execute()
  // would return, or at once with the rejection. `post` is called on the
  // log's and the journal's own threads and must hand the work on (or run it
  // at once if it is short and never blocks). `command` must stay valid
  // until `done` has run. Commands one caller starts one after another are
  // decided in that order, and those writing the same streams are written
  // in that order; a command that needs another's effect on other records
  // should be started after the other's `done`. Destroying the journal
  // waits until every command started this way is answered, so `post` must
  // keep running work until then.
  using Post = std::function<void(std::function<void()>)>;
  void execute_async(const CommandMeta& meta, schema::Command::Reader command, Post post,
                     std::function<void(Outcome)> done);
  // The same for a command in the protocol's JSON form, e.g.
  // {"postMark": {"markId": "m1", "lessonId": "l1", ...}}.
  Outcome execute_json(const CommandMeta& meta, std::string_view json);

  // The person behind a user id (staff, parent or student), or nullopt.
  std::optional<UserInfo> user_info(const std::string& id) const;
  // A school's staff (everybody with a role in it but parents and students),
  // by name; empty for an unknown school.
  std::vector<UserInfo> staff(const std::string& school_id) const;
  // A school's parents (UserInfo::children: their students), by name.
  std::vector<UserInfo> parents(const std::string& school_id) const;
  // Whether a login was ever issued (to anyone): the journal never issues
  // one twice, not even after it was revoked.
  bool login_taken(const std::string& login) const;
  // A school's periods, subjects, work types and classes, or nullopt.
  std::optional<SchoolInfo> school_info(const std::string& school_id) const;
  // The school a class belongs to; empty for an unknown class.
  std::string school_of_class(const std::string& class_id) const;
  // The lessons of the week (Monday to Sunday) holding `date` ("YYYY-MM-DD")
  // of a class; nullopt for an unknown class, no Monday for a malformed date.
  std::optional<ClassWeekInfo> class_week(const std::string& class_id,
                                          const std::string& date) const;
  // Read permissions, checked by the server on every query and every push:
  // a parent reads only her children, a student only herself, a teacher the
  // classes she teaches or leads, the administration its school, the auditor
  // everything.
  bool may_read_student(const std::string& actor, const std::string& student_id) const;
  bool may_read_class(const std::string& actor, const std::string& class_id) const;
  bool may_read_school(const std::string& actor, const std::string& school_id) const;
  bool may_read_log(const std::string& actor) const;
  // Commands are for staff; parents, students and auditors only read.
  bool may_write(const std::string& actor) const;

  // The last log position folded into the decision state.
  uint64_t applied_position() const;
  // Waits until applied_position() >= position or `wait` passes.
  bool wait_applied(uint64_t position, std::chrono::milliseconds wait) const;

 private:
  struct Impl;
  explicit Journal(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace zhurnal::commands
