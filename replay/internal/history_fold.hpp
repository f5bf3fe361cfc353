// The history pass's fold (replay/history.cpp): what the earlier events
// say, as far as telling each event needs it, and the Russian description
// of one event against it (docs/design.md, "replay: rebuild, as-of,
// history").
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "schema/journal.capnp.h"
#include "zhurnal/events/event_log.hpp"
#include "zhurnal/events/types.hpp"
#include "zhurnal/replay/history.hpp"

namespace zhurnal::replay::internal {

// Lets the fold's lesson tables be searched with a lesson id read in place
// from an event (a string_view), without making a string of it.
struct IdHash {
  using is_transparent = void;
  size_t operator()(std::string_view id) const { return std::hash<std::string_view>{}(id); }
};

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
  std::unordered_map<std::string, Lesson, IdHash, std::equal_to<>> lessons;
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
  // describe_and_apply makes no text at all for a quiet lesson event, the
  // bulk of a log (marks, attendance, homework).
  bool quiet = false;
  // Whether the lesson the event being folded is about is kept: its
  // place in the timetable and its values (marks, attendance, topic,
  // homework). A lesson is kept from the first event the history shows
  // about it on, having first read its earlier events from the lesson's
  // stream (keep_lesson), so the fold holds only the lessons of its
  // subject: every event that is about a student, a class or a teacher
  // shows its lesson. A teacher may correct a mark another teacher posted;
  // the correction shows the lesson, and its value before it comes from
  // the stream. At 10.1M events a history then peaked at 0.10-0.21 GB
  // instead of 0.35-0.44 GB, most of which was the region's lessons
  // (docs/benchmarks.md, session 23).
  bool keep_lesson = false;
  std::unordered_set<std::string, IdHash, std::equal_to<>> lessons_kept;

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
  const Lesson* lesson(std::string_view id) const {
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

// The lesson a lesson event is about, read in place from `e`'s message;
// nullopt for other events.
std::optional<std::string_view> lesson_of(schema::JournalEvent::Reader e);

// Whether an event may be about the history's subject, decided before it
// is folded: false only when it certainly is not, so that its text need
// not be made (Fold::quiet). Every student and class an event is about is
// named by a text field of its payload, or for a class also through the
// lesson the event is about. A teacher is the actor, or named by the
// payload, or found through the fold's class teachers (the one a new
// appointment replaces) and assignments (the teacher of one that ends).
// `lesson` is lesson_of(payload), read once an event for the three calls.
bool may_be_about(const Fold& f, schema::JournalEvent::Reader payload,
                  std::optional<std::string_view> lesson, const events::RecordedEvent& e,
                  const HistoryQuery& q, const std::string& own_stream);

// What one event is about, and how it reads.
struct Described {
  std::vector<std::string> students, classes, teachers;
  std::string reason, previous, value, summary;
};

// The value `key` has in `m`, or `fallback`.
std::string prev_or(const std::unordered_map<std::string, std::string>& m, const std::string& key,
                    const std::string& fallback);

// Describes `e` against the fold as it stood before it, then applies it.
// `lesson` is lesson_of(e).
Described describe_and_apply(Fold& f, schema::JournalEvent::Reader e,
                             std::optional<std::string_view> lesson);

// Before `e` is described: sets f.keep_lesson to whether the lesson `e` is
// about is kept. The first time an event about a lesson is shown (not
// quiet), or one that changes it is not in its lesson's stream (an event
// the journal never writes; the stream would not bring it back), the
// lesson is first read from its stream up to `e`, and kept from then on.
// Until then every event that changed it was quiet and in the stream, so
// the stream holds all of them. `lesson` is lesson_of(e).
events::Status keep_lesson(events::EventLog& log, Fold& f, schema::JournalEvent::Reader e,
                           std::optional<std::string_view> lesson,
                           const events::RecordedEvent& recorded);

}  // namespace zhurnal::replay::internal
