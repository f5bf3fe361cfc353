#include "decision.hpp"

#include <capnp/schema.h>
#include <capnp/serialize.h>

#include <algorithm>
#include <cctype>

#include "deciders.hpp"

namespace zhurnal::commands::internal {

schema::JournalEvent::Builder Emitter::add(std::string stream) {
  events_.push_back({std::move(stream), std::make_unique<capnp::MallocMessageBuilder>(64)});
  return events_.back().message->initRoot<schema::JournalEvent>();
}

std::vector<events::StreamAppend> Emitter::take(const JournalState& state) {
  std::vector<events::StreamAppend> appends;
  for (Pending& p : events_) {
    auto it = std::find_if(appends.begin(), appends.end(),
                           [&](const events::StreamAppend& a) { return a.stream == p.stream; });
    if (it == appends.end()) {
      appends.push_back({p.stream,
                         events::ExpectedVersion::exact(state.stream_version(p.stream)),
                         {}});
      it = appends.end() - 1;
    }
    auto root = p.message->getRoot<schema::JournalEvent>();
    kj::Array<capnp::word> words = capnp::messageToFlatArray(*p.message);
    auto bytes = words.asBytes();
    it->events.push_back({event_type_name(root.which()),
                          std::string(reinterpret_cast<const char*>(bytes.begin()), bytes.size())});
  }
  events_.clear();
  return appends;
}

std::string event_type_name(schema::JournalEvent::Which which) {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> n;
    for (auto field : capnp::Schema::from<schema::JournalEvent>().getUnionFields()) {
      const auto proto = field.getProto();
      const size_t d = proto.getDiscriminantValue();
      if (n.size() <= d) n.resize(d + 1);
      std::string name = proto.getName().cStr();
      name[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(name[0])));
      n[d] = name;
    }
    return n;
  }();
  const size_t i = static_cast<size_t>(which);
  return i < names.size() ? names[i] : "Unknown";
}

bool has_role(const Decision& d, schema::Role role) {
  return d.system || (d.actor && (d.actor->roles & role_bit(role)));
}

bool staff_of(const Decision& d, const std::string& school_id,
              std::initializer_list<schema::Role> roles) {
  if (d.system) return true;
  if (!d.actor) return false;
  if (!d.actor->school_id.empty() && d.actor->school_id != school_id) return false;
  for (schema::Role r : roles) {
    if (d.actor->roles & role_bit(r)) return true;
  }
  return false;
}

bool is_class_teacher(const Decision& d, const std::string& class_id) {
  const ClassGroup* c = d.state.class_group(class_id);
  return c && !c->class_teacher_id.empty() && c->class_teacher_id == d.actor_id;
}

std::string text(capnp::Text::Reader t) { return {t.cStr(), t.size()}; }

bool present(capnp::Text::Reader t) {
  for (char c : std::string_view(t.cStr(), t.size())) {
    if (!std::isspace(static_cast<unsigned char>(c))) return true;
  }
  return false;
}

Rejection not_authorized() {
  return reject(ErrorCode::kNotAuthorized, "Недостаточно прав для этого действия");
}
Rejection not_found(const std::string& what, const std::string& id) {
  return reject(ErrorCode::kNotFound, what + " не найден(а): " + id);
}
Rejection already_exists(const std::string& what, const std::string& id) {
  return reject(ErrorCode::kAlreadyExists, what + " уже существует: " + id);
}
Rejection invalid(const std::string& message) {
  return reject(ErrorCode::kInvalidValue, message);
}
Rejection reason_required() {
  return reject(ErrorCode::kReasonRequired, "Укажите причину исправления или отмены");
}

