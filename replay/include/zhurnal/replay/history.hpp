// replay history: every event about a student, a class or a teacher, in log
// order, with who, when, why, and the value before and after.
//
// "About" (docs/design.md, "replay"):
// - a student: her stream, and every event naming her (marks, attendance,
//   final marks, comments, messages, guardians, subgroups, consent,
//   credentials, sign-ins);
// - a class: its stream, the events of its lessons (scheduling, topics,
//   homework, marks, attendance), enrolments and transfers into or out of it,
//   final marks given in it;
// - a teacher: every event she caused (actor), and those naming her: her user
//   stream, assignments, class leadership, lessons scheduled for her.
// The previous value of a correction, cancellation or replacement is taken
// from the earlier events (the fold), not from what the event says of
// itself; the two agree in a log the journal wrote.
//
// Cost: one forward pass over the log from position 1 (the previous values
// need the whole past), stopping early once `limit` entries past
// `after_position` are found, or at the first event at or after `to_us`
// (recorded times never go back along the log). A HistoryCursor lets the
// next page continue the pass instead. Thread safety: any thread; no shared
// state.
#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "zhurnal/events/event_log.hpp"

namespace zhurnal::replay {

enum class HistorySubject { kStudent, kClass, kTeacher };

struct HistoryQuery {
  HistorySubject kind = HistorySubject::kStudent;
  std::string id;
  int64_t from_us = std::numeric_limits<int64_t>::min();  // inclusive, UTC
  int64_t to_us = std::numeric_limits<int64_t>::max();    // exclusive, UTC
  uint64_t after_position = 0;                            // paging
  size_t limit = std::numeric_limits<size_t>::max();
};

struct HistoryEntry {
  uint64_t position = 0;
  int64_t recorded_at_us = 0;
  std::string recorded_at;  // school-local "YYYY-MM-DD HH:MM:SS"
  std::string event_type;
  std::string stream;
  std::string actor;
  std::string actor_name;  // empty when the actor is not a registered person
  std::string command_id;
  std::string reason;
  std::string previous;  // the value before this event; empty if none
  std::string value;     // the value after it
  std::string summary;   // one line in Russian
  std::string payload_json;  // the domain event as JSON ("null" if undecodable)
};

struct HistoryResult {
  HistorySubject kind = HistorySubject::kStudent;
  std::string id;
  std::string name;  // the subject's name ("5А", a person's full name)
  std::string school_id;
  std::string time_zone;
  std::vector<HistoryEntry> entries;
  uint64_t next_position = 0;  // after_position of the next page; 0: no more
};

// Errors: kInvalidArgument for an empty id, kNotFound for an id the log has
// never named as that kind of subject, storage errors.
events::Result<HistoryResult> history(events::EventLog& log, const HistoryQuery& q);

// Where a paged pass stopped, so that the next page continues it instead of
// folding the log again from position 1 (the auditor's page reads a history
// 200 or 1,000 entries a request; at 10.1M events each pass took 20 s). It
// holds the pass's fold: the names the log has named up to there and the
// subject's lessons with their marks, 0.1-0.2 GB at a region's scale
// (10.1M events). Move-only.
class HistoryCursor {
 public:
  HistoryCursor();
  ~HistoryCursor();
  HistoryCursor(HistoryCursor&&) noexcept;
  HistoryCursor& operator=(HistoryCursor&&) noexcept;

  // Whether a pass for `q` can continue from here: the same subject and
  // time bounds, and q.after_position the next_position of the page this
  // cursor's pass returned.
  bool continues(const HistoryQuery& q) const;
  bool empty() const { return pass_ == nullptr; }

 private:
  struct Pass;
  friend events::Result<HistoryResult> history(events::EventLog&, const HistoryQuery&,
                                               HistoryCursor*);
  std::unique_ptr<Pass> pass_;
};

// The same, continuing `*cursor` when it continues `q` (otherwise from
// position 1). On return `*cursor` holds the pass if the page was full
// (next_position set) and is empty otherwise, also on error. The entries are
// those a pass from position 1 would find: the log only grows.
events::Result<HistoryResult> history(events::EventLog& log, const HistoryQuery& q,
                                      HistoryCursor* cursor);

std::string_view subject_kind_name(HistorySubject kind);  // "student", "class", "teacher"

// Output for `zhurnal replay history --format`: a readable table, one JSON
// object per line (the header object first), or CSV (RFC 4180, header row).
std::string format_history_text(const HistoryResult& h);
std::string format_history_jsonl(const HistoryResult& h);
std::string format_history_csv(const HistoryResult& h);

}  // namespace zhurnal::replay
