// Schools and their reference books: registration, academic years with their
// periods and holidays, subjects, work types, closing and reopening periods,
// and the director's monthly sign-off. Every event goes on the school's stream.
#include <expected>
#include <set>

#include "decider_support.hpp"
#include "deciders.hpp"

namespace zhurnal::commands::internal {
namespace {

using schema::Role;

using support::check_id;
using support::check_length;
using support::check_text;
using support::date_field;
using support::kMaxNameBytes;
using support::kMaxTextBytes;

constexpr int kMinLessonMinutes = 30;
constexpr int kMaxLessonMinutes = 90;
constexpr size_t kMaxLessonsPerDay = 16;
constexpr int kMaxYearDays = 366;
constexpr int kMinutesPerDay = 24 * 60;
constexpr int kMinWeight = 1;
constexpr int kMaxWeight = 10;

// The school a command names, once the actor holds one of `roles` in it.
std::expected<const School*, Rejection> school_for(const Decision& d, capnp::Text::Reader id,
                                                   std::initializer_list<Role> roles) {
  if (Verdict v = check_id(id, "школы")) return std::unexpected(*v);
  const School* s = d.state.school(text(id));
  if (!s) return std::unexpected(not_found("Школа", text(id)));
  if (!staff_of(d, s->id, roles)) return std::unexpected(not_authorized());
  return s;
}

const PeriodInfo* find_period(const School& s, const std::string& id) {
  for (const auto& [year_id, y] : s.years) {
    for (const PeriodInfo& p : y.periods) {
      if (p.id == id) return &p;
    }
  }
  return nullptr;
}

size_t periods_of_kind(schema::PeriodKind kind) {
  switch (kind) {
    case schema::PeriodKind::QUARTERS:
      return 4;
    case schema::PeriodKind::TRIMESTERS:
      return 3;
    case schema::PeriodKind::HALVES:
      return 2;
  }
  return 0;  // a kind this build does not know
}

// The last day of the month starting on `first`.
Date month_end(Date first) {
  const std::string next = format_date(Date{first.days + 31}).substr(0, 7);
  return Date{parse_month(next).value_or(kEndOfTime).days - 1};
}

// Checks the periods of a new year against it and the school's other years.
Verdict check_periods(const School& s, schema::AcademicYearOpened::Reader c, Date start, Date end) {
  const auto periods = c.getPeriods();
  const size_t expected = periods_of_kind(c.getPeriodKind());
  if (expected == 0) return invalid("Неизвестный вид учебных периодов");
  if (periods.size() == 0) return reject(ErrorCode::kInvalidCommand, "Не заданы учебные периоды");
  if (periods.size() != expected) {
    return invalid("Число периодов не соответствует их виду: нужно " + std::to_string(expected));
  }
  std::set<std::string> seen;
  Date previous_end = kNoDate;
  for (auto p : periods) {
    if (Verdict v = check_id(p.getPeriodId(), "учебного периода")) return v;
    const std::string id = text(p.getPeriodId());
    if (!seen.insert(id).second || find_period(s, id)) return already_exists("Учебный период", id);
    if (Verdict v = check_text(p.getName(), kMaxNameBytes, "Не указано название периода " + id)) {
      return v;
    }
    auto from = date_field(p.getStart(), "начало периода " + id);
    if (!from) return from.error();
    auto to = date_field(p.getEnd(), "конец периода " + id);
    if (!to) return to.error();
    if (*from > *to) return invalid("Начало периода " + id + " позже его конца");
    if (*from < start || *to > end) {
      return invalid("Период " + id + " выходит за границы учебного года");
    }
    if (*from <= previous_end) {
      return invalid("Периоды должны идти по порядку и не пересекаться: " + id);
    }
    previous_end = *to;
  }
  return std::nullopt;
}

}  // namespace

Verdict register_school(Decision& d, schema::SchoolRegistered::Reader c) {
  if (!d.system) return not_authorized();
  if (Verdict v = check_id(c.getSchoolId(), "школы")) return v;
  const std::string id = text(c.getSchoolId());
  if (d.state.school(id)) return already_exists("Школа", id);
  if (Verdict v = check_text(c.getName(), kMaxNameBytes, "Не указано название школы")) return v;
  if (!present(c.getTimeZone())) {
    return reject(ErrorCode::kInvalidCommand, "Не указан часовой пояс школы");
  }
  if (!find_zone(text(c.getTimeZone()))) {
    return invalid("Неизвестный часовой пояс: " + text(c.getTimeZone()));
  }
  const int minutes = c.getLessonMinutes();
  if (minutes < kMinLessonMinutes || minutes > kMaxLessonMinutes) {
    return invalid("Продолжительность урока должна быть от 30 до 90 минут");
  }
  const auto bells = c.getBellSchedule();
  if (bells.size() == 0) return reject(ErrorCode::kInvalidCommand, "Не задано расписание звонков");
  if (bells.size() > kMaxLessonsPerDay) return invalid("Слишком много уроков в расписании звонков");
  int previous = -1;
  for (unsigned i = 0; i < bells.size(); ++i) {
    const std::string n = std::to_string(i + 1);
    auto start = parse_clock(text(bells[i]));
    if (!start) return invalid("Некорректное время начала урока " + n + ": " + text(bells[i]));
    if (*start <= previous) return invalid("Звонки должны идти по возрастанию (урок " + n + ")");
    if (previous >= 0 && *start < previous + minutes) {
      return invalid("Урок " + n + " начинается раньше, чем заканчивается предыдущий");
    }
    if (*start + minutes > kMinutesPerDay) {
      return invalid("Урок " + n + " заканчивается после полуночи");
    }
    previous = *start;
  }
  auto e = d.out.add(school_stream(id)).initSchoolRegistered();
  e.setSchoolId(id);
  e.setName(c.getName());
  e.setTimeZone(c.getTimeZone());
  e.setBellSchedule(bells);
  e.setLessonMinutes(static_cast<uint16_t>(minutes));
  return std::nullopt;
}

Verdict open_academic_year(Decision& d, schema::AcademicYearOpened::Reader c) {
  auto school = school_for(d, c.getSchoolId(), {Role::ADMINISTRATOR});
  if (!school) return school.error();
  const School& s = **school;
  if (Verdict v = check_id(c.getYearId(), "учебного года")) return v;
  const std::string id = text(c.getYearId());
  if (s.years.count(id)) return already_exists("Учебный год", id);
  if (Verdict v = check_text(c.getName(), kMaxNameBytes, "Не указано название учебного года")) {
    return v;
  }
  auto start = date_field(c.getStart(), "начало учебного года");
  if (!start) return start.error();
  auto end = date_field(c.getEnd(), "конец учебного года");
  if (!end) return end.error();
  if (*start >= *end) return invalid("Начало учебного года должно быть раньше его конца");
  if (end->days - start->days + 1 > kMaxYearDays) {
    return invalid("Учебный год не может быть длиннее календарного года");
  }
  for (const auto& [other_id, y] : s.years) {
    if (y.start <= *end && *start <= y.end) {
      return invalid("Учебный год пересекается с учебным годом " + other_id);
    }
  }
  if (Verdict v = check_periods(s, c, *start, *end)) return v;

  auto e = d.out.add(school_stream(s.id)).initAcademicYearOpened();
  e.setSchoolId(s.id);
  e.setYearId(id);
  e.setName(c.getName());
  e.setStart(format_date(*start));
  e.setEnd(format_date(*end));
  e.setPeriodKind(c.getPeriodKind());
  const auto periods = c.getPeriods();
  auto out = e.initPeriods(periods.size());
  for (unsigned i = 0; i < periods.size(); ++i) {
    out[i].setPeriodId(periods[i].getPeriodId());
    out[i].setName(periods[i].getName());
    out[i].setStart(format_date(*parse_date(text(periods[i].getStart()))));
    out[i].setEnd(format_date(*parse_date(text(periods[i].getEnd()))));
  }
  return std::nullopt;
}

Verdict declare_holiday(Decision& d, schema::HolidayDeclared::Reader c) {
  auto school = school_for(d, c.getSchoolId(), {Role::ADMINISTRATOR});
  if (!school) return school.error();
  const School& s = **school;
  if (Verdict v = check_id(c.getYearId(), "учебного года")) return v;
  auto year = s.years.find(text(c.getYearId()));
  if (year == s.years.end()) return not_found("Учебный год", text(c.getYearId()));
  const YearInfo& y = year->second;
  if (Verdict v = check_text(c.getName(), kMaxNameBytes, "Не указано название каникул")) return v;
  auto start = date_field(c.getStart(), "начало каникул");
  if (!start) return start.error();
  auto end = date_field(c.getEnd(), "конец каникул");
  if (!end) return end.error();
  if (*start > *end) return invalid("Начало каникул позже их конца");
  if (*start < y.start || *end > y.end) return invalid("Каникулы выходят за границы учебного года");
  for (const Holiday& h : y.holidays) {
    if (h.start <= *end && *start <= h.end) {
      return invalid("Пересекается с уже объявленными каникулами " + format_date_ru(h.start) +
                     " – " + format_date_ru(h.end));
    }
  }
  auto e = d.out.add(school_stream(s.id)).initHolidayDeclared();
  e.setSchoolId(s.id);
  e.setYearId(y.id);
  e.setStart(format_date(*start));
  e.setEnd(format_date(*end));
  e.setName(c.getName());
  return std::nullopt;
}

Verdict define_subject(Decision& d, schema::SubjectDefined::Reader c) {
  auto school = school_for(d, c.getSchoolId(), {Role::ADMINISTRATOR});
  if (!school) return school.error();
  const School& s = **school;
  if (Verdict v = check_id(c.getSubjectId(), "предмета")) return v;
  const std::string id = text(c.getSubjectId()), name = text(c.getName());
  if (Verdict v = check_text(c.getName(), kMaxNameBytes, "Не указано название предмета")) return v;
  for (const auto& [other_id, other_name] : s.subjects) {
    if (other_id != id && other_name == name) return already_exists("Предмет с названием", name);
  }
  // Defining an existing subject again renames, retires or returns it (see
  // SubjectDefined); a new one starts in use.
  if (auto it = s.subjects.find(id); it == s.subjects.end()) {
    if (c.getRetired()) return invalid("Новый предмет не может быть выведен из употребления");
  } else if (it->second == name && s.retired_subjects.contains(id) == c.getRetired()) {
    return reject(ErrorCode::kAlreadyDone, c.getRetired()
                                               ? "Предмет уже выведен из употребления"
                                               : "Предмет уже определён с этим названием");
  }
  auto e = d.out.add(school_stream(s.id)).initSubjectDefined();
  e.setSchoolId(s.id);
  e.setSubjectId(id);
  e.setName(name);
  e.setRetired(c.getRetired());
  return std::nullopt;
}

Verdict define_work_type(Decision& d, schema::WorkTypeDefined::Reader c) {
  auto school = school_for(d, c.getSchoolId(), {Role::ADMINISTRATOR});
  if (!school) return school.error();
  const School& s = **school;
  if (Verdict v = check_id(c.getWorkTypeId(), "вида работы")) return v;
  const std::string id = text(c.getWorkTypeId()), name = text(c.getName());
  if (Verdict v = check_text(c.getName(), kMaxNameBytes, "Не указано название вида работы")) {
    return v;
  }
  if (c.getWeight() < kMinWeight || c.getWeight() > kMaxWeight) {
    return invalid("Вес вида работы должен быть от 1 до 10");
  }
  for (const auto& [other_id, w] : s.work_types) {
    if (other_id != id && w.name == name) return already_exists("Вид работы с названием", name);
  }
  // Defining an existing work type again changes it (see WorkTypeDefined);
  // a new one starts in use.
  if (auto it = s.work_types.find(id); it == s.work_types.end()) {
    if (c.getRetired()) return invalid("Новый вид работы не может быть выведен из употребления");
  } else if (it->second.name == name && it->second.weight == c.getWeight() &&
             it->second.retired == c.getRetired()) {
    return reject(ErrorCode::kAlreadyDone,
                  c.getRetired() ? "Вид работы уже выведен из употребления"
                                 : "Вид работы уже определён с этим названием и весом");
  }
  auto e = d.out.add(school_stream(s.id)).initWorkTypeDefined();
  e.setSchoolId(s.id);
  e.setWorkTypeId(id);
  e.setName(name);
  e.setWeight(c.getWeight());
  e.setRetired(c.getRetired());
  return std::nullopt;
}

Verdict close_period(Decision& d, schema::PeriodClosed::Reader c) {
  auto school =
      school_for(d, c.getSchoolId(), {Role::ADMINISTRATOR, Role::DIRECTOR, Role::DEPUTY_DIRECTOR});
  if (!school) return school.error();
  const School& s = **school;
  if (Verdict v = check_id(c.getPeriodId(), "учебного периода")) return v;
  const PeriodInfo* p = find_period(s, text(c.getPeriodId()));
  if (!p) return not_found("Учебный период", text(c.getPeriodId()));
  if (s.closed_periods.count(p->id)) {
    return reject(ErrorCode::kAlreadyDone, "Период «" + p->name + "» уже закрыт");
  }
  auto e = d.out.add(school_stream(s.id)).initPeriodClosed();
  e.setSchoolId(s.id);
  e.setPeriodId(p->id);
  return std::nullopt;
}

Verdict reopen_period(Decision& d, schema::PeriodReopened::Reader c) {
  auto school = school_for(d, c.getSchoolId(), {Role::ADMINISTRATOR});
  if (!school) return school.error();
  const School& s = **school;
  if (Verdict v = check_id(c.getPeriodId(), "учебного периода")) return v;
  const PeriodInfo* p = find_period(s, text(c.getPeriodId()));
  if (!p) return not_found("Учебный период", text(c.getPeriodId()));
  if (!present(c.getReason())) return reason_required();
  if (Verdict v = check_length(c.getReason(), kMaxTextBytes)) return v;
  if (!s.closed_periods.count(p->id)) {
    return reject(ErrorCode::kAlreadyDone, "Период «" + p->name + "» не закрыт");
  }
  auto e = d.out.add(school_stream(s.id)).initPeriodReopened();
  e.setSchoolId(s.id);
  e.setPeriodId(p->id);
  e.setReason(c.getReason());
  return std::nullopt;
}

Verdict sign_off_month(Decision& d, schema::MonthSignedOff::Reader c) {
  auto school = school_for(d, c.getSchoolId(), {Role::DIRECTOR});
  if (!school) return school.error();
  const School& s = **school;
  if (!present(c.getMonth())) return reject(ErrorCode::kInvalidCommand, "Не указан месяц");
  const std::string month = text(c.getMonth());
  auto first = parse_month(month);
  if (!first) return invalid("Некорректный месяц (нужно ГГГГ-ММ): " + month);
  const Date last = month_end(*first);
  bool in_year = false;
  for (const auto& [id, y] : s.years) in_year = in_year || (y.start <= last && *first <= y.end);
  if (!in_year) return invalid("Месяц " + month + " не входит в учебный год");
  if (*first > support::today(d, &s)) {
    return invalid("Нельзя подписать месяц, который ещё не начался");
  }
  if (s.signed_months.count(month)) {
    return reject(ErrorCode::kAlreadyDone, "Месяц " + month + " уже подписан");
  }
  if (Verdict v = check_length(c.getComment(), kMaxTextBytes)) return v;
  auto e = d.out.add(school_stream(s.id)).initMonthSignedOff();
  e.setSchoolId(s.id);
  e.setMonth(month);
  e.setComment(c.getComment());
  return std::nullopt;
}

}  // namespace zhurnal::commands::internal