Verdict decide(Decision& d, schema::Command::Reader c) {
  using C = schema::Command;
  // One line per command, a table.
  // clang-format off
  switch (c.which()) {
    case C::REGISTER_SCHOOL: return register_school(d, c.getRegisterSchool());
    case C::OPEN_ACADEMIC_YEAR: return open_academic_year(d, c.getOpenAcademicYear());
    case C::DECLARE_HOLIDAY: return declare_holiday(d, c.getDeclareHoliday());
    case C::DEFINE_SUBJECT: return define_subject(d, c.getDefineSubject());
    case C::DEFINE_WORK_TYPE: return define_work_type(d, c.getDefineWorkType());
    case C::CLOSE_PERIOD: return close_period(d, c.getClosePeriod());
    case C::REOPEN_PERIOD: return reopen_period(d, c.getReopenPeriod());
    case C::SIGN_OFF_MONTH: return sign_off_month(d, c.getSignOffMonth());
    case C::REGISTER_USER: return register_user(d, c.getRegisterUser());
    case C::CHANGE_ROLES: return change_roles(d, c.getChangeRoles());
    case C::ISSUE_CREDENTIALS: return issue_credentials(d, c.getIssueCredentials());
    case C::REVOKE_CREDENTIALS: return revoke_credentials(d, c.getRevokeCredentials());
    case C::RECORD_CONSENT: return record_consent(d, c.getRecordConsent());
    case C::OPEN_CLASS: return open_class(d, c.getOpenClass());
    case C::DEFINE_SUBGROUP: return define_subgroup(d, c.getDefineSubgroup());
    case C::ASSIGN_CLASS_TEACHER: return assign_class_teacher(d, c.getAssignClassTeacher());
    case C::ASSIGN_TEACHING: return assign_teaching(d, c.getAssignTeaching());
    case C::END_TEACHING: return end_teaching(d, c.getEndTeaching());
    case C::MESSAGE_CLASS: return message_class(d, c.getMessageClass());
    case C::ENROLL_STUDENT: return enroll_student(d, c.getEnrollStudent());
    case C::TRANSFER_STUDENT: return transfer_student(d, c.getTransferStudent());
    case C::DEPART_STUDENT: return depart_student(d, c.getDepartStudent());
    case C::LINK_GUARDIAN: return link_guardian(d, c.getLinkGuardian());
    case C::COMMENT_STUDENT: return comment_student(d, c.getCommentStudent());
    case C::MESSAGE_PARENTS: return message_parents(d, c.getMessageParents());
    case C::SET_FINAL_MARK: return set_final_mark(d, c.getSetFinalMark());
    case C::SCHEDULE_LESSON: return schedule_lesson(d, c.getScheduleLesson());
    case C::REPEAT_WEEK: return repeat_week(d, c.getRepeatWeek());
    case C::CANCEL_LESSONS: return cancel_lessons(d, c.getCancelLessons());
    case C::HOLD_LESSON: return hold_lesson(d, c.getHoldLesson());
    case C::CHANGE_TOPIC: return change_topic(d, c.getChangeTopic());
    case C::MOVE_LESSON: return move_lesson(d, c.getMoveLesson());
    case C::CANCEL_LESSON: return cancel_lesson(d, c.getCancelLesson());
    case C::POST_MARK: return post_mark(d, c.getPostMark());
    case C::POST_MARKS: return post_marks(d, c.getPostMarks());
    case C::CORRECT_MARK: return correct_mark(d, c.getCorrectMark());
    case C::CANCEL_MARK: return cancel_mark(d, c.getCancelMark());
    case C::RECORD_ATTENDANCE: return record_attendance(d, c.getRecordAttendance());
    case C::CORRECT_ATTENDANCE: return correct_attendance(d, c.getCorrectAttendance());
    case C::ASSIGN_HOMEWORK: return assign_homework(d, c.getAssignHomework());
    case C::RECORD_SIGN_IN: return record_sign_in(d, c.getRecordSignIn());
  }
  // clang-format on
  return reject(ErrorCode::kInvalidCommand, "Неизвестная команда");
}

}  // namespace zhurnal::commands::internal
