#include "state.hpp"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "schema/message_reader.hpp"

namespace zhurnal::commands::internal {
namespace {

std::string str(capnp::Text::Reader t) { return {t.cStr(), t.size()}; }
Date date_or(capnp::Text::Reader t, Date fallback) {
  auto d = parse_date(str(t));
  return d ? *d : fallback;
}
RoleSet roles_of(capnp::List<schema::Role>::Reader roles) {
  RoleSet set = 0;
  for (auto r : roles) set |= role_bit(r);
  return set;
}
void set_value(MarkState* m, schema::MarkValue::Reader v) {
  m->kind = v.which();
  if (v.isNumeric()) m->numeric = v.getNumeric();
  else m->non_numeric = v.getNonNumeric();
}

}  // namespace

std::string school_stream(std::string_view id) { return "school-" + std::string(id); }
std::string user_stream(std::string_view id) { return "user-" + std::string(id); }
std::string class_stream(std::string_view id) { return "class-" + std::string(id); }
std::string student_stream(std::string_view id) { return "student-" + std::string(id); }
std::string lesson_stream(std::string_view id) { return "lesson-" + std::string(id); }

void JournalState::apply(const events::RecordedEvent& e) {
  position_ = e.position;
  versions_[e.stream] = e.stream_version;
  try {
    schema::BoundedMessageReader reader(e.payload);
    apply_payload(e, reader.root<schema::JournalEvent>());
  } catch (const kj::Exception& ex) {
    if (logger_) {
      logger_->warn("event {} ({}) does not decode, skipped: {}", e.position, e.type,
                    ex.getDescription().cStr());
    }
  }
}

void JournalState::apply_payload(const events::RecordedEvent& e, schema::JournalEvent::Reader ev) {
  using J = schema::JournalEvent;
  switch (ev.which()) {
    case J::SCHOOL_REGISTERED: {
      auto x = ev.getSchoolRegistered();
      School& s = schools_[str(x.getSchoolId())];
      s.id = str(x.getSchoolId());
      s.name = str(x.getName());
      s.zone = find_zone(str(x.getTimeZone()));
      s.bells.clear();
      for (auto b : x.getBellSchedule()) s.bells.push_back(parse_clock(str(b)).value_or(0));
      s.lesson_minutes = x.getLessonMinutes() ? x.getLessonMinutes() : 40;
      break;
    }
    case J::ACADEMIC_YEAR_OPENED: {
      auto x = ev.getAcademicYearOpened();
      YearInfo& y = schools_[str(x.getSchoolId())].years[str(x.getYearId())];
      y.id = str(x.getYearId());
      y.name = str(x.getName());
      y.start = date_or(x.getStart(), kNoDate);
      y.end = date_or(x.getEnd(), kNoDate);
      y.periods.clear();
      for (auto p : x.getPeriods()) {
        y.periods.push_back({str(p.getPeriodId()), str(p.getName()),
                             date_or(p.getStart(), kNoDate), date_or(p.getEnd(), kNoDate)});
      }
      break;
    }
    case J::HOLIDAY_DECLARED: {
      auto x = ev.getHolidayDeclared();
      auto& years = schools_[str(x.getSchoolId())].years;
      if (auto it = years.find(str(x.getYearId())); it != years.end()) {
        it->second.holidays.push_back(
            {date_or(x.getStart(), kNoDate), date_or(x.getEnd(), kNoDate), str(x.getName())});
      }
      break;
    }
    case J::SUBJECT_DEFINED: {
      auto x = ev.getSubjectDefined();
      School& s = schools_[str(x.getSchoolId())];
      s.subjects[str(x.getSubjectId())] = str(x.getName());
      if (x.getRetired()) {
        s.retired_subjects.insert(str(x.getSubjectId()));
      } else {
        s.retired_subjects.erase(str(x.getSubjectId()));
      }
      break;
    }
    case J::WORK_TYPE_DEFINED: {
      auto x = ev.getWorkTypeDefined();
      schools_[str(x.getSchoolId())].work_types[str(x.getWorkTypeId())] = {
          str(x.getName()), x.getWeight(), x.getRetired()};
      break;
    }
    case J::PERIOD_CLOSED: {
      auto x = ev.getPeriodClosed();
      schools_[str(x.getSchoolId())].closed_periods.insert(str(x.getPeriodId()));
      break;
    }
    case J::PERIOD_REOPENED: {
      auto x = ev.getPeriodReopened();
      schools_[str(x.getSchoolId())].closed_periods.erase(str(x.getPeriodId()));
      break;
    }
    case J::MONTH_SIGNED_OFF: {
      auto x = ev.getMonthSignedOff();
      schools_[str(x.getSchoolId())].signed_months.insert(str(x.getMonth()));
      break;
    }
    case J::USER_REGISTERED: {
      auto x = ev.getUserRegistered();
      User& u = users_[str(x.getUserId())];
      u.id = str(x.getUserId());
      u.school_id = str(x.getSchoolId());
      u.full_name = str(x.getFullName());
      u.roles = roles_of(x.getRoles());
      break;
    }
    case J::ROLES_CHANGED: {
      auto x = ev.getRolesChanged();
      users_[str(x.getUserId())].roles = roles_of(x.getRoles());
      break;
    }
    case J::CREDENTIALS_ISSUED: {
      auto x = ev.getCredentialsIssued();
      users_[str(x.getUserId())].has_credentials = true;
      logins_.insert(str(x.getLogin()));
      break;
    }
    case J::CREDENTIALS_REVOKED: {
      users_[str(ev.getCredentialsRevoked().getUserId())].has_credentials = false;
      break;
    }
    case J::CONSENT_RECORDED:
      break;  // kept in the log and the read models; no rule depends on it
    case J::CLASS_OPENED: {
      auto x = ev.getClassOpened();
      ClassGroup& c = classes_[str(x.getClassId())];
      c.id = str(x.getClassId());
      c.school_id = str(x.getSchoolId());
      c.year_id = str(x.getYearId());
      c.grade = x.getGrade();
      c.letter = str(x.getLetter());
      break;
    }
    case J::SUBGROUP_DEFINED: {
      auto x = ev.getSubgroupDefined();
      auto& members = classes_[str(x.getClassId())].subgroups[str(x.getSubgroupId())];
      members.clear();
      for (auto s : x.getStudentIds()) members.insert(str(s));
      break;
    }
    case J::CLASS_TEACHER_ASSIGNED: {
      auto x = ev.getClassTeacherAssigned();
      classes_[str(x.getClassId())].class_teacher_id = str(x.getTeacherId());
      break;
    }
    case J::TEACHING_ASSIGNED: {
      auto x = ev.getTeachingAssigned();
      Assignment& a = assignments_[str(x.getAssignmentId())];
      a.id = str(x.getAssignmentId());
      a.class_id = str(x.getClassId());
      a.subgroup_id = str(x.getSubgroupId());
      a.subject_id = str(x.getSubjectId());
      a.teacher_id = str(x.getTeacherId());
      a.start = date_or(x.getStart(), kNoDate);
      a.end = x.getEnd().size() ? date_or(x.getEnd(), kEndOfTime) : kEndOfTime;
      classes_[a.class_id].assignments.push_back(a.id);
      break;
    }
    case J::TEACHING_ENDED: {
      auto x = ev.getTeachingEnded();
      if (auto it = assignments_.find(str(x.getAssignmentId())); it != assignments_.end()) {
        it->second.end = date_or(x.getEnd(), it->second.end);
      }
      break;
    }
    case J::CLASS_MESSAGE_SENT:
      messages_.insert(str(ev.getClassMessageSent().getMessageId()));
      break;
    case J::STUDENT_ENROLLED: {
      auto x = ev.getStudentEnrolled();
      Student& s = students_[str(x.getStudentId())];
      s.id = str(x.getStudentId());
      s.school_id = str(x.getSchoolId());
      s.full_name = str(x.getFullName());
      s.departed = false;
      s.enrolments.push_back({str(x.getClassId()), date_or(x.getFrom(), kNoDate), kEndOfTime});
      break;
    }
    case J::STUDENT_TRANSFERRED: {
      auto x = ev.getStudentTransferred();
      Student& s = students_[str(x.getStudentId())];
      const Date day = date_or(x.getDate(), kNoDate);
      if (!s.enrolments.empty()) s.enrolments.back().to = day;
      s.enrolments.push_back({str(x.getToClassId()), day, kEndOfTime});
      break;
    }
    case J::STUDENT_DEPARTED: {
      auto x = ev.getStudentDeparted();
      Student& s = students_[str(x.getStudentId())];
      if (!s.enrolments.empty()) s.enrolments.back().to = date_or(x.getDate(), kNoDate);
      s.departed = true;
      break;
    }
    case J::GUARDIAN_LINKED: {
      auto x = ev.getGuardianLinked();
      const std::string student = str(x.getStudentId()), parent = str(x.getParentId());
      students_[student].guardians.push_back(parent);
      users_[parent].children.push_back(student);
      break;
    }
    case J::STUDENT_COMMENTED:
      comments_.insert(str(ev.getStudentCommented().getCommentId()));
      break;
    case J::STUDENT_MESSAGE_SENT:
      messages_.insert(str(ev.getStudentMessageSent().getMessageId()));
      break;
    case J::FINAL_MARK_SET: {
      auto x = ev.getFinalMarkSet();
      final_marks_[{str(x.getStudentId()), str(x.getSubjectId()), str(x.getPeriodId()),
                    x.getKind()}]++;
      break;
    }
    case J::LESSON_SCHEDULED: {
      auto x = ev.getLessonScheduled();
      Lesson& l = lessons_[str(x.getLessonId())];
      l.id = str(x.getLessonId());
      l.class_id = str(x.getClassId());
      l.subgroup_id = str(x.getSubgroupId());
      l.subject_id = str(x.getSubjectId());
      l.teacher_id = str(x.getTeacherId());
      l.date = date_or(x.getDate(), kNoDate);
      l.number = x.getNumber();
      classes_[l.class_id].lessons.push_back(l.id);
      break;
    }
    case J::LESSON_HELD:
      lessons_[str(ev.getLessonHeld().getLessonId())].held = true;
      break;
    case J::LESSON_TOPIC_CHANGED:
      break;
    case J::LESSON_MOVED: {
      auto x = ev.getLessonMoved();
      Lesson& l = lessons_[str(x.getLessonId())];
      l.date = date_or(x.getDate(), l.date);
      l.number = x.getNumber();
      break;
    }
    case J::LESSON_CANCELLED:
      lessons_[str(ev.getLessonCancelled().getLessonId())].cancelled = true;
      break;
    case J::MARK_POSTED: {
      auto x = ev.getMarkPosted();
      MarkState& m = marks_[str(x.getMarkId())];
      m.lesson_id = str(x.getLessonId());
      m.student_id = str(x.getStudentId());
      m.posted_by = e.actor;
      m.weight = x.getWeight();
      set_value(&m, x.getValue());
      lessons_[m.lesson_id].marks.push_back(str(x.getMarkId()));
      break;
    }
    case J::MARK_CORRECTED: {
      auto x = ev.getMarkCorrected();
      set_value(&marks_[str(x.getMarkId())], x.getValue());
      break;
    }
    case J::MARK_CANCELLED:
      marks_[str(ev.getMarkCancelled().getMarkId())].cancelled = true;
      break;
    case J::ATTENDANCE_RECORDED: {
      auto x = ev.getAttendanceRecorded();
      Lesson& l = lessons_[str(x.getLessonId())];
      l.attendance[str(x.getStudentId())] = x.getCode();
      l.attendance_by[str(x.getStudentId())] = e.actor;
      break;
    }
    case J::ATTENDANCE_CORRECTED: {
      auto x = ev.getAttendanceCorrected();
      lessons_[str(x.getLessonId())].attendance[str(x.getStudentId())] = x.getCode();
      break;
    }
    case J::HOMEWORK_ASSIGNED:
    case J::USER_SIGNED_IN:
      break;  // no rule depends on them
    default:
      if (logger_) logger_->warn("event {} has an unknown type {}, skipped", e.position, e.type);
  }
}

uint64_t JournalState::stream_version(const std::string& stream) const {
  auto it = versions_.find(stream);
  return it == versions_.end() ? 0 : it->second;
}

namespace {
template <typename M>
const typename M::mapped_type* find_in(const M& map, const std::string& id) {
  auto it = map.find(id);
  return it == map.end() ? nullptr : &it->second;
}
}  // namespace

const School* JournalState::school(const std::string& id) const {
  const School* s = find_in(schools_, id);
  return s && !s->id.empty() ? s : nullptr;
}
const User* JournalState::user(const std::string& id) const {
  const User* u = find_in(users_, id);
  return u && !u->id.empty() ? u : nullptr;
}
const Student* JournalState::student(const std::string& id) const {
  const Student* s = find_in(students_, id);
  return s && !s->id.empty() ? s : nullptr;
}
const ClassGroup* JournalState::class_group(const std::string& id) const {
  const ClassGroup* c = find_in(classes_, id);
  return c && !c->id.empty() ? c : nullptr;
}
const Assignment* JournalState::assignment(const std::string& id) const {
  return find_in(assignments_, id);
}
const Lesson* JournalState::lesson(const std::string& id) const {
  const Lesson* l = find_in(lessons_, id);
  return l && !l->id.empty() ? l : nullptr;
}
const MarkState* JournalState::mark(const std::string& id) const {
  const MarkState* m = find_in(marks_, id);
  return m && !m->lesson_id.empty() ? m : nullptr;
}

std::string JournalState::class_on(const Student& s, Date day) const {
  for (const Enrolment& e : s.enrolments) {
    if (e.from <= day && day < e.to) return e.class_id;
  }
  return {};
}

const YearInfo* JournalState::year_of(const School& school, Date day) const {
  for (const auto& [id, y] : school.years) {
    if (y.start <= day && day <= y.end) return &y;
  }
  return nullptr;
}

const PeriodInfo* JournalState::period_of(const School& school, Date day) const {
  const YearInfo* y = year_of(school, day);
  if (!y) return nullptr;
  for (const PeriodInfo& p : y->periods) {
    if (p.start <= day && day <= p.end) return &p;
  }
  return nullptr;
}

const School* JournalState::school_of_class(const std::string& class_id) const {
  const ClassGroup* c = class_group(class_id);
  return c ? school(c->school_id) : nullptr;
}

bool JournalState::teaches(const std::string& teacher_id, const std::string& class_id,
                           const std::string& subgroup_id, const std::string& subject_id,
                           Date day) const {
  const ClassGroup* c = class_group(class_id);
  if (!c) return false;
  for (const std::string& id : c->assignments) {
    const Assignment* a = assignment(id);
    if (a && a->teacher_id == teacher_id && a->subject_id == subject_id &&
        a->subgroup_id == subgroup_id && a->start <= day && day <= a->end) {
      return true;
    }
  }
  return false;
}

bool JournalState::teaches_class(const std::string& teacher_id, const std::string& class_id) const {
  const ClassGroup* c = class_group(class_id);
  if (!c) return false;
  if (c->class_teacher_id == teacher_id) return true;
  for (const std::string& id : c->assignments) {
    const Assignment* a = assignment(id);
    if (a && a->teacher_id == teacher_id) return true;
  }
  return false;
}

}  // namespace zhurnal::commands::internal

namespace zhurnal::commands::internal {

std::vector<const ClassGroup*> JournalState::classes_of_school(const std::string& school_id) const {
  std::vector<const ClassGroup*> out;
  for (const auto& [id, c] : classes_) {
    if (!c.id.empty() && c.school_id == school_id) out.push_back(&c);
  }
  std::sort(out.begin(), out.end(),
            [](const ClassGroup* a, const ClassGroup* b) { return a->id < b->id; });
  return out;
}

std::vector<const User*> JournalState::users_of_school(const std::string& school_id,
                                                       RoleSet roles) const {
  std::vector<const User*> out;
  for (const auto& [id, u] : users_) {
    if (!u.id.empty() && u.school_id == school_id && (u.roles & roles)) out.push_back(&u);
  }
  std::sort(out.begin(), out.end(), [](const User* a, const User* b) { return a->id < b->id; });
  return out;
}

bool JournalState::has_credentials(const std::string& id) const {
  auto it = users_.find(id);
  return it != users_.end() && it->second.has_credentials;
}

}  // namespace zhurnal::commands::internal
