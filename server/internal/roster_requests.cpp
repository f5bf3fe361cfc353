#include "roster_requests.hpp"

#include <algorithm>
#include <chrono>
#include <map>

#include "response_error.hpp"
#include "schema/message_reader.hpp"

namespace zhurnal::server::internal {
namespace {

const char* kForbidden = "Недостаточно прав для просмотра";

bool has_role(const commands::UserInfo& u, const char* role) {
  return std::find(u.roles.begin(), u.roles.end(), role) != u.roles.end();
}

int64_t now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// A head or the office of the school `class_id` belongs to.
bool office_of_class(ServerContext& ctx, const commands::UserInfo& me,
                     const std::string& class_id) {
  if (!has_role(me, "director") && !has_role(me, "deputyDirector") &&
      !has_role(me, "administrator") && !has_role(me, "secretary")) {
    return false;
  }
  auto school = me.school_id.empty() ? std::nullopt : ctx.journal->school_info(me.school_id);
  return school &&
         std::ranges::any_of(school->classes, [&](const auto& c) { return c.id == class_id; });
}

}  // namespace

void fill_me(const commands::UserInfo& info, const commands::Journal& journal,
             schema::Me::Builder me) {
  me.setUserId(info.id);
  me.setFullName(info.full_name);
  me.setSchoolId(info.school_id);
  auto roles = me.initRoles(info.roles.size());
  for (size_t i = 0; i < info.roles.size(); ++i) roles.set(i, info.roles[i]);
  auto children = me.initChildren(info.children.size());
  for (size_t i = 0; i < info.children.size(); ++i) {
    children[i].setStudentId(info.children[i]);
    if (auto child = journal.user_info(info.children[i])) {
      children[i].setFullName(child->full_name);
      children[i].setClassId(child->class_id);
    }
  }
  auto classes = me.initClasses(info.classes.size());
  for (size_t i = 0; i < info.classes.size(); ++i) classes.set(i, info.classes[i]);
  auto assignments = me.initAssignments(info.assignments.size());
  for (size_t i = 0; i < info.assignments.size(); ++i) {
    const commands::AssignmentInfo& a = info.assignments[i];
    auto o = assignments[i];
    o.setAssignmentId(a.assignment_id);
    o.setClassId(a.class_id);
    o.setSubgroupId(a.subgroup_id);
    o.setSubjectId(a.subject_id);
    o.setStart(a.start);
    o.setEnd(a.end);
  }
  auto led = me.initLedClasses(info.led_classes.size());
  for (size_t i = 0; i < info.led_classes.size(); ++i) led.set(i, info.led_classes[i]);
}

bool may_read_roster(ServerContext& ctx, const std::string& user, const std::string& class_id) {
  if (user.empty() || class_id.empty()) return false;
  auto me = ctx.journal->user_info(user);
  if (!me) return false;
  if (has_role(*me, "auditor")) return true;  // every school; an unknown class fails later
  if (has_role(*me, "teacher") &&
      std::find(me->led_classes.begin(), me->led_classes.end(), class_id) != me->led_classes.end()) {
    return true;
  }
  // The school's office keeps the lists, links parents and records consent;
  // the list carries no marks.
  return office_of_class(ctx, *me, class_id);
}

void class_week(ServerContext& ctx, const std::string& user, schema::ClassWeekQuery::Reader query,
                schema::Response::Builder response) {
  auto fail = [&](const char* code, const std::string& text) { set_error(response, code, text); };
  if (user.empty()) return fail("not_signed_in", "Войдите в систему");
  const std::string class_id = query.getClassId().cStr();
  auto me = ctx.journal->user_info(user);
  // The heads and the office of its school, its teachers (who teach or lead
  // it), auditors; an unknown class is refused like a forbidden one.
  const bool allowed =
      me && (has_role(*me, "auditor") || office_of_class(ctx, *me, class_id) ||
             (has_role(*me, "teacher") && std::ranges::count(me->classes, class_id) > 0));
  auto week = allowed ? ctx.journal->class_week(class_id, query.getDate().cStr()) : std::nullopt;
  if (!week) return fail("forbidden", kForbidden);
  if (week->monday.empty()) return fail("bad_request", "Некорректная дата: ожидается ГГГГ-ММ-ДД");
  auto view = response.getResult().initClassWeek();
  view.setClassId(class_id);
  view.setMonday(week->monday);
  auto out = view.initLessons(static_cast<unsigned>(week->lessons.size()));
  std::map<std::string, std::string> names;  // teacher id -> full name
  for (unsigned i = 0; i < week->lessons.size(); ++i) {
    const auto& l = week->lessons[i];
    auto o = out[i];
    o.setLessonId(l.id);
    o.setDate(l.date);
    o.setNumber(static_cast<uint8_t>(l.number));
    o.setSubjectId(l.subject_id);
    o.setSubgroupId(l.subgroup_id);
    o.setTeacherId(l.teacher_id);
    auto [name, fresh] = names.try_emplace(l.teacher_id);
    if (fresh) {
      if (auto t = ctx.journal->user_info(l.teacher_id)) name->second = t->full_name;
    }
    o.setTeacherName(name->second);
    o.setHeld(l.held);
    o.setCancelled(l.cancelled);
  }
}

void class_roster(ServerContext& ctx, const std::string& user, const std::string& class_id,
                  schema::Response::Builder response) {
  auto fail = [&](const char* code, const std::string& text) { set_error(response, code, text); };
  if (user.empty()) return fail("not_signed_in", "Войдите в систему");
  if (!may_read_roster(ctx, user, class_id)) return fail("forbidden", kForbidden);
  auto view = ctx.views->class_roster(class_id, now_us());
  if (!view) return fail("forbidden", kForbidden);  // unknown: like a forbidden one
  response.getResult().setClassRoster((*view)->getRoot<schema::ClassRoster>().asReader());
}

void staff_roster(ServerContext& ctx, const std::string& user, const std::string& school_id,
                  schema::Response::Builder response) {
  auto fail = [&](const char* code, const std::string& text) { set_error(response, code, text); };
  if (user.empty()) return fail("not_signed_in", "Войдите в систему");
  auto me = ctx.journal->user_info(user);
  if (!me) return fail("forbidden", kForbidden);
  const std::string school = school_id.empty() ? me->school_id : school_id;
  const bool office = has_role(*me, "director") || has_role(*me, "deputyDirector") ||
                      has_role(*me, "administrator") || has_role(*me, "secretary");
  const bool allowed = has_role(*me, "auditor") || (office && school == me->school_id);
  // An unknown school is refused like a forbidden one.
  if (school.empty() || !allowed || !ctx.journal->school_info(school)) {
    return fail("forbidden", kForbidden);
  }
  const std::vector<commands::UserInfo> staff = ctx.journal->staff(school);
  std::vector<std::string> ids;
  for (const auto& u : staff) ids.push_back(u.id);
  uint64_t position = 0;
  auto access = ctx.views->access_rows(ids, &position);
  if (!access) return fail("internal", "Не удалось прочитать список сотрудников");
  auto view = response.getResult().initStaff();
  view.setSchoolId(school);
  view.setPosition(position);
  auto out = view.initStaff(static_cast<unsigned>(staff.size()));
  for (unsigned i = 0; i < staff.size(); ++i) {
    fill_me(staff[i], *ctx.journal, out[i].initPerson());
    if (const auto& row = (*access)[i]) {
      out[i].setAccess(schema::BoundedMessageReader(*row).root<schema::AccessRow>());
    }
  }
}

void parent_list(ServerContext& ctx, const std::string& user, const std::string& school_id,
                 schema::Response::Builder response) {
  if (user.empty()) return set_error(response, "not_signed_in", "Войдите в систему");
  auto me = ctx.journal->user_info(user);
  const bool office = me && (has_role(*me, "administrator") || has_role(*me, "secretary"));
  const std::string school = school_id.empty() && me ? me->school_id : school_id;
  if (!office || school.empty() || school != me->school_id) {
    return set_error(response, "forbidden", kForbidden);
  }
  const std::vector<commands::UserInfo> parents = ctx.journal->parents(school);
  auto view = response.getResult().initParents();
  view.setSchoolId(school);
  auto out = view.initParents(static_cast<unsigned>(parents.size()));
  for (unsigned i = 0; i < parents.size(); ++i) fill_me(parents[i], *ctx.journal, out[i]);
}

std::optional<Refusal> roster_subscription(ServerContext& ctx, const std::string& user,
                                           const std::string& class_id, SubscriptionSpec* spec) {
  if (user.empty()) return Refusal{"not_signed_in", "Войдите в систему"};
  if (!may_read_roster(ctx, user, class_id) || !ctx.views->class_roster(class_id, now_us())) {
    return Refusal{"forbidden", kForbidden};
  }
  spec->kind = SubscriptionSpec::Kind::kClassRoster;
  spec->class_id = class_id;
  return std::nullopt;
}

bool render_roster(ServerContext& ctx, const std::string& user, const SubscriptionSpec& spec,
                   schema::Push::Builder push, uint64_t* pushed) {
  if (!may_read_roster(ctx, user, spec.class_id)) return false;
  auto view = ctx.views->class_roster(spec.class_id, now_us());
  if (!view) return false;
  auto r = (*view)->getRoot<schema::ClassRoster>().asReader();
  if (r.getPosition() <= *pushed) return false;
  *pushed = r.getPosition();
  push.setPosition(r.getPosition());
  push.setClassRoster(r);
  return true;
}

}  // namespace zhurnal::server::internal
