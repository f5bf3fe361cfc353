#include "internal/dates.hpp"

#include <date/tz.h>

#include <charconv>
#include <cstdio>

namespace zhurnal::demo::internal {

Day make_day(int year, int month, int day) {
  const date::year_month_day ymd{date::year{year}, date::month{static_cast<unsigned>(month)},
                                 date::day{static_cast<unsigned>(day)}};
  return Day{static_cast<int32_t>(date::sys_days(ymd).time_since_epoch().count())};
}

namespace {

date::year_month_day ymd_of(Day d) {
  return date::year_month_day{date::sys_days{date::days{d.days}}};
}

std::optional<int> digits(std::string_view s) {
  int v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

}  // namespace

std::optional<Day> parse_day(std::string_view t) {
  if (t.size() != 10 || t[4] != '-' || t[7] != '-') return std::nullopt;
  auto y = digits(t.substr(0, 4)), m = digits(t.substr(5, 2)), d = digits(t.substr(8, 2));
  if (!y || !m || !d) return std::nullopt;
  const date::year_month_day ymd{date::year{*y}, date::month{static_cast<unsigned>(*m)},
                                 date::day{static_cast<unsigned>(*d)}};
  if (!ymd.ok()) return std::nullopt;
  return make_day(*y, *m, *d);
}

std::string format_day(Day d) {
  const auto ymd = ymd_of(d);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

std::string format_ru(Day d) {
  const auto ymd = ymd_of(d);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02u.%02u.%04d", static_cast<unsigned>(ymd.day()),
                static_cast<unsigned>(ymd.month()), static_cast<int>(ymd.year()));
  return buf;
}

int year_of(Day d) { return static_cast<int>(ymd_of(d).year()); }
int month_of(Day d) { return static_cast<int>(static_cast<unsigned>(ymd_of(d).month())); }

std::optional<SchoolClock> SchoolClock::create(std::string_view zone_name) {
  try {
    return SchoolClock(date::locate_zone(zone_name));
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

int64_t SchoolClock::utc_us(Day day, int minute_of_day) const {
  const date::local_seconds local{date::local_days{date::days{day.days}} +
                                  std::chrono::minutes{minute_of_day}};
  const auto sys = zone_->to_sys(local, date::choose::earliest);
  return std::chrono::duration_cast<std::chrono::microseconds>(sys.time_since_epoch()).count();
}

bool YearCalendar::is_holiday(Day d) const {
  for (const Holiday& h : holidays) {
    if (h.start <= d && d <= h.end) return true;
  }
  return false;
}

bool YearCalendar::is_school_day(Day d) const {
  return d.weekday() < 5 && start <= d && d <= end && !is_holiday(d);
}

YearCalendar make_year_calendar(Day any_day) {
  // The academic year starts on 1 September; dates before it belong to the
  // year that began the September before.
  const int y = month_of(any_day) >= 8 ? year_of(any_day) : year_of(any_day) - 1;
  YearCalendar c;
  c.id = "y" + std::to_string(y);
  c.name = std::to_string(y) + "/" + std::to_string(y + 1);
  c.start = make_day(y, 9, 1);
  c.end = make_day(y + 1, 5, 31);
  c.periods = {
      {"q1", "1 четверть", make_day(y, 9, 1), make_day(y, 10, 26)},
      {"q2", "2 четверть", make_day(y, 11, 5), make_day(y, 12, 28)},
      {"q3", "3 четверть", make_day(y + 1, 1, 12), make_day(y + 1, 3, 22)},
      {"q4", "4 четверть", make_day(y + 1, 3, 31), make_day(y + 1, 5, 31)},
  };
  c.holidays = {
      {make_day(y, 10, 27), make_day(y, 11, 4), "Осенние каникулы"},
      {make_day(y, 12, 29), make_day(y + 1, 1, 11), "Зимние каникулы"},
      {make_day(y + 1, 2, 23), make_day(y + 1, 2, 23), "День защитника Отечества"},
      {make_day(y + 1, 3, 8), make_day(y + 1, 3, 8), "Международный женский день"},
      {make_day(y + 1, 3, 23), make_day(y + 1, 3, 30), "Весенние каникулы"},
      {make_day(y + 1, 5, 1), make_day(y + 1, 5, 1), "Праздник Весны и Труда"},
      {make_day(y + 1, 5, 9), make_day(y + 1, 5, 9), "День Победы"},
  };
  return c;
}

}  // namespace zhurnal::demo::internal
