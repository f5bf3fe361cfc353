#include "zhurnal/replay/history.hpp"

#include <capnp/compat/json.h>

#include <optional>
#include <unordered_map>
#include <unordered_set>

#include "internal/event_text.hpp"
#include "schema/message_reader.hpp"
#include "zhurnal/replay/local_time.hpp"

namespace zhurnal::replay {
namespace {

using events::StatusCode;
using internal::str;
using J = schema::JournalEvent;

constexpr size_t kScanBatch = 4096;

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
  // was, and is quiet too. A teacher's must: she may correct a mark another
  // teacher posted. At 10.1M events a student's or a class's history then
  // peaked at 0.35 GB instead of 1.13 GB (docs/benchmarks.md, session 22).
  bool keep_quiet_values = true;

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
std::optional<std::string> lesson_of(J::Reader e) {
  switch (e.which()) {
    case J::LESSON_HELD: return str(e.getLessonHeld().getLessonId());
    case J::LESSON_TOPIC_CHANGED: return str(e.getLessonTopicChanged().getLessonId());
    case J::LESSON_MOVED: return str(e.getLessonMoved().getLessonId());
    case J::LESSON_CANCELLED: return str(e.getLessonCancelled().getLessonId());
    case J::MARK_POSTED: return str(e.getMarkPosted().getLessonId());
    case J::MARK_CORRECTED: return str(e.getMarkCorrected().getLessonId());
    case J::MARK_CANCELLED: return str(e.getMarkCancelled().getLessonId());
    case J::ATTENDANCE_RECORDED: return str(e.getAttendanceRecorded().getLessonId());
    case J::ATTENDANCE_CORRECTED: return str(e.getAttendanceCorrected().getLessonId());
    case J::HOMEWORK_ASSIGNED: return str(e.getHomeworkAssigned().getLessonId());
    case J::STUDENT_COMMENTED: return str(e.getStudentCommented().getLessonId());
    default: return std::nullopt;
  }
}

// Whether an event may be about the history's subject, decided before it
// is folded: false only when it certainly is not, so that its text need
// not be made (Fold::quiet). Every student and class an event is about is
// named by a text field of its payload, or for a class also through the
// lesson the event is about. A teacher is the actor, or named by the
// payload, or found through the fold's class teachers (the one a new
// appointment replaces) and assignments (the teacher of one that ends).
bool may_be_about(const Fold& f, J::Reader payload, const events::RecordedEvent& e,
                  const HistoryQuery& q, const std::string& own_stream) {
  if (e.stream == own_stream || e.payload.find(q.id) != std::string::npos) return true;
  if (q.kind == HistorySubject::kTeacher) {
    return e.actor == q.id || payload.isClassTeacherAssigned() || payload.isTeachingEnded();
  }
  if (q.kind == HistorySubject::kStudent) return false;
  const std::optional<std::string> lesson_id = lesson_of(payload);
  const Lesson* lesson = lesson_id ? f.lesson(*lesson_id) : nullptr;
  return lesson != nullptr && lesson->class_id == q.id;
}

// What one event is about, and how it reads.
struct Described {
  std::vector<std::string> students, classes, teachers;
  std::string reason, previous, value, summary;
};

std::string prev_or(const std::unordered_map<std::string, std::string>& m, const std::string& key,
                    const std::string& fallback) {
  auto it = m.find(key);
  return it == m.end() ? fallback : it->second;
}

// Describes `e` against the fold as it stood before it, then applies it.
Described describe_and_apply(Fold& f, J::Reader e) {
  Described d;
  switch (e.which()) {
    case J::SCHOOL_REGISTERED: {
      auto s = e.getSchoolRegistered();
      f.school_zone[str(s.getSchoolId())] = str(s.getTimeZone());
      d.summary = "Школа зарегистрирована: " + str(s.getName()) + ", " + str(s.getTimeZone());
      break;
    }
    case J::ACADEMIC_YEAR_OPENED:
      d.summary = "Открыт учебный год " + str(e.getAcademicYearOpened().getName());
      break;
    case J::HOLIDAY_DECLARED: {
      auto h = e.getHolidayDeclared();
      d.summary = "Каникулы: " + str(h.getName()) + " " + str(h.getStart()) + "–" + str(h.getEnd());
      break;
    }
    case J::SUBJECT_DEFINED: {
      auto s = e.getSubjectDefined();
      d.previous = prev_or(f.subjects, str(s.getSubjectId()), "");
      d.value = str(s.getName());
      f.subjects[str(s.getSubjectId())] = d.value;
      d.summary = "Предмет " + d.value;
      break;
    }
    case J::WORK_TYPE_DEFINED: {
      auto w = e.getWorkTypeDefined();
      d.previous = prev_or(f.work_types, str(w.getWorkTypeId()), "");
      d.value = str(w.getName()) + ", вес " + std::to_string(w.getWeight());
      f.work_types[str(w.getWorkTypeId())] = str(w.getName());
      d.summary = "Вид работы " + d.value;
      break;
    }
    case J::PERIOD_CLOSED:
      d.summary = "Период закрыт: " + str(e.getPeriodClosed().getPeriodId());
      d.value = "закрыт";
      break;
    case J::PERIOD_REOPENED:
      d.summary = "Период открыт снова: " + str(e.getPeriodReopened().getPeriodId());
      d.previous = "закрыт";
      d.value = "открыт";
      d.reason = str(e.getPeriodReopened().getReason());
      break;
    case J::MONTH_SIGNED_OFF:
      d.summary = "Проверка журнала за " + str(e.getMonthSignedOff().getMonth()) + " подписана";
      d.reason = str(e.getMonthSignedOff().getComment());
      break;
    case J::USER_REGISTERED: {
      auto u = e.getUserRegistered();
      const std::string id = str(u.getUserId());
      f.names[id] = str(u.getFullName());
      f.person_school[id] = str(u.getSchoolId());
      f.roles[id] = internal::roles_text(u.getRoles());
      f.teachers_seen.insert(id);
      d.teachers.push_back(id);
      d.value = f.roles[id];
      d.summary = "Зарегистрирован(а) " + f.name(id) + ": " + d.value;
      break;
    }
    case J::ROLES_CHANGED: {
      auto r = e.getRolesChanged();
      const std::string id = str(r.getUserId());
      d.teachers.push_back(id);
      d.previous = prev_or(f.roles, id, "");
      d.value = internal::roles_text(r.getRoles());
      f.roles[id] = d.value;
      d.summary = "Роли " + f.name(id) + " изменены";
      break;
    }
    case J::CREDENTIALS_ISSUED: {
      const std::string id = str(e.getCredentialsIssued().getUserId());
      d.teachers.push_back(id);
      d.students.push_back(id);
      d.value = "логин " + str(e.getCredentialsIssued().getLogin());
      d.summary = "Выдан вход " + f.name(id);
      break;
    }
    case J::CREDENTIALS_REVOKED: {
      const std::string id = str(e.getCredentialsRevoked().getUserId());
      d.teachers.push_back(id);
      d.students.push_back(id);
      d.reason = str(e.getCredentialsRevoked().getReason());
      d.value = "вход закрыт";
      d.summary = "Закрыт вход " + f.name(id);
      break;
    }
    case J::CONSENT_RECORDED: {
      auto c = e.getConsentRecorded();
      const std::string id = str(c.getUserId());
      d.students.push_back(id);
      d.teachers.push_back(id);
      d.value = c.getGiven() ? "согласие дано" : "согласие отозвано";
      d.reason = str(c.getNote());
      d.summary = "Согласие на обработку данных: " + f.name(id);
      break;
    }
    case J::CLASS_OPENED: {
      auto c = e.getClassOpened();
      const std::string id = str(c.getClassId());
      f.class_names[id] = std::to_string(c.getGrade()) + str(c.getLetter());
      f.class_school[id] = str(c.getSchoolId());
      d.classes.push_back(id);
      d.summary = "Открыт класс " + f.class_name(id);
      break;
    }
    case J::SUBGROUP_DEFINED: {
      auto g = e.getSubgroupDefined();
      d.classes.push_back(str(g.getClassId()));
      for (auto s : g.getStudentIds()) d.students.push_back(str(s));
      d.value = str(g.getName());
      d.summary = "Подгруппа " + d.value + " в " + f.class_name(str(g.getClassId()));
      break;
    }
    case J::CLASS_TEACHER_ASSIGNED: {
      auto c = e.getClassTeacherAssigned();
      const std::string cls = str(c.getClassId()), t = str(c.getTeacherId());
      d.classes.push_back(cls);
      d.teachers.push_back(t);
      auto prev = f.class_teacher.find(cls);
      if (prev != f.class_teacher.end()) {
        d.teachers.push_back(prev->second);
        d.previous = f.name(prev->second);
      }
      d.value = f.name(t);
      f.class_teacher[cls] = t;
      d.summary = "Классный руководитель " + f.class_name(cls) + ": " + d.value;
      break;
    }
    case J::TEACHING_ASSIGNED: {
      auto a = e.getTeachingAssigned();
      const std::string t = str(a.getTeacherId());
      f.assignment_teacher[str(a.getAssignmentId())] = t;
      d.classes.push_back(str(a.getClassId()));
      d.teachers.push_back(t);
      d.value = f.subject(str(a.getSubjectId())) + " с " + str(a.getStart()) +
                (a.getEnd().size() ? " по " + str(a.getEnd()) : "");
      d.summary = "Нагрузка: " + f.name(t) + ", " + f.class_name(str(a.getClassId())) + ", " + d.value;
      break;
    }
    case J::TEACHING_ENDED: {
      auto a = e.getTeachingEnded();
      d.classes.push_back(str(a.getClassId()));
      const std::string t = prev_or(f.assignment_teacher, str(a.getAssignmentId()), "");
      if (!t.empty()) d.teachers.push_back(t);
      d.value = "по " + str(a.getEnd());
      d.summary = "Нагрузка окончена: " + (t.empty() ? str(a.getAssignmentId()) : f.name(t)) + ", " +
                  f.class_name(str(a.getClassId()));
      break;
    }
    case J::CLASS_MESSAGE_SENT: {
      auto m = e.getClassMessageSent();
      d.classes.push_back(str(m.getClassId()));
      d.value = str(m.getText());
      d.summary = "Сообщение родителям класса " + f.class_name(str(m.getClassId()));
      break;
    }
    case J::STUDENT_ENROLLED: {
      auto s = e.getStudentEnrolled();
      const std::string id = str(s.getStudentId());
      f.names[id] = str(s.getFullName());
      f.person_school[id] = str(s.getSchoolId());
      f.students_seen.insert(id);
      d.students.push_back(id);
      d.classes.push_back(str(s.getClassId()));
      d.value = f.class_name(str(s.getClassId())) + " с " + str(s.getFrom());
      d.reason = str(s.getOrder());
      d.summary = "Зачислен(а) " + f.name(id) + " в " + d.value;
      break;
    }
    case J::STUDENT_TRANSFERRED: {
      auto s = e.getStudentTransferred();
      const std::string id = str(s.getStudentId());
      d.students.push_back(id);
      d.classes.push_back(str(s.getFromClassId()));
      d.classes.push_back(str(s.getToClassId()));
      d.previous = f.class_name(str(s.getFromClassId()));
      d.value = f.class_name(str(s.getToClassId())) + " с " + str(s.getDate());
      d.reason = str(s.getOrder());
      d.summary = "Переведён(а) " + f.name(id);
      break;
    }
    case J::STUDENT_DEPARTED: {
      auto s = e.getStudentDeparted();
      const std::string id = str(s.getStudentId());
      d.students.push_back(id);
      d.classes.push_back(str(s.getClassId()));
      d.previous = f.class_name(str(s.getClassId()));
      d.value = "выбыл(а) " + str(s.getDate()) + ", " + str(s.getDestination());
      d.reason = str(s.getOrder());
      d.summary = "Выбыл(а) " + f.name(id);
      break;
    }
    case J::GUARDIAN_LINKED: {
      auto g = e.getGuardianLinked();
      d.students.push_back(str(g.getStudentId()));
      d.value = str(g.getRelation()) + ": " + f.name(str(g.getParentId()));
      d.summary = "Родитель " + f.name(str(g.getStudentId())) + ": " + d.value;
      break;
    }
    case J::STUDENT_COMMENTED: {
      auto c = e.getStudentCommented();
      d.students.push_back(str(c.getStudentId()));
      d.value = str(c.getText());
      d.summary = "Комментарий об ученике " + f.name(str(c.getStudentId()));
      break;
    }
    case J::STUDENT_MESSAGE_SENT: {
      auto m = e.getStudentMessageSent();
      d.students.push_back(str(m.getStudentId()));
      d.value = str(m.getText());
      d.summary = "Сообщение родителям " + f.name(str(m.getStudentId()));
      break;
    }
    case J::FINAL_MARK_SET: {
      auto m = e.getFinalMarkSet();
      const std::string key = str(m.getStudentId()) + "/" + str(m.getSubjectId()) + "/" +
                              std::to_string(static_cast<int>(m.getKind())) + "/" + str(m.getPeriodId());
      d.students.push_back(str(m.getStudentId()));
      d.classes.push_back(str(m.getClassId()));
      d.previous = prev_or(f.finals, key, "");
      d.value = internal::mark_text(m.getValue());
      f.finals[key] = d.value;
      d.reason = str(m.getReason());
      d.summary = "Отметка " + internal::final_kind_text(m.getKind()) + " (" + str(m.getPeriodId()) +
                  "), " + f.subject(str(m.getSubjectId())) + ": " + f.name(str(m.getStudentId()));
      break;
    }
    case J::LESSON_SCHEDULED: {
      auto l = e.getLessonScheduled();
      Lesson lesson{str(l.getClassId()), str(l.getSubjectId()), str(l.getTeacherId()),
                    str(l.getDate()), "", "", l.getNumber()};
      f.lessons[str(l.getLessonId())] = lesson;
      d.classes.push_back(lesson.class_id);
      d.teachers.push_back(lesson.teacher_id);
      d.value = lesson.date + " урок №" + std::to_string(lesson.number);
      d.summary = "Урок в расписании: " + f.lesson_text(str(l.getLessonId())) + ", " +
                  f.name(lesson.teacher_id);
      break;
    }
    default:
      break;
  }
  // Lesson events: the class and teacher come from the lesson.
  const std::optional<std::string> lesson_of_event = lesson_of(e);
  if (!lesson_of_event) return d;
  const std::string& lesson_id = *lesson_of_event;
  Lesson* lesson = f.lessons.count(lesson_id) ? &f.lessons[lesson_id] : nullptr;
  if (lesson && !e.isStudentCommented()) d.classes.push_back(lesson->class_id);
  const std::string where = f.lesson_text(lesson_id);
  switch (e.which()) {
    case J::LESSON_HELD:
    case J::LESSON_TOPIC_CHANGED: {
      const std::string topic = e.isLessonHeld() ? str(e.getLessonHeld().getTopic())
                                                 : str(e.getLessonTopicChanged().getTopic());
      if (lesson) {
        d.previous = lesson->topic;
        if (f.keeps_values()) lesson->topic = topic;
      }
      d.value = topic;
      d.summary = (e.isLessonHeld() ? "Урок проведён: " : "Тема урока изменена: ") + where;
      break;
    }
    case J::LESSON_MOVED: {
      auto m = e.getLessonMoved();
      if (lesson) {
        d.previous = lesson->date + " урок №" + std::to_string(lesson->number);
        lesson->date = str(m.getDate());
        lesson->number = m.getNumber();
      }
      d.value = str(m.getDate()) + " урок №" + std::to_string(m.getNumber());
      d.reason = str(m.getReason());
      d.summary = "Урок перенесён: " + where;
      break;
    }
    case J::LESSON_CANCELLED:
      d.previous = "в расписании";
      d.value = "отменён";
      d.reason = str(e.getLessonCancelled().getReason());
      d.summary = "Урок отменён: " + where;
      break;
    case J::MARK_POSTED: {
      auto m = e.getMarkPosted();
      d.students.push_back(str(m.getStudentId()));
      d.value = internal::mark_text(m.getValue());
      if (f.keeps_values()) f.marks[str(m.getMarkId())] = d.value;
      d.summary = "Оценка " + d.value + " (" + prev_or(f.work_types, str(m.getWorkTypeId()), str(m.getWorkTypeId())) +
                  ", вес " + std::to_string(m.getWeight()) + ") — " + f.name(str(m.getStudentId())) + ", " +
                  where + (m.getTimeliness().getLate() ? ", с опозданием" : "");
      break;
    }
    case J::MARK_CORRECTED: {
      auto m = e.getMarkCorrected();
      d.students.push_back(str(m.getStudentId()));
      d.previous = prev_or(f.marks, str(m.getMarkId()), internal::mark_text(m.getPrevious()));
      d.value = internal::mark_text(m.getValue());
      if (f.keeps_values()) f.marks[str(m.getMarkId())] = d.value;
      d.reason = str(m.getReason());
      d.summary = "Оценка исправлена — " + f.name(str(m.getStudentId())) + ", " + where;
      break;
    }
    case J::MARK_CANCELLED: {
      auto m = e.getMarkCancelled();
      d.students.push_back(str(m.getStudentId()));
      d.previous = prev_or(f.marks, str(m.getMarkId()), internal::mark_text(m.getPrevious()));
      d.value = "отменена";
      f.marks.erase(str(m.getMarkId()));
      d.reason = str(m.getReason());
      d.summary = "Оценка отменена — " + f.name(str(m.getStudentId())) + ", " + where;
      break;
    }
    case J::ATTENDANCE_RECORDED:
    case J::ATTENDANCE_CORRECTED: {
      const bool corrected = e.isAttendanceCorrected();
      const std::string student = corrected ? str(e.getAttendanceCorrected().getStudentId())
                                            : str(e.getAttendanceRecorded().getStudentId());
      const std::string key = lesson_id + "/" + student;
      d.students.push_back(student);
      d.previous = prev_or(f.attendance, key,
                           corrected ? internal::attendance_text(e.getAttendanceCorrected().getPrevious()) : "");
      d.value = internal::attendance_text(corrected ? e.getAttendanceCorrected().getCode()
                                                    : e.getAttendanceRecorded().getCode());
      if (f.keeps_values()) f.attendance[key] = d.value;
      if (corrected) d.reason = str(e.getAttendanceCorrected().getReason());
      d.summary = std::string(corrected ? "Посещаемость исправлена — " : "Посещаемость — ") +
                  f.name(student) + ", " + where;
      break;
    }
    case J::HOMEWORK_ASSIGNED: {
      auto h = e.getHomeworkAssigned();
      if (lesson) {
        d.previous = lesson->homework;
        if (f.keeps_values()) lesson->homework = str(h.getText());
      }
      d.value = str(h.getText());
      d.summary = "Домашнее задание: " + where;
      break;
    }
    default:
      break;
  }
  return d;
}

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
    pass->fold.keep_quiet_values = q.kind == HistorySubject::kTeacher;
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
    if (events::Status s = log.read_all(next, kScanBatch, &batch); !s.is_ok()) {
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
        fold.quiet = !may_be_about(fold, payload, e, q, own_stream);
        d = describe_and_apply(fold, payload);
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
  out.time_zone = prev_or(fold.school_zone, out.school_id, "");
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
