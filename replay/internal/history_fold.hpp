// The history pass's fold (replay/history.cpp): what the earlier events
// say, as far as telling each event needs it, and the Russian description
// of one event against it (docs/design.md, "replay: rebuild, as-of,
// history").
#pragma once

#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "schema/journal.capnp.h"
#include "zhurnal/events/event_log.hpp"
#include "zhurnal/events/types.hpp"
#include "zhurnal/replay/history.hpp"

namespace zhurnal::replay::internal {

struct Lesson {
  std::string class_id, subject_id, teacher_id, date, topic, homework;
  unsigned number = 0;
};

// What the earlier events say, as far as the history needs it.
struct Fold {
  std::unordered_map<std::string, std::string> names;         // person -> full name
  std::unordered_map<std::string, std::string> person_school;  // person -> school
  std::unordered_map<std::string, std::string> class_names;   // class -> "5А"
  std::unordered_map<std::string, std::string> class_school;
  std::unordered_map<std::string, std::string> school_zone;
  std::unordered_map<std::string, std::string> subjects;      // subject -> name
  std::unordered_map<std::string, std::string> work_types;    // work type -> name
  std::unordered_map<std::string, Lesson> lessons;
  std::unordered_map<std::string, std::string> marks;         // mark -> value
  std::unordered_map<std::string, std::string> attendance;    // lesson/student -> code
  std::unordered_map<std::string, std::string> finals;        // student/subject/kind/period -> value
  std::unordered_map<std::string, std::string> class_teacher;  // class -> teacher
  std::unordered_map<std::string, std::string> roles;         // user -> roles
  std::unordered_map<std::string, std::string> assignment_teacher;
  std::unordered_set<std::string> teachers_seen, students_seen;
  // While set, the helpers below, which only make text (the names of
  // people, classes, subjects and lessons), return "" without a look-up:
  // for events the history will not show. No state is made from them.
  bool quiet = false;
  // Whether a quiet event's mark, attendance, topic and homework values are
  // kept. A student's or a class's history need not keep them: a later
  // event about the same mark, attendance record or lesson names the same
  // student and lesson (the journal copies them from the mark's and the
  // record's state), so it is about the subject exactly when the quiet one
  // was, and is quiet too. A teacher's may correct a mark another teacher
  // posted: her history keeps a lesson's values from the first event it
  // shows about the lesson on, having read the earlier ones from the
  // lesson's stream (keep_lesson_values). At 10.1M events a student's or a
  // class's history then peaked at 0.35 GB instead of 1.13 GB
  // (docs/benchmarks.md, session 22), a teacher's at 0.36 GB instead of
  // 1.13 GB, in 10.1-10.2 s instead of 16.7 s (session 23).
  bool keep_quiet_values = false;
  // The lessons whose values a teacher's history keeps.
  std::unordered_set<std::string> lessons_with_values;

  bool keeps_values() const { return !quiet || keep_quiet_values; }

  std::string name(const std::string& id) const {
    if (quiet) return {};
    auto it = names.find(id);
    return it == names.end() ? id : it->second + " (" + id + ")";
  }
  std::string class_name(const std::string& id) const {
    if (quiet) return {};
    auto it = class_names.find(id);
    return it == class_names.end() ? id : it->second + " (" + id + ")";
  }
  std::string subject(const std::string& id) const {
    if (quiet) return {};
    auto it = subjects.find(id);
    return it == subjects.end() ? id : it->second;
  }
  const Lesson* lesson(const std::string& id) const {
    auto it = lessons.find(id);
    return it == lessons.end() ? nullptr : &it->second;
  }
  std::string lesson_text(const std::string& id) const {
    if (quiet) return {};
    const Lesson* l = lesson(id);
    if (!l) return "урок " + id;
    return subject(l->subject_id) + ", " + class_name(l->class_id) + ", " + l->date + " урок №" +
           std::to_string(l->number);
  }
};

// The lesson a lesson event is about; nullopt for other events.
std::optional<std::string> lesson_of(schema::JournalEvent::Reader e);

// Whether an event may be about the history's subject, decided before it
// is folded: false only when it certainly is not, so that its text need
// not be made (Fold::quiet). Every student and class an event is about is
// named by a text field of its payload, or for a class also through the
// lesson the event is about. A teacher is the actor, or named by the
// payload, or found through the fold's class teachers (the one a new
// appointment replaces) and assignments (the teacher of one that ends).
bool may_be_about(const Fold& f, schema::JournalEvent::Reader payload,
                  const events::RecordedEvent& e, const HistoryQuery& q,
                  const std::string& own_stream);

// What one event is about, and how it reads.
struct Described {
  std::vector<std::string> students, classes, teachers;
  std::string reason, previous, value, summary;
};

// The value `key` has in `m`, or `fallback`.
std::string prev_or(const std::unordered_map<std::string, std::string>& m, const std::string& key,
                    const std::string& fallback);

// Describes `e` against the fold as it stood before it, then applies it.
Described describe_and_apply(Fold& f, schema::JournalEvent::Reader e);

// For a teacher's history, before `e` is described: sets
// f.keep_quiet_values to whether the values of the lesson `e` reads or
// changes are kept. The first time `e` is shown (not quiet) or is not in
// its lesson's stream (an event the journal never writes; the stream would
// not bring it back), the lesson's values are first read from its stream
// up to `e`, and kept from then on. Until then every event that changed
// them was quiet and in the stream, so the stream holds all of them.
events::Status keep_lesson_values(events::EventLog& log, Fold& f, schema::JournalEvent::Reader e,
                                  const events::RecordedEvent& recorded);

}  // namespace zhurnal::replay::internal
