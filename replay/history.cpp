#include "zhurnal/replay/history.hpp"

#include <capnp/compat/json.h>

#include <optional>

#include "internal/history_fold.hpp"
#include "schema/message_reader.hpp"
#include "zhurnal/replay/local_time.hpp"

namespace zhurnal::replay {
namespace {

using events::StatusCode;
using internal::Described;
using internal::Fold;
using J = schema::JournalEvent;

constexpr size_t kScanBatch = 4096;

bool contains(const std::vector<std::string>& v, const std::string& id) {
  for (const std::string& s : v) {
    if (s == id) return true;
  }
  return false;
}

std::string payload_json(J::Reader e) {
  thread_local capnp::JsonCodec codec;
  try {
    kj::String s = codec.encode(e);
    return std::string(s.cStr(), s.size());
  } catch (const kj::Exception&) {
    return "null";
  }
}

}  // namespace

std::string_view subject_kind_name(HistorySubject kind) {
  switch (kind) {
    case HistorySubject::kStudent: return "student";
    case HistorySubject::kClass: return "class";
    case HistorySubject::kTeacher: return "teacher";
  }
  return "?";
}

struct HistoryCursor::Pass {
  HistorySubject kind = HistorySubject::kStudent;
  std::string id;
  int64_t from_us = 0, to_us = 0;
  uint64_t returned_next = 0;  // the next_position of the page returned
  Fold fold;
  uint64_t next = 1;  // the next position to read
  // The first entry of the next page: read (and folded) when the page was
  // found full, not returned.
  std::optional<HistoryEntry> pending;
};

HistoryCursor::HistoryCursor() = default;
HistoryCursor::~HistoryCursor() = default;
HistoryCursor::HistoryCursor(HistoryCursor&&) noexcept = default;
HistoryCursor& HistoryCursor::operator=(HistoryCursor&&) noexcept = default;

bool HistoryCursor::continues(const HistoryQuery& q) const {
  return pass_ != nullptr && pass_->kind == q.kind && pass_->id == q.id &&
         pass_->from_us == q.from_us && pass_->to_us == q.to_us &&
         pass_->returned_next == q.after_position && q.after_position != 0;
}

events::Result<HistoryResult> history(events::EventLog& log, const HistoryQuery& q) {
  return history(log, q, nullptr);
}

events::Result<HistoryResult> history(events::EventLog& log, const HistoryQuery& q,
                                      HistoryCursor* cursor) {
  if (q.id.empty()) return events::error(StatusCode::kInvalidArgument, "не указан id");
  const size_t limit = q.limit == 0 ? std::numeric_limits<size_t>::max() : q.limit;
  std::unique_ptr<HistoryCursor::Pass> pass;
  if (cursor != nullptr && cursor->continues(q)) pass = std::move(cursor->pass_);
  if (cursor != nullptr) cursor->pass_.reset();
  if (!pass) {
    pass = std::make_unique<HistoryCursor::Pass>();
    pass->kind = q.kind;
    pass->id = q.id;
    pass->from_us = q.from_us;
    pass->to_us = q.to_us;
  }
  Fold& fold = pass->fold;
  uint64_t& next = pass->next;
  HistoryResult out;
  out.kind = q.kind;
  out.id = q.id;
  if (pass->pending) out.entries.push_back(std::move(*pass->pending));
  pass->pending.reset();
  auto known = [&] {
    return q.kind == HistorySubject::kStudent ? fold.students_seen.count(q.id) > 0
           : q.kind == HistorySubject::kClass ? fold.class_names.count(q.id) > 0
                                              : fold.teachers_seen.count(q.id) > 0;
  };
  // The subject's own stream ("student-<id>", ...).
  const std::string own_stream = (q.kind == HistorySubject::kStudent ? "student-"
                                  : q.kind == HistorySubject::kClass ? "class-"
                                                                     : "user-") +
                                 q.id;
  bool stop = false;
  std::vector<events::RecordedEvent> batch;
  while (!stop) {
    // The fields a history shows: the correlation and causation ids and the
    // previous hash are not decoded (docs/benchmarks.md, "Session 25").
    if (events::Status s = log.read_into(next, kScanBatch, &batch, events::EventFields::kHistory);
        !s.is_ok()) {
      return std::unexpected(s);
    }
    if (batch.empty()) break;
    for (const events::RecordedEvent& e : batch) {
      if (e.position != next) {
        return events::error(StatusCode::kCorruption,
                             "gap in the log at position " + std::to_string(next));
      }
      // Nothing at or after the range's end is shown, and recorded times
      // never go back: the pass ends there once it has met the subject.
      if (e.recorded_at_us >= q.to_us && known()) {
        stop = true;
        break;
      }
      ++next;
      Described d;
      std::string json;
      try {
        schema::BoundedMessageReader reader(e.payload);
        auto payload = reader.root<J>();
        // At 10.1M events a student's history took 20-25 s instead of
        // 28-34 s, a class's 23 s instead of 28-32 s (docs/benchmarks.md,
        // session 21).
        const std::optional<std::string_view> lesson = internal::lesson_of(payload);
        fold.quiet = !internal::may_be_about(fold, payload, lesson, e, q, own_stream);
        if (events::Status s = internal::keep_lesson(log, fold, payload, lesson, e); !s.is_ok()) {
          return std::unexpected(s);
        }
        d = internal::describe_and_apply(fold, payload, lesson);
        const bool about =
            q.kind == HistorySubject::kStudent ? contains(d.students, q.id) || e.stream == own_stream
            : q.kind == HistorySubject::kClass ? contains(d.classes, q.id) || e.stream == own_stream
                                               : e.actor == q.id || contains(d.teachers, q.id) ||
                                                     e.stream == own_stream;
        if (!about || e.position <= q.after_position || e.recorded_at_us < q.from_us ||
            e.recorded_at_us >= q.to_us) {
          continue;
        }
        json = payload_json(payload);
      } catch (const kj::Exception&) {
        continue;  // an undecodable payload names no subject (verify reports it)
      }
      HistoryEntry h;
      h.position = e.position;
      h.recorded_at_us = e.recorded_at_us;
      h.event_type = e.type;
      h.stream = e.stream;
      h.actor = e.actor;
      if (auto it = fold.names.find(e.actor); it != fold.names.end()) h.actor_name = it->second;
      h.command_id = e.command_id;
      h.reason = std::move(d.reason);
      h.previous = std::move(d.previous);
      h.value = std::move(d.value);
      h.summary = std::move(d.summary);
      h.payload_json = std::move(json);
      if (out.entries.size() == limit) {
        // The page is full: this entry opens the next one.
        out.next_position = out.entries.back().position;
        pass->pending = std::move(h);
        stop = true;
        break;
      }
      out.entries.push_back(std::move(h));
    }
  }
  if (!known()) {
    return events::error(StatusCode::kNotFound,
                         (q.kind == HistorySubject::kStudent ? "ученик не найден: "
                          : q.kind == HistorySubject::kClass ? "класс не найден: "
                                                             : "сотрудник не найден: ") +
                             q.id);
  }
  if (q.kind == HistorySubject::kClass) {
    out.name = fold.class_names[q.id];
    out.school_id = fold.class_school[q.id];
  } else {
    out.name = fold.names[q.id];
    out.school_id = fold.person_school[q.id];
  }
  out.time_zone = internal::prev_or(fold.school_zone, out.school_id, "");
  for (HistoryEntry& h : out.entries) {
    if (h.recorded_at.empty()) h.recorded_at = format_local_time(h.recorded_at_us, out.time_zone);
  }
  if (cursor != nullptr && out.next_position != 0) {
    pass->returned_next = out.next_position;
    cursor->pass_ = std::move(pass);
  }
  return out;
}

}  // namespace zhurnal::replay
