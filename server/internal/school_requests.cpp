#include "school_requests.hpp"

#include "response_error.hpp"

namespace zhurnal::server::internal {
namespace {

// Resolves `*school_id` (empty: the user's own school) and checks that
// `user` may read it: nullopt when she may, and then `*info` (if not null)
// is the school's.
std::optional<Refusal> school_access(ServerContext& ctx, const std::string& user,
                                     std::string* school_id, commands::SchoolInfo* info) {
  if (user.empty()) return Refusal{"not_signed_in", "Войдите в систему"};
  auto me = ctx.journal->user_info(user);
  if (me && school_id->empty()) *school_id = me->school_id;
  // Everyone reads her own school's reference books; auditors any school's.
  if (!me || (me->school_id != *school_id && !ctx.journal->may_read_log(user))) {
    return Refusal{"forbidden", "Недостаточно прав для просмотра"};
  }
  auto found = ctx.journal->school_info(*school_id);
  if (!found) return Refusal{"not_found", "Школа не найдена: " + *school_id};
  if (info) *info = std::move(*found);
  return std::nullopt;
}

}  // namespace

void fill_school(const commands::SchoolInfo& info, schema::SchoolView::Builder out) {
  out.setSchoolId(info.id);
  out.setName(info.name);
  out.setTimeZone(info.time_zone);
  auto periods = out.initPeriods(info.periods.size());
  for (size_t i = 0; i < info.periods.size(); ++i) {
    const auto& p = info.periods[i];
    periods[i].setPeriodId(p.id);
    periods[i].setName(p.name);
    periods[i].setStart(p.start);
    periods[i].setEnd(p.end);
    periods[i].setYearId(p.year_id);
    periods[i].setClosed(p.closed);
  }
  auto subjects = out.initSubjects(info.subjects.size());
  for (size_t i = 0; i < info.subjects.size(); ++i) {
    subjects[i].setId(info.subjects[i].id);
    subjects[i].setName(info.subjects[i].name);
    subjects[i].setRetired(info.subjects[i].retired);
  }
  auto work = out.initWorkTypes(info.work_types.size());
  for (size_t i = 0; i < info.work_types.size(); ++i) {
    work[i].setWorkTypeId(info.work_types[i].id);
    work[i].setName(info.work_types[i].name);
    work[i].setWeight(info.work_types[i].weight);
    work[i].setRetired(info.work_types[i].retired);
  }
  auto bells = out.initBells(info.bells.size());
  for (size_t i = 0; i < info.bells.size(); ++i) bells.set(i, info.bells[i]);
  out.setLessonMinutes(static_cast<uint16_t>(info.lesson_minutes));
  auto years = out.initYears(info.years.size());
  for (size_t i = 0; i < info.years.size(); ++i) {
    const auto& y = info.years[i];
    years[i].setYearId(y.id);
    years[i].setName(y.name);
    years[i].setStart(y.start);
    years[i].setEnd(y.end);
    auto holidays = years[i].initHolidays(y.holidays.size());
    for (size_t j = 0; j < y.holidays.size(); ++j) {
      holidays[j].setName(y.holidays[j].name);
      holidays[j].setStart(y.holidays[j].start);
      holidays[j].setEnd(y.holidays[j].end);
    }
  }
  auto classes = out.initClasses(info.classes.size());
  for (size_t i = 0; i < info.classes.size(); ++i) {
    const auto& c = info.classes[i];
    classes[i].setClassId(c.id);
    classes[i].setName(c.name);
    classes[i].setGrade(static_cast<uint8_t>(c.grade));
    classes[i].setYearId(c.year_id);
    classes[i].setClassTeacherId(c.class_teacher_id);
  }
}

void school_view(ServerContext& ctx, const std::string& user, const std::string& school_id,
                 schema::Response::Builder response) {
  std::string school = school_id;
  commands::SchoolInfo info;
  if (auto no = school_access(ctx, user, &school, &info)) {
    return set_error(response, no->code, no->message);
  }
  fill_school(info, response.getResult().initSchool());
}

std::optional<Refusal> school_subscription(ServerContext& ctx, const std::string& user,
                                           const std::string& school_id, SubscriptionSpec* spec) {
  std::string school = school_id;
  if (auto no = school_access(ctx, user, &school, nullptr)) return no;
  spec->kind = SubscriptionSpec::Kind::kSchool;
  spec->school_id = school;
  return std::nullopt;
}

bool render_school(ServerContext& ctx, const std::string& user, const SubscriptionSpec& spec,
                   schema::Push::Builder push, uint64_t* pushed) {
  // Read before the view, so that the view is at least this new.
  const uint64_t position = ctx.journal->applied_position();
  if (position <= *pushed) return false;
  std::string school = spec.school_id;
  commands::SchoolInfo info;
  if (school_access(ctx, user, &school, &info)) return false;
  *pushed = position;
  push.setPosition(position);
  fill_school(info, push.initSchool());
  return true;
}

}  // namespace zhurnal::server::internal
