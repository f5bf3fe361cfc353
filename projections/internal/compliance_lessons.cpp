// The lesson events of the "compliance" projection: per-lesson flags and the
// counters, lists and indexes they feed (keys in compliance_projection.hpp).
#include "compliance_commit.hpp"
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

Place place_of(std::string_view lesson, schema::LessonFlags::Reader f) {
  return Place{lesson,
               text_view(f.getSchoolId()),
               text_view(f.getMonth()),
               text_view(f.getTeacherId()),
               text_view(f.getClassId()),
               text_view(f.getSubjectId()),
               text_view(f.getSubgroupId())}
      .read_flags(f);
}

void touch_month(ComplianceCommit& counters, ProjectionTx& tx, const Place& p) {
  counters.touch(tx, RowKey("compliance/", p.school, "/", p.month));
}

// A graded, not cancelled lesson counts in its PS/ row.
bool counted(const Place& p) { return p.graded && !p.cancelled; }

void contribute(ProjectionTx& tx, const Place& p, const Tally& t, int sign) {
  ComplianceCommit& counters = ComplianceCommit::of(tx);
  Tally delta;
  delta.add(t, sign);
  counters.add(tx, p, delta);
  if (counted(p)) counters.add_count(tx, p, sign);
  touch_month(counters, tx, p);
}

RowKey listed_key(const Place& p) { return RowKey("LX/", p.school, "/", p.month, "/", p.lesson); }

// Changes a lesson's flags and moves its contribution: minus the old, plus
// the new. Events for lessons this projection never saw scheduled are skipped
// (false). `change(flags)` may change the lesson's flags, date, number and
// month, and put other rows; it never changes the lesson's school, teacher,
// class, subject or subgroup (no event moves a lesson to another teacher or
// class), so only the month of the place is read again after it. The flags
// and the place are kept until the commit (ComplianceCommit::lesson_row).
template <typename Change>
bool change_lesson(ProjectionTx& tx, std::string_view lesson, Change&& change) {
  ComplianceCommit& counters = ComplianceCommit::of(tx);
  ComplianceCommit::KeptLesson* kept = counters.lesson_row(tx, lesson);
  if (!kept) return false;
  RowBuilder<schema::LessonFlags>& row = kept->row();
  const size_t words = row.words();
  Place before = kept->place(lesson, row->asReader());
  const Tally old_tally = Tally::of_lesson(row->asReader());
  change(row.get());
  kept->changed(row.words() != words);
  const auto now = row->asReader();
  const std::string_view month = text_view(now.getMonth());
  Place after = before;
  after.read_flags(now);
  const Tally new_tally = Tally::of_lesson(now);
  if (month == before.month) {
    // The lesson stays in its rows (all but a move to another month).
    // The same PS/ row before and after: -1 if it counted, then +1 if it counts.
    int count = 0, then = 0;
    if (counted(before)) count = -1;
    if (counted(after)) (count == 0 ? count : then) = +1;
    counters.move(tx, *kept, after, old_tally, new_tally, count, then);
    touch_month(counters, tx, after);
  } else {
    // before.month views the kept place's month, which set_month() replaces.
    const std::string before_month(before.month);
    before.month = before_month;
    kept->set_month(month);
    after.month = kept->month();
    contribute(tx, before, old_tally, -1);
    contribute(tx, after, new_tally, +1);
  }
  if (before.listed) tx.erase(listed_key(before));
  if (after.listed) tx.put(listed_key(after), "");
  return true;
}

// An entry counts for the teacher when she made it on her own lesson.
void count_entry(const events::RecordedEvent& e, schema::LessonFlags::Builder f) {
  if (text_view(f.getTeacherId()) == e.actor) f.setEntries(f.getEntries() + 1);
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

RowKey late_key(std::string_view lesson, std::string_view mark) {
  return RowKey("LT/", lesson, "/", mark);
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
      change_lesson(tx, text_view(ev.getLessonHeld().getLessonId()), [&](Flags f) {
        f.setHeld(true);
        count_entry(e, f);
      });
      break;
    case J::LESSON_TOPIC_CHANGED:
      change_lesson(tx, text_view(ev.getLessonTopicChanged().getLessonId()),
                    [&](Flags f) { count_entry(e, f); });
      break;
    case J::HOMEWORK_ASSIGNED:
      change_lesson(tx, text_view(ev.getHomeworkAssigned().getLessonId()), [&](Flags f) {
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
      // The command layer posts a mark id once, and cancels only an active
      // mark, on the lesson it was posted on (commands/internal/decide_marks.cpp),
      // as the journal projection also relies on; so a mark needs no row of
      // its own here: an active late mark has its LT/ row, and a mark
      // without one is on time (docs/storage-format.md, compliance rows).
      auto x = ev.getMarkPosted();
      const bool late = x.getTimeliness().getLate();
      const uint32_t delay = x.getTimeliness().getDelaySeconds();
      const bool known = change_lesson(tx, text_view(x.getLessonId()), [&](Flags f) {
        f.setActiveMarks(f.getActiveMarks() + 1);
        if (late) {
          f.setMarksLate(f.getMarksLate() + 1);
          f.setLateDelaySeconds(f.getLateDelaySeconds() + delay);
        } else {
          f.setMarksOnTime(f.getMarksOnTime() + 1);
        }
        count_entry(e, f);
      });
      if (known && late) {
        RowBuilder<schema::LateMarkRow> row;
        row->setMarkId(x.getMarkId());
        row->setLessonId(x.getLessonId());
        row->setStudentId(x.getStudentId());
        row->setDelaySeconds(delay);
        row->setPostedAtUs(e.recorded_at_us);
        row->setPosition(e.position);
        tx.put(late_key(text_view(x.getLessonId()), text_view(x.getMarkId())), row.bytes());
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
      const std::string lesson = str(x.getLessonId());
      const RowKey late_row = late_key(lesson, text_view(x.getMarkId()));
      // Read before the change, whose writes may move the stored row.
      const std::string* stored = tx.find(late_row);
      const bool late = stored != nullptr;
      const uint32_t delay = late ? RowView<schema::LateMarkRow>(*stored).get().getDelaySeconds() : 0;
      const bool known = change_lesson(tx, lesson, [&](Flags f) {
        f.setActiveMarks(f.getActiveMarks() - 1);
        if (late) {
          f.setMarksLate(f.getMarksLate() - 1);
          f.setLateDelaySeconds(f.getLateDelaySeconds() - delay);
        } else {
          f.setMarksOnTime(f.getMarksOnTime() - 1);
        }
        f.setCancellations(f.getCancellations() + 1);
        count_entry(e, f);
        add_audit(tx, e, lesson, f,
                  {"markCancelled", str(x.getStudentId()), mark_text(x.getPrevious()), "",
                   x.getReason()});
      });
      if (known && late) tx.erase(late_row);
      break;
    }
    case J::ATTENDANCE_RECORDED:
      change_lesson(tx, text_view(ev.getAttendanceRecorded().getLessonId()), [&](Flags f) {
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
