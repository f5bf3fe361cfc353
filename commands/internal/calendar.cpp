#include "calendar.hpp"

#include <date/tz.h>

#include <charconv>

namespace zhurnal::commands::internal {
namespace {

std::optional<int> parse_int(std::string_view s) {
  int v = 0;
  if (s.empty()) return std::nullopt;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

}  // namespace

std::optional<Date> parse_date(std::string_view t) {
  if (t.size() != 10 || t[4] != '-' || t[7] != '-') return std::nullopt;
  auto y = parse_int(t.substr(0, 4)), m = parse_int(t.substr(5, 2)), d = parse_int(t.substr(8, 2));
  if (!y || !m || !d) return std::nullopt;
  date::year_month_day ymd{date::year{*y}, date::month{static_cast<unsigned>(*m)},
                           date::day{static_cast<unsigned>(*d)}};
  if (!ymd.ok() || *y < 1900 || *y > 2200) return std::nullopt;
  return Date{static_cast<int32_t>(date::sys_days(ymd).time_since_epoch().count())};
}

std::string format_date(Date d) {
  date::year_month_day ymd{date::sys_days{date::days{d.days}}};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

std::string format_date_ru(Date d) {
  const std::string iso = format_date(d);  // YYYY-MM-DD
  return iso.substr(8, 2) + "." + iso.substr(5, 2) + "." + iso.substr(0, 4);
}

std::optional<int> parse_clock(std::string_view t) {
  if (t.size() != 5 || t[2] != ':') return std::nullopt;
  auto h = parse_int(t.substr(0, 2)), m = parse_int(t.substr(3, 2));
  if (!h || !m || *h > 23 || *m > 59) return std::nullopt;
  return *h * 60 + *m;
}

std::optional<Date> parse_month(std::string_view t) {
  if (t.size() != 7) return std::nullopt;
  return parse_date(std::string(t) + "-01");
}

const date::time_zone* find_zone(std::string_view name) {
  try {
    return date::locate_zone(name);
  } catch (const std::exception&) {
    return nullptr;
  }
}

int64_t local_to_utc_us(const date::time_zone* zone, Date day, int minutes) {
  const date::local_seconds local{date::local_days{date::days{day.days}} +
                                  std::chrono::minutes{minutes}};
  // Ambiguous or skipped wall-clock times (DST changes) resolve to the earlier
  // instant; Russian zones have had no DST since 2014.
  const auto sys = zone->to_sys(local, date::choose::earliest);
  return std::chrono::duration_cast<std::chrono::microseconds>(sys.time_since_epoch()).count();
}

Date local_date(const date::time_zone* zone, int64_t utc_us) {
  const date::sys_time<std::chrono::microseconds> t{std::chrono::microseconds{utc_us}};
  const auto local = zone->to_local(t);
  return Date{static_cast<int32_t>(date::floor<date::days>(local).time_since_epoch().count())};
}

}  // namespace zhurnal::commands::internal
