// The lesson events of the "compliance" projection: per-lesson flags and the
// counters, lists and indexes they feed (keys in compliance_projection.hpp).
#include <functional>

#include "compliance_projection.hpp"
#include "compliance_tally.hpp"
#include "rows.hpp"
#include "schema/mark_text.hpp"

namespace zhurnal::projections::internal {
namespace {

using J = schema::JournalEvent;
using schema::mark_text;

// As the register shows it; present (no absence) is blank.
std::string code_text(schema::AttendanceCode c) {
  switch (c) {
    case schema::AttendanceCode::PRESENT:
      return "";
    case schema::AttendanceCode::ABSENT:
      return "Н";
    case schema::AttendanceCode::ILL:
      return "Б";
    case schema::AttendanceCode::EXCUSED:
      return "У";
    case schema::AttendanceCode::LATE:
      return "ОП";
  }
  return "?";
}

std::string slot_text(capnp::Text::Reader date, unsigned number) {
  return str(date) + " №" + std::to_string(number);
}

Tally read_counters(ProjectionTx& tx, const std::string& key) {
  const std::string* stored = tx.find(key);
  return stored ? Tally::read(RowView<schema::Counters>(*stored).get()) : Tally();
}

// An all-zero counters row is not kept.
void write_counters(ProjectionTx& tx, const std::string& key, const Tally& t) {
  if (t.zero()) {
    tx.erase(key);
    return;
  }
  RowBuilder<schema::Counters> row;
  t.write(row.get());
  tx.put(key, row.bytes());
}

void add_counters(ProjectionTx& tx, const std::string& key, const Tally& delta) {
  if (delta.zero()) return;
  Tally t = read_counters(tx, key);
  t.add(delta, 1);
  write_counters(tx, key, t);
}

void add_count(ProjectionTx& tx, const std::string& key, int delta) {
  const auto stored = tx.find(key);
  const long n = (stored ? std::stol(*stored) : 0) + delta;
  if (n > 0)
    tx.put(key, std::to_string(n));
  else
    tx.erase(key);
}

// Where a lesson's contribution is counted.
struct Place {
  std::string lesson, school, month, teacher, klass, subject, subgroup;
  bool graded = false, cancelled = false, listed = false;
};

Place place_of(const std::string& lesson, schema::LessonFlags::Reader f) {
  return {lesson,
          str(f.getSchoolId()),
          str(f.getMonth()),
          str(f.getTeacherId()),
          str(f.getClassId()),
          str(f.getSubjectId()),
          str(f.getSubgroupId()),
          f.getGraded(),
          f.getCancelled(),
          f.getAuditRows() > 0 || f.getMarksLate() > 0};
}

// add_counters(key, -old) then add_counters(key, +now) in one read and one
// write: a lesson event that leaves the lesson in its month, teacher and class
// moves its contribution within the same rows. The rows written are the same
// as the two steps write: the two-step path rounds negative fields to zero in
// between (Tally::write), so it is taken when the middle has any.
void move_counters(ProjectionTx& tx, const std::string& key, const Tally& old, const Tally& now) {
  if (old.zero() && now.zero()) return;
  Tally t = read_counters(tx, key);
  t.add(old, -1);
  for (int64_t v : t.v) {
    if (v < 0) {
      add_counters(tx, key, Tally().add(old, -1));
      add_counters(tx, key, now);
      return;
    }
  }
  t.add(now, 1);
  write_counters(tx, key, t);
}

void contribute(ProjectionTx& tx, const Place& p, const Tally& t, int sign) {
  Tally delta;
  delta.add(t, sign);
  const std::string base = p.school + "/" + p.month + "/";
  add_counters(tx, "T/" + base + p.teacher, delta);
  add_counters(tx, "CC/" + base + p.klass, delta);
  if (p.graded && !p.cancelled) {
    add_count(tx, "PS/" + base + p.klass + "/" + p.teacher + "/" + p.subject + "/" + p.subgroup,
              sign);
  }
  tx.touch("compliance/" + p.school + "/" + p.month);
}

std::string listed_key(const Place& p) { return "LX/" + p.school + "/" + p.month + "/" + p.lesson; }

// Changes a lesson's flags and moves its contribution: minus the old, plus
// the new. Events for lessons this projection never saw scheduled are skipped.
void change_lesson(ProjectionTx& tx, const std::string& lesson,
                   const std::function<void(schema::LessonFlags::Builder)>& change) {
  const std::string key = "LF/" + lesson;
  auto stored = tx.find(key);
  if (!stored) return;
  RowBuilder<schema::LessonFlags> row(stored);
  const Place before = place_of(lesson, row->asReader());
  const Tally old_tally = Tally::of_lesson(row->asReader());
  change(row.get());
  const Place after = place_of(lesson, row->asReader());
  const Tally new_tally = Tally::of_lesson(row->asReader());
  if (before.school == after.school && before.month == after.month &&
      before.teacher == after.teacher && before.klass == after.klass) {
    // The lesson stays in its rows (all but a move to another month).
    const std::string base = after.school + "/" + after.month + "/";
    move_counters(tx, "T/" + base + after.teacher, old_tally, new_tally);
    move_counters(tx, "CC/" + base + after.klass, old_tally, new_tally);
    const std::string ps = "PS/" + base + after.klass + "/" + after.teacher + "/";
    if (before.graded && !before.cancelled) {
      add_count(tx, ps + before.subject + "/" + before.subgroup, -1);
    }
    if (after.graded && !after.cancelled) add_count(tx, ps + after.subject + "/" + after.subgroup, +1);
    tx.touch("compliance/" + after.school + "/" + after.month);
  } else {
    contribute(tx, before, old_tally, -1);
    contribute(tx, after, new_tally, +1);
  }
  if (before.listed) tx.erase(listed_key(before));
  if (after.listed) tx.put(listed_key(after), "");
  tx.put(key, row.bytes());
}

// An entry counts for the teacher when she made it on her own lesson.
void count_entry(const events::RecordedEvent& e, schema::LessonFlags::Builder f) {
  if (str(f.getTeacherId()) == e.actor) f.setEntries(f.getEntries() + 1);
}

struct Audit {
  const char* kind;
  std::string student, previous, value;
  capnp::Text::Reader reason;
};

void add_audit(ProjectionTx& tx, const events::RecordedEvent& e, const std::string& lesson,
               schema::LessonFlags::Builder f, const Audit& a) {
  RowBuilder<schema::CorrectionRow> row;
  row->setPosition(e.position);
  row->setAtUs(e.recorded_at_us);
  row->setActorId(e.actor);
  row->setKind(a.kind);
  row->setLessonId(lesson);
  row->setStudentId(a.student);
  row->setPrevious(a.previous);
  row->setValue(a.value);
  row->setReason(a.reason);
  row->setTeacherId(f.getTeacherId());
  row->setClassId(f.getClassId());
  tx.put("X/" + lesson + "/" + hex16(e.position), row.bytes());
  f.setAuditRows(f.getAuditRows() + 1);
}

// MK/<mark>: whether the mark is active, and its timeliness when posted.
struct MarkState {
  bool active = false, late = false;
  uint32_t delay = 0;
};

std::optional<MarkState> read_mark(ProjectionTx& tx, const std::string& mark) {
  auto stored = tx.find("MK/" + mark);
  if (!stored) return std::nullopt;
  MarkState m;
  char state = 0;
  int late = 0;
  unsigned long delay = 0;
  if (std::sscanf(stored->c_str(), "%c %d %lu", &state, &late, &delay) != 3) return std::nullopt;
  m.active = state == 'a';
  m.late = late != 0;
  m.delay = static_cast<uint32_t>(delay);
  return m;
}

void write_mark(ProjectionTx& tx, const std::string& mark, const MarkState& m) {
  tx.put("MK/" + mark,
         std::string(m.active ? "a " : "c ") + (m.late ? "1 " : "0 ") + std::to_string(m.delay));
}

using Flags = schema::LessonFlags::Builder;

}  // namespace

void apply_compliance_lesson_event(const events::RecordedEvent& e, J::Reader ev, ProjectionTx& tx) {
  switch (ev.which()) {
    case J::LESSON_SCHEDULED: {
      auto x = ev.getLessonScheduled();
      const std::string lesson = str(x.getLessonId());
      auto cls = tx.find("K/" + str(x.getClassId()));
      if (!cls || tx.find("LF/" + lesson)) break;
      const size_t slash = cls->rfind('/');
      RowBuilder<schema::LessonFlags> row;
      row->setSchoolId(cls->substr(0, slash));
      row->setMonth(month_of(str(x.getDate())));
      row->setTeacherId(x.getTeacherId());
      row->setClassId(x.getClassId());
      row->setGraded(std::stoi(cls->substr(slash + 1)) >= 2);
      row->setDate(x.getDate());
      row->setNumber(x.getNumber());
      row->setSubjectId(x.getSubjectId());
      row->setSubgroupId(x.getSubgroupId());
      contribute(tx, place_of(lesson, row->asReader()), Tally::of_lesson(row->asReader()), +1);
      tx.put("LF/" + lesson, row.bytes());
      break;
    }
    case J::LESSON_HELD:
      change_lesson(tx, str(ev.getLessonHeld().getLessonId()), [&](Flags f) {
        f.setHeld(true);
        count_entry(e, f);
      });
      break;
    case J::LESSON_TOPIC_CHANGED:
      change_lesson(tx, str(ev.getLessonTopicChanged().getLessonId()),
                    [&](Flags f) { count_entry(e, f); });
      break;
    case J::HOMEWORK_ASSIGNED:
      change_lesson(tx, str(ev.getHomeworkAssigned().getLessonId()), [&](Flags f) {
        f.setHasHomework(true);
        count_entry(e, f);
      });
      break;
    case J::LESSON_MOVED: {
      auto x = ev.getLessonMoved();
      const std::string lesson = str(x.getLessonId());
      change_lesson(tx, lesson, [&](Flags f) {
        add_audit(tx, e, lesson, f,
                  {"lessonMoved", "", slot_text(f.getDate().asReader(), f.getNumber()),
                   slot_text(x.getDate(), x.getNumber()), x.getReason()});
        f.setDate(x.getDate());
        f.setNumber(x.getNumber());
        f.setMonth(month_of(str(x.getDate())));
      });
      break;
    }
    case J::LESSON_CANCELLED: {
      auto x = ev.getLessonCancelled();
      const std::string lesson = str(x.getLessonId());
      change_lesson(tx, lesson, [&](Flags f) {
        if (f.getCancelled()) return;
        f.setCancelled(true);
        add_audit(tx, e, lesson, f, {"lessonCancelled", "", "", "", x.getReason()});
      });
      break;
    }
    case J::MARK_POSTED: {
      auto x = ev.getMarkPosted();
      const std::string lesson = str(x.getLessonId()), mark = str(x.getMarkId());
      if (read_mark(tx, mark) || !tx.find("LF/" + lesson)) break;
      const MarkState m{true, x.getTimeliness().getLate(), x.getTimeliness().getDelaySeconds()};
      write_mark(tx, mark, m);
      change_lesson(tx, lesson, [&](Flags f) {
        f.setActiveMarks(f.getActiveMarks() + 1);
        if (m.late) {
          f.setMarksLate(f.getMarksLate() + 1);
          f.setLateDelaySeconds(f.getLateDelaySeconds() + m.delay);
        } else {
          f.setMarksOnTime(f.getMarksOnTime() + 1);
        }
        count_entry(e, f);
      });
      if (m.late) {
        RowBuilder<schema::LateMarkRow> row;
        row->setMarkId(mark);
        row->setLessonId(lesson);
        row->setStudentId(x.getStudentId());
        row->setDelaySeconds(m.delay);
        row->setPostedAtUs(e.recorded_at_us);
        row->setPosition(e.position);
        tx.put("LT/" + lesson + "/" + mark, row.bytes());
      }
      break;
    }
    case J::MARK_CORRECTED: {
      auto x = ev.getMarkCorrected();
      const std::string lesson = str(x.getLessonId());
      change_lesson(tx, lesson, [&](Flags f) {
        f.setCorrections(f.getCorrections() + 1);
        count_entry(e, f);
        add_audit(tx, e, lesson, f,
                  {"markCorrected", str(x.getStudentId()), mark_text(x.getPrevious()),
                   mark_text(x.getValue()), x.getReason()});
      });
      break;
    }
    case J::MARK_CANCELLED: {
      auto x = ev.getMarkCancelled();
      const std::string lesson = str(x.getLessonId()), mark = str(x.getMarkId());
      auto m = read_mark(tx, mark);
      if (!m || !m->active) break;
      m->active = false;
      write_mark(tx, mark, *m);
      change_lesson(tx, lesson, [&](Flags f) {
        f.setActiveMarks(f.getActiveMarks() - 1);
        if (m->late) {
          f.setMarksLate(f.getMarksLate() - 1);
          f.setLateDelaySeconds(f.getLateDelaySeconds() - m->delay);
        } else {
          f.setMarksOnTime(f.getMarksOnTime() - 1);
        }
        f.setCancellations(f.getCancellations() + 1);
        count_entry(e, f);
        add_audit(tx, e, lesson, f,
                  {"markCancelled", str(x.getStudentId()), mark_text(x.getPrevious()), "",
                   x.getReason()});
      });
      if (m->late) tx.erase("LT/" + lesson + "/" + mark);
      break;
    }
    case J::ATTENDANCE_RECORDED:
      change_lesson(tx, str(ev.getAttendanceRecorded().getLessonId()), [&](Flags f) {
        f.setAttendanceEntries(f.getAttendanceEntries() + 1);
        count_entry(e, f);
      });
      break;
    case J::ATTENDANCE_CORRECTED: {
      auto x = ev.getAttendanceCorrected();
      const std::string lesson = str(x.getLessonId());
      change_lesson(tx, lesson, [&](Flags f) {
        f.setCorrections(f.getCorrections() + 1);
        count_entry(e, f);
        add_audit(tx, e, lesson, f,
                  {"attendanceCorrected", str(x.getStudentId()), code_text(x.getPrevious()),
                   code_text(x.getCode()), x.getReason()});
      });
      break;
    }
    default:
      break;  // events the check does not count
  }
}

}  // namespace zhurnal::projections::internal
