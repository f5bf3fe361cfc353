#include "journal_projection.hpp"

#include "rows.hpp"

namespace zhurnal::projections::internal {
namespace {

using J = schema::JournalEvent;

// A lesson's number as two digits (the printf "%02d" into four bytes this
// replaced, which it still does outside 0..99: index keys are built for
// every lesson scheduled, and the formatting call was a third of that).
void append_two(std::string* out, int n) {
  if (n >= 0 && n < 100) {
    out->push_back(static_cast<char>('0' + n / 10));
    out->push_back(static_cast<char>('0' + n % 10));
    return;
  }
  char buf[4];
  std::snprintf(buf, sizeof buf, "%02d", n);
  out->append(buf);
}

// Adds or changes a mark in a cell. `change(cell, old_marks)` also gets the
// marks the cell had (the stored row's, read in place; empty for a new
// cell). The ids are the event's texts, read in place: most of the log's
// events change a cell, and copying the ids and the key into strings was a
// tenth of the change.
template <typename Change>
void update_cell(ProjectionTx& tx, capnp::Text::Reader lesson, capnp::Text::Reader student,
                 const Change& change) {
  const RowKey key("C/", text_view(lesson), "/", text_view(student));
  const std::string* stored = tx.find(key);
  RowBuilder<schema::CellRow> row(stored);
  if (stored) {
    // A stored cell has its ids (setting them again left the old texts as
    // zeroed words in the row). `stored` stays valid until the put below.
    RowView<schema::CellRow> old(*stored);
    change(row.get(), old.get().getMarks());
  } else {
    row->setLessonId(lesson);
    row->setStudentId(student);
    change(row.get(), capnp::List<schema::CellMark>::Reader());
  }
  tx.put(key, row.bytes());
}

// The school page's topics (Hub): "books/<school>" when a subject or work
// type is defined or changed (registers and diaries show their names too),
// "school/<school>" when its calendar, classes or staff change.
void touch_books(ProjectionTx& tx, capnp::Text::Reader school) {
  tx.touch("books/" + str(school));
  tx.touch("school/" + str(school));
}

void touch_school(ProjectionTx& tx, capnp::Text::Reader school) {
  tx.touch("school/" + str(school));
}

// Staff: anybody with a role other than student and parent.
bool staff_roles(capnp::List<schema::Role>::Reader roles) {
  for (schema::Role r : roles) {
    if (r != schema::Role::STUDENT && r != schema::Role::PARENT) return true;
  }
  return false;
}

// The same for a change known by its user (staff only: the page lists no
// parents or students) or its class: the school is read from the user's or
// the class's row (absent when the event came first). A rebuild lists no
// topics, so it skips the look-up.
void touch_school_of(ProjectionTx& tx, const std::string& key) {
  if (!tx.lists_topics()) return;
  const std::string* stored = tx.find(key);
  if (!stored) return;
  if (key.starts_with("U/")) {
    auto user = RowView<schema::UserRegistered>(*stored).get();
    if (staff_roles(user.getRoles())) touch_school(tx, user.getSchoolId());
  } else {
    touch_school(tx, RowView<schema::ClassRow>(*stored).get().getSchoolId());
  }
}

void add_mark(schema::CellRow::Builder cell, capnp::List<schema::CellMark>::Reader old,
              const events::RecordedEvent& e, schema::MarkPosted::Reader m) {
  // Lists in Cap'n Proto have a fixed size: copy the old marks into a new
  // list. (They are read from the stored row: initMarks() zeroes the cell's.)
  auto marks = cell.initMarks(old.size() + 1);
  for (unsigned i = 0; i < old.size(); ++i) marks.setWithCaveats(i, old[i]);
  auto n = marks[old.size()];
  n.setMarkId(m.getMarkId());
  n.setValue(m.getValue());
  n.setWorkTypeId(m.getWorkTypeId());
  n.setWeight(m.getWeight());
  n.setComment(m.getComment());
  n.setLate(m.getTimeliness().getLate());
  n.setPostedAtUs(e.recorded_at_us);
  n.setPosition(e.position);
}

void change_mark(schema::CellRow::Builder cell, capnp::Text::Reader mark_id, uint64_t position,
                 const std::function<void(schema::CellMark::Builder)>& change) {
  for (auto m : cell.getMarks()) {
    if (m.getMarkId().asReader() == mark_id) {
      change(m);
      m.setPosition(position);
    }
  }
}

// Changes a scheduled lesson's row: `change(lesson_row)`. The id is the
// event's text, read in place (as update_cell's).
template <typename Change>
void update_lesson(ProjectionTx& tx, capnp::Text::Reader lesson, const Change& change) {
  const RowKey key("L/", text_view(lesson));
  const std::string* stored = tx.find(key);
  if (!stored) return;  // not scheduled: nothing to show
  RowBuilder<schema::LessonRow> row(stored);
  change(row.get());
  tx.put(key, row.bytes());
  if (!tx.lists_topics()) return;
  tx.touch("lesson-class/" + str(row->getClassId()));
  tx.touch("register/" + str(row->getClassId()) + "/" + str(row->getSubjectId()));
}

// A cell changed: the student's diary (that cell only) and the register.
void touch_cell(ProjectionTx& tx, capnp::Text::Reader lesson, capnp::Text::Reader student) {
  if (!tx.lists_topics()) return;  // every topic is touched already
  tx.touch("diary-cell/" + str(student) + "/" + str(lesson));
  if (const std::string* stored = tx.find("L/" + str(lesson))) {
    RowView<schema::LessonRow> row(*stored);
    tx.touch("register/" + str(row.get().getClassId()) + "/" + str(row.get().getSubjectId()));
  }
}

void index_lesson(ProjectionTx& tx, schema::LessonRow::Reader l, bool add) {
  const std::string_view class_id = text_view(l.getClassId()), date = text_view(l.getDate()),
                         lesson = text_view(l.getLessonId());
  const std::string a = class_date_key(class_id, date, l.getNumber(), lesson);
  const std::string b =
      class_subject_key(class_id, text_view(l.getSubjectId()), date, l.getNumber(), lesson);
  if (add) {
    tx.put(a, "");
    tx.put(b, "");
  } else {
    tx.erase(a);
    tx.erase(b);
  }
}

void end_stint(ProjectionTx& tx, const std::string& class_id, const std::string& student,
               capnp::Text::Reader date, bool departed) {
  const std::string key = "R/" + class_id + "/" + student;
  const std::string* stored = tx.find(key);
  if (!stored) return;
  RowBuilder<schema::StudentRow> row(stored);
  row->setTo(date);
  row->setDeparted(departed);
  tx.put(key, row.bytes());
  tx.touch("class/" + class_id);
}

void start_stint(ProjectionTx& tx, const std::string& class_id, const std::string& student,
                 capnp::Text::Reader full_name, capnp::Text::Reader from) {
  RowBuilder<schema::StudentRow> row;
  row->setStudentId(student);
  row->setFullName(full_name);
  row->setClassId(class_id);
  row->setFrom(from);
  const std::string bytes = row.bytes();
  tx.put("R/" + class_id + "/" + student, bytes);
  tx.put("ST/" + student, bytes);
  tx.touch("class/" + class_id);
  tx.touch("diary/" + student);
}

void add_note(ProjectionTx& tx, const std::string& key, const events::RecordedEvent& e,
              capnp::Text::Reader id, const char* kind, capnp::Text::Reader text,
              capnp::Text::Reader lesson) {
  RowBuilder<schema::NoteRow> row;
  row->setId(id);
  row->setKind(kind);
  row->setAuthorId(e.actor);
  row->setText(text);
  row->setAtUs(e.recorded_at_us);
  row->setLessonId(lesson);
  tx.put(key + hex16(static_cast<uint64_t>(e.recorded_at_us)) + "/" + str(id), row.bytes());
}

}  // namespace

std::string class_date_key(std::string_view class_id, std::string_view date, int number,
                           std::string_view lesson_id) {
  std::string k;
  k.reserve(10 + class_id.size() + date.size() + lesson_id.size());
  k.append("CD/").append(class_id).append("/").append(date).append("/");
  append_two(&k, number);
  k.append("/").append(lesson_id);
  return k;
}

std::string class_subject_key(std::string_view class_id, std::string_view subject_id,
                              std::string_view date, int number, std::string_view lesson_id) {
  std::string k;
  k.reserve(11 + class_id.size() + subject_id.size() + date.size() + lesson_id.size());
  k.append("CL/").append(class_id).append("/").append(subject_id).append("/");
  k.append(date).append("/");
  append_two(&k, number);
  k.append("/").append(lesson_id);
  return k;
}

void JournalProjection::apply(const events::RecordedEvent& e, J::Reader ev, ProjectionTx& tx) {
  switch (ev.which()) {
    case J::SCHOOL_REGISTERED:
      tx.put("S/" + str(ev.getSchoolRegistered().getSchoolId()),
             struct_bytes(ev.getSchoolRegistered()));
      touch_school(tx, ev.getSchoolRegistered().getSchoolId());
      break;
    case J::ACADEMIC_YEAR_OPENED: {
      auto x = ev.getAcademicYearOpened();
      tx.put("Y/" + str(x.getSchoolId()) + "/" + str(x.getYearId()), struct_bytes(x));
      touch_school(tx, x.getSchoolId());
      break;
    }
    case J::HOLIDAY_DECLARED:
      touch_school(tx, ev.getHolidayDeclared().getSchoolId());
      break;
    case J::PERIOD_CLOSED:
      touch_school(tx, ev.getPeriodClosed().getSchoolId());
      break;
    case J::PERIOD_REOPENED:
      touch_school(tx, ev.getPeriodReopened().getSchoolId());
      break;
    case J::SUBJECT_DEFINED: {
      auto x = ev.getSubjectDefined();
      tx.put("SUB/" + str(x.getSchoolId()) + "/" + str(x.getSubjectId()), str(x.getName()));
      touch_books(tx, x.getSchoolId());
      break;
    }
    case J::WORK_TYPE_DEFINED: {
      auto x = ev.getWorkTypeDefined();
      tx.put("WT/" + str(x.getSchoolId()) + "/" + str(x.getWorkTypeId()), struct_bytes(x));
      touch_books(tx, x.getSchoolId());
      break;
    }
    case J::USER_REGISTERED: {
      auto x = ev.getUserRegistered();
      tx.put("U/" + str(x.getUserId()), struct_bytes(x));
      if (staff_roles(x.getRoles())) touch_school(tx, x.getSchoolId());
      break;
    }
    case J::ROLES_CHANGED: {
      auto x = ev.getRolesChanged();
      const std::string key = "U/" + str(x.getUserId());
      if (auto stored = tx.find(key)) {
        RowBuilder<schema::UserRegistered> row(stored);
        const bool was_staff = staff_roles(row->asReader().getRoles());
        row->setRoles(x.getRoles());
        if (was_staff || staff_roles(x.getRoles())) touch_school(tx, row->asReader().getSchoolId());
        tx.put(key, row.bytes());
      }
      break;
    }
    case J::CREDENTIALS_ISSUED:
      tx.put("CR/" + str(ev.getCredentialsIssued().getUserId()), "1");
      touch_school_of(tx, "U/" + str(ev.getCredentialsIssued().getUserId()));
      break;
    case J::CREDENTIALS_REVOKED:
      tx.put("CR/" + str(ev.getCredentialsRevoked().getUserId()), "0");
      touch_school_of(tx, "U/" + str(ev.getCredentialsRevoked().getUserId()));
      break;
    case J::CONSENT_RECORDED:
      tx.put("CO/" + str(ev.getConsentRecorded().getUserId()), struct_bytes(ev.getConsentRecorded()));
      break;
    case J::CLASS_OPENED: {
      auto x = ev.getClassOpened();
      RowBuilder<schema::ClassRow> row;
      row->setClassId(x.getClassId());
      row->setSchoolId(x.getSchoolId());
      row->setYearId(x.getYearId());
      row->setGrade(x.getGrade());
      row->setLetter(x.getLetter());
      tx.put("K/" + str(x.getClassId()), row.bytes());
      touch_school(tx, x.getSchoolId());
      break;
    }
    case J::CLASS_TEACHER_ASSIGNED: {
      auto x = ev.getClassTeacherAssigned();
      const std::string key = "K/" + str(x.getClassId());
      if (auto stored = tx.find(key)) {
        RowBuilder<schema::ClassRow> row(stored);
        row->setClassTeacherId(x.getTeacherId());
        tx.put(key, row.bytes());
        touch_school(tx, row->asReader().getSchoolId());
      }
      break;
    }
    case J::TEACHING_ASSIGNED:
      touch_school_of(tx, "K/" + str(ev.getTeachingAssigned().getClassId()));
      break;
    case J::TEACHING_ENDED:
      touch_school_of(tx, "K/" + str(ev.getTeachingEnded().getClassId()));
      break;
    case J::SUBGROUP_DEFINED: {
      auto x = ev.getSubgroupDefined();
      tx.put("G/" + str(x.getClassId()) + "/" + str(x.getSubgroupId()), struct_bytes(x));
      tx.touch("lesson-class/" + str(x.getClassId()));
      break;
    }
    case J::STUDENT_ENROLLED: {
      auto x = ev.getStudentEnrolled();
      start_stint(tx, str(x.getClassId()), str(x.getStudentId()), x.getFullName(), x.getFrom());
      break;
    }
    case J::STUDENT_TRANSFERRED: {
      auto x = ev.getStudentTransferred();
      const std::string student = str(x.getStudentId());
      end_stint(tx, str(x.getFromClassId()), student, x.getDate(), false);
      auto current = tx.find("ST/" + student);
      std::string name;
      if (current) name = str(RowReader<schema::StudentRow>(*current).get().getFullName());
      start_stint(tx, str(x.getToClassId()), student, capnp::Text::Reader(name.c_str(), name.size()),
                  x.getDate());
      break;
    }
    case J::STUDENT_DEPARTED: {
      auto x = ev.getStudentDeparted();
      const std::string student = str(x.getStudentId());
      end_stint(tx, str(x.getClassId()), student, x.getDate(), true);
      if (auto stored = tx.find("ST/" + student)) {
        RowBuilder<schema::StudentRow> row(stored);
        row->setTo(x.getDate());
        row->setDeparted(true);
        tx.put("ST/" + student, row.bytes());
      }
      tx.touch("diary/" + student);
      break;
    }
    case J::GUARDIAN_LINKED: {
      auto x = ev.getGuardianLinked();
      tx.put("GU/" + str(x.getParentId()) + "/" + str(x.getStudentId()), str(x.getRelation()));
      break;
    }
    case J::STUDENT_COMMENTED: {
      auto x = ev.getStudentCommented();
      add_note(tx, "N/" + str(x.getStudentId()) + "/", e, x.getCommentId(), "comment", x.getText(),
               x.getLessonId());
      tx.touch("diary/" + str(x.getStudentId()));
      break;
    }
    case J::STUDENT_MESSAGE_SENT: {
      auto x = ev.getStudentMessageSent();
      add_note(tx, "N/" + str(x.getStudentId()) + "/", e, x.getMessageId(), "message", x.getText(),
               capnp::Text::Reader());
      tx.touch("diary/" + str(x.getStudentId()));
      break;
    }
    case J::CLASS_MESSAGE_SENT: {
      auto x = ev.getClassMessageSent();
      add_note(tx, "NC/" + str(x.getClassId()) + "/", e, x.getMessageId(), "classMessage",
               x.getText(), capnp::Text::Reader());
      tx.touch("lesson-class/" + str(x.getClassId()));
      break;
    }
    case J::FINAL_MARK_SET: {
      auto x = ev.getFinalMarkSet();
      RowBuilder<schema::FinalMarkRow> row;
      row->setStudentId(x.getStudentId());
      row->setSubjectId(x.getSubjectId());
      row->setKind(x.getKind());
      row->setPeriodId(x.getPeriodId());
      row->setValue(x.getValue());
      row->setSuggestedHundredths(x.getSuggestedHundredths());
      tx.put("F/" + str(x.getClassId()) + "/" + str(x.getSubjectId()) + "/" + str(x.getPeriodId()) +
                 "/" + str(x.getStudentId()) + "/" + std::to_string(static_cast<int>(x.getKind())),
             row.bytes());
      tx.touch("diary/" + str(x.getStudentId()));
      tx.touch("register/" + str(x.getClassId()) + "/" + str(x.getSubjectId()));
      break;
    }
    case J::LESSON_SCHEDULED: {
      auto x = ev.getLessonScheduled();
      RowBuilder<schema::LessonRow> row;
      row->setLessonId(x.getLessonId());
      row->setClassId(x.getClassId());
      row->setSubgroupId(x.getSubgroupId());
      row->setSubjectId(x.getSubjectId());
      row->setTeacherId(x.getTeacherId());
      row->setDate(x.getDate());
      row->setNumber(x.getNumber());
      tx.put("L/" + str(x.getLessonId()), row.bytes());
      index_lesson(tx, row.get().asReader(), true);
      tx.touch("lesson-class/" + str(x.getClassId()));
      tx.touch("register/" + str(x.getClassId()) + "/" + str(x.getSubjectId()));
      break;
    }
    case J::LESSON_HELD: {
      auto x = ev.getLessonHeld();
      update_lesson(tx, x.getLessonId(), [&](schema::LessonRow::Builder l) {
        l.setHeld(true);
        if (x.getTopic().size()) l.setTopic(x.getTopic());
      });
      break;
    }
    case J::LESSON_TOPIC_CHANGED: {
      auto x = ev.getLessonTopicChanged();
      update_lesson(tx, x.getLessonId(),
                    [&](schema::LessonRow::Builder l) { l.setTopic(x.getTopic()); });
      break;
    }
    case J::LESSON_MOVED: {
      auto x = ev.getLessonMoved();
      update_lesson(tx, x.getLessonId(), [&](schema::LessonRow::Builder l) {
        index_lesson(tx, l.asReader(), false);
        l.setDate(x.getDate());
        l.setNumber(x.getNumber());
        index_lesson(tx, l.asReader(), true);
      });
      break;
    }
    case J::LESSON_CANCELLED:
      update_lesson(tx, ev.getLessonCancelled().getLessonId(),
                    [](schema::LessonRow::Builder l) { l.setCancelled(true); });
      break;
    case J::HOMEWORK_ASSIGNED: {
      auto x = ev.getHomeworkAssigned();
      update_lesson(tx, x.getLessonId(), [&](schema::LessonRow::Builder l) {
        l.setHomework(x.getText());
        l.setHomeworkDue(x.getDueDate());
        l.setHomeworkLate(x.getTimeliness().getLate());
      });
      break;
    }
    case J::MARK_POSTED: {
      auto x = ev.getMarkPosted();
      const auto lesson = x.getLessonId(), student = x.getStudentId();
      update_cell(tx, lesson, student, [&](schema::CellRow::Builder c, auto old) {
        add_mark(c, old, e, x);
      });
      touch_cell(tx, lesson, student);
      break;
    }
    case J::MARK_CORRECTED: {
      auto x = ev.getMarkCorrected();
      const auto lesson = x.getLessonId(), student = x.getStudentId();
      update_cell(tx, lesson, student, [&](schema::CellRow::Builder c, auto) {
        change_mark(c, x.getMarkId(), e.position, [&](schema::CellMark::Builder m) {
          m.setValue(x.getValue());
          m.setCorrected(true);
        });
      });
      touch_cell(tx, lesson, student);
      break;
    }
    case J::MARK_CANCELLED: {
      auto x = ev.getMarkCancelled();
      const auto lesson = x.getLessonId(), student = x.getStudentId();
      update_cell(tx, lesson, student, [&](schema::CellRow::Builder c, auto) {
        change_mark(c, x.getMarkId(), e.position,
                    [](schema::CellMark::Builder m) { m.setCancelled(true); });
      });
      touch_cell(tx, lesson, student);
      break;
    }
    case J::ATTENDANCE_RECORDED: {
      auto x = ev.getAttendanceRecorded();
      const auto lesson = x.getLessonId(), student = x.getStudentId();
      update_cell(tx, lesson, student, [&](schema::CellRow::Builder c, auto) {
        c.setAttendance(x.getCode());
        c.setAttendanceLate(x.getTimeliness().getLate());
      });
      touch_cell(tx, lesson, student);
      break;
    }
    case J::ATTENDANCE_CORRECTED: {
      auto x = ev.getAttendanceCorrected();
      const auto lesson = x.getLessonId(), student = x.getStudentId();
      update_cell(tx, lesson, student, [&](schema::CellRow::Builder c, auto) {
        c.setAttendance(x.getCode());
        c.setAttendanceCorrected(true);
      });
      touch_cell(tx, lesson, student);
      break;
    }
    default:
      break;  // events this view does not show
  }
}

}  // namespace zhurnal::projections::internal
