// People and access: registering staff, parents and auditors, their roles,
// logins, personal-data consents and the links between parents and students.
// User events go on the user's stream (a student's user id is the student id);
// a guardian link goes on the student's stream.
#include <expected>

#include "decider_support.hpp"
#include "deciders.hpp"

namespace zhurnal::commands::internal {
namespace {

using schema::Role;

using support::check_id;
using support::check_length;
using support::check_text;
using support::kMaxNameBytes;
using support::kMaxTextBytes;

constexpr size_t kMaxRelationBytes = 64;
constexpr size_t kMinLoginChars = 3;
constexpr size_t kMaxLoginChars = 64;

// The actor is the class teacher of some class of the school. Until
// JournalState can list a school's classes, any teacher of the school passes
// (see support::classes_of_school).
bool leads_class_in_school(const Decision& d, const std::string& school_id) {
  auto classes = support::classes_of_school(d.state, school_id);
  if (!classes) return staff_of(d, school_id, {Role::TEACHER});
  for (const ClassGroup* c : *classes) {
    if (c && !c->class_teacher_id.empty() && c->class_teacher_id == d.actor_id) return true;
  }
  return false;
}

// A role list: non-empty, known roles, no repeats, no students (they come
// from enrolment), auditors alone. Returns the set.
std::expected<RoleSet, Rejection> check_roles(capnp::List<Role>::Reader roles) {
  if (roles.size() == 0) {
    return std::unexpected(reject(ErrorCode::kInvalidCommand, "Не указаны роли пользователя"));
  }
  RoleSet set = 0;
  for (Role r : roles) {
    if (static_cast<unsigned>(r) > static_cast<unsigned>(Role::AUDITOR)) {
      return std::unexpected(invalid("Неизвестная роль"));
    }
    if (set & role_bit(r)) return std::unexpected(invalid("Роль указана дважды"));
    if (r == Role::STUDENT) {
      return std::unexpected(invalid("Учеников вносят зачислением в класс, а не регистрацией"));
    }
    set |= role_bit(r);
  }
  if ((set & role_bit(Role::AUDITOR)) && set != role_bit(Role::AUDITOR)) {
    return std::unexpected(invalid("Роль проверяющего не совмещается с другими ролями"));
  }
  return set;
}

// ---- who may act on whom -------------------------------------------------

// A person a command is about: a registered user or a student.
struct Person {
  const User* user = nullptr;
  const Student* student = nullptr;
  const std::string& school_id() const { return user ? user->school_id : student->school_id; }
};

std::expected<Person, Rejection> find_person(const Decision& d, capnp::Text::Reader id) {
  if (Verdict v = check_id(id, "пользователя")) return std::unexpected(*v);
  if (const User* u = d.state.user(text(id))) return Person{u, nullptr};
  if (const Student* s = d.state.student(text(id))) return Person{nullptr, s};
  return std::unexpected(not_found("Пользователь", text(id)));
}

// The actor is the class teacher of the student, or of a child of the parent.
bool class_teacher_of(const Decision& d, const Person& p, bool or_last) {
  if (p.student) return is_class_teacher(d, support::class_today(d, *p.student, or_last));
  if (!(p.user->roles & role_bit(Role::PARENT))) return false;
  for (const std::string& child : p.user->children) {
    const Student* s = d.state.student(child);
    if (s && is_class_teacher(d, support::class_today(d, *s, or_last))) return true;
  }
  return false;
}

// Logins: the administrator for staff and auditors; the class teacher for
// her students and their parents; nobody else.
bool may_manage_credentials(const Decision& d, const Person& p, bool or_last) {
  if (d.system) return true;
  if (p.user && (p.user->roles & kStaffRoles)) {
    return !p.user->school_id.empty() && staff_of(d, p.user->school_id, {Role::ADMINISTRATOR});
  }
  return class_teacher_of(d, p, or_last);
}

bool may_register(const Decision& d, Role role, const std::string& school_id) {
  if (d.system) return true;
  switch (role) {
    case Role::PARENT:
      return staff_of(d, school_id, {Role::SECRETARY, Role::ADMINISTRATOR}) ||
             leads_class_in_school(d, school_id);
    case Role::TEACHER:  // the secretary loads teacher lists
      return staff_of(d, school_id, {Role::ADMINISTRATOR, Role::SECRETARY});
    case Role::ADMINISTRATOR:
    case Role::DIRECTOR:
    case Role::DEPUTY_DIRECTOR:
    case Role::SECRETARY:
      return staff_of(d, school_id, {Role::ADMINISTRATOR});
    case Role::STUDENT:
    case Role::AUDITOR:
      return false;
  }
  return false;
}

// Whether the person holds a login; nullopt when the state cannot tell.
std::optional<bool> holds_login(const Decision& d, const Person& p) {
  return support::has_credentials(d.state, p.user ? p.user->id : p.student->id);
}

}  // namespace

Verdict register_user(Decision& d, schema::UserRegistered::Reader c) {
  if (Verdict v = check_id(c.getUserId(), "пользователя")) return v;
  auto roles = check_roles(c.getRoles());
  if (!roles) return roles.error();
  const std::string school_id = text(c.getSchoolId());
  // Only auditors may be region-wide (no school).
  if (!(school_id.empty() && *roles == role_bit(Role::AUDITOR))) {
    if (Verdict v = check_id(c.getSchoolId(), "школы")) return v;
    if (!d.state.school(school_id)) return not_found("Школа", school_id);
  }
  for (Role r : c.getRoles()) {
    if (!may_register(d, r, school_id)) return not_authorized();
  }
  const std::string id = text(c.getUserId());
  if (d.state.user(id) || d.state.student(id)) return already_exists("Пользователь", id);
  if (Verdict v = check_text(c.getFullName(), kMaxNameBytes, "Не указаны фамилия, имя, отчество")) {
    return v;
  }
  auto e = d.out.add(user_stream(id)).initUserRegistered();
  e.setUserId(id);
  e.setSchoolId(school_id);
  e.setFullName(c.getFullName());
  e.setRoles(c.getRoles());
  return std::nullopt;
}

Verdict change_roles(Decision& d, schema::RolesChanged::Reader c) {
  if (Verdict v = check_id(c.getUserId(), "пользователя")) return v;
  const std::string id = text(c.getUserId());
  if (d.state.student(id)) {
    return invalid("Роль ученика не меняется: он входит в журнал зачислением");
  }
  const User* u = d.state.user(id);
  if (!u) return not_found("Пользователь", id);
  if (!d.system && (u->school_id.empty() || !staff_of(d, u->school_id, {Role::ADMINISTRATOR}))) {
    return not_authorized();
  }
  auto roles = check_roles(c.getRoles());
  if (!roles) return roles.error();
  const RoleSet changed = *roles ^ u->roles;
  if (changed & role_bit(Role::PARENT)) {
    return invalid("Роль родителя не добавляется и не снимается сменой ролей");
  }
  if ((changed & role_bit(Role::AUDITOR)) && !d.system) return not_authorized();
  if (changed == 0) return reject(ErrorCode::kAlreadyDone, "Роли пользователя не изменились");
  if (id == d.actor_id && (changed & role_bit(Role::ADMINISTRATOR))) {
    return invalid("Администратор не может снять роль администратора с самого себя");
  }
  auto e = d.out.add(user_stream(id)).initRolesChanged();
  e.setUserId(id);
  e.setRoles(c.getRoles());
  return std::nullopt;
}

Verdict issue_credentials(Decision& d, schema::CredentialsIssued::Reader c) {
  auto person = find_person(d, c.getUserId());
  if (!person) return person.error();
  if (!may_manage_credentials(d, *person, false)) return not_authorized();
  if (person->student && person->student->departed) {
    return reject(ErrorCode::kStudentNotEnrolled,
                  person->student->full_name + " выбыл(а) из школы");
  }
  if (!present(c.getLogin())) return reject(ErrorCode::kInvalidCommand, "Не указан логин");
  const std::string login = text(c.getLogin());
  if (login.size() < kMinLoginChars || login.size() > kMaxLoginChars) {
    return invalid("Логин должен быть длиной от 3 до 64 символов");
  }
  for (char ch : login) {
    const bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                    (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' || ch == '-' || ch == '@';
    if (!ok) return invalid("Логин может содержать только латинские буквы, цифры и . _ - @");
  }
  if (holds_login(d, *person).value_or(false)) {
    return reject(ErrorCode::kAlreadyDone, "Логин уже выдан; сначала отзовите прежний");
  }
  if (d.state.login_taken(login)) return already_exists("Логин", login);
  auto e = d.out.add(user_stream(text(c.getUserId()))).initCredentialsIssued();
  e.setUserId(c.getUserId());
  e.setLogin(login);
  return std::nullopt;
}

Verdict revoke_credentials(Decision& d, schema::CredentialsRevoked::Reader c) {
  auto person = find_person(d, c.getUserId());
  if (!person) return person.error();
  if (!may_manage_credentials(d, *person, true)) return not_authorized();
  if (!present(c.getReason())) return reason_required();
  if (Verdict v = check_length(c.getReason(), kMaxTextBytes)) return v;
  if (!holds_login(d, *person).value_or(true)) {
    return reject(ErrorCode::kAlreadyDone, "У пользователя нет действующего логина");
  }
  auto e = d.out.add(user_stream(text(c.getUserId()))).initCredentialsRevoked();
  e.setUserId(c.getUserId());
  e.setReason(c.getReason());
  return std::nullopt;
}

Verdict record_consent(Decision& d, schema::ConsentRecorded::Reader c) {
  auto person = find_person(d, c.getUserId());
  if (!person) return person.error();
  if (person->user && !(person->user->roles & role_bit(Role::PARENT))) {
    return invalid("Согласие на обработку персональных данных оформляется на ученика или родителя");
  }
  const std::string& school_id = person->school_id();
  if (!staff_of(d, school_id, {Role::SECRETARY, Role::ADMINISTRATOR}) &&
      !class_teacher_of(d, *person, false)) {
    return not_authorized();
  }
  if (!present(c.getDocumentDate())) {
    return reject(ErrorCode::kInvalidCommand, "Не указана дата документа о согласии");
  }
  auto day = parse_date(text(c.getDocumentDate()));
  if (!day) return invalid("Некорректная дата документа: " + text(c.getDocumentDate()));
  if (*day > support::today(d, d.state.school(school_id))) {
    return invalid("Дата документа не может быть в будущем");
  }
  if (Verdict v = check_length(c.getNote(), kMaxTextBytes)) return v;
  auto e = d.out.add(user_stream(text(c.getUserId()))).initConsentRecorded();
  e.setUserId(c.getUserId());
  e.setGiven(c.getGiven());
  e.setDocumentDate(format_date(*day));
  e.setNote(c.getNote());
  return std::nullopt;
}

Verdict link_guardian(Decision& d, schema::GuardianLinked::Reader c) {
  auto found = support::find_student(d, c.getStudentId());
  if (!found) return found.error();
  const Student* s = *found;
  if (Verdict v = check_id(c.getParentId(), "родителя")) return v;
  const User* parent = d.state.user(text(c.getParentId()));
  if (!parent) return not_found("Родитель", text(c.getParentId()));
  const bool office = staff_of(d, s->school_id, {Role::SECRETARY, Role::ADMINISTRATOR});
  if (!office && !is_class_teacher(d, support::class_today(d, *s, false))) {
    return not_authorized();
  }
  // A link makes the class teacher the keeper of the parent's login
  // (issueCredentials, revokeCredentials), and that login reads every child
  // of the parent. So a class teacher links only a parent account that is
  // no staff account and whose other children are all in her class; the
  // secretary or the administrator links the rest (docs/permissions.md,
  // decision 1).
  if (!office && (parent->roles & role_bit(Role::PARENT))) {
    if (parent->roles & kStaffRoles) {
      return reject(ErrorCode::kNotAuthorized,
                    "Сотрудника школы связывает с учеником секретарь или администратор");
    }
    for (const std::string& child : parent->children) {
      const Student* other = d.state.student(child);
      if (!other || !is_class_teacher(d, support::class_today(d, *other, false))) {
        return reject(ErrorCode::kNotAuthorized,
                      "Родителя ученика другого класса связывает секретарь или администратор");
      }
    }
  }
  if (!(parent->roles & role_bit(Role::PARENT))) {
    return invalid(parent->full_name + " не зарегистрирован(а) как родитель");
  }
  if (parent->school_id != s->school_id) {
    return invalid(parent->full_name + " зарегистрирован(а) в другой школе");
  }
  if (s->departed) {
    return reject(ErrorCode::kStudentNotEnrolled, s->full_name + " выбыл(а) из школы");
  }
  for (const std::string& g : s->guardians) {
    if (g == parent->id) return reject(ErrorCode::kAlreadyDone, "Родитель уже связан с учеником");
  }
  if (Verdict v = check_text(c.getRelation(), kMaxRelationBytes,
                             "Не указано, кем родитель приходится ученику")) {
    return v;
  }
  auto e = d.out.add(student_stream(s->id)).initGuardianLinked();
  e.setStudentId(s->id);
  e.setParentId(parent->id);
  e.setRelation(c.getRelation());
  return std::nullopt;
}

// The server records each successful sign-in (as the system actor) for the
// participation counts of the monthly check.
Verdict record_sign_in(Decision& d, schema::UserSignedIn::Reader c) {
  if (!d.system) return not_authorized();
  const std::string id = text(c.getUserId());
  std::string school;
  if (const User* u = d.state.user(id)) {
    school = u->school_id;
  } else if (const Student* s = d.state.student(id)) {
    school = s->school_id;
  } else {
    return not_found("Пользователь", id);
  }
  auto e = d.out.add(user_stream(id)).initUserSignedIn();
  e.setUserId(id);
  e.setSchoolId(school);
  e.setRole(c.getRole());
  return std::nullopt;
}

}  // namespace zhurnal::commands::internal
