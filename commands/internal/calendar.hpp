// Civil dates and school-local time. Dates in events are "YYYY-MM-DD" in the
// school's time zone; instants are UTC microseconds. Time-zone rules come from
// the IANA database (Howard Hinnant's date/tz over the system's tzdata), never
// from a fixed offset.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace date {
class time_zone;
}

namespace zhurnal::commands::internal {

// Days since 1970-01-01 (a civil date, no time zone).
struct Date {
  int32_t days = 0;
  auto operator<=>(const Date&) const = default;
};

inline constexpr Date kNoDate{INT32_MIN};
inline constexpr Date kEndOfTime{INT32_MAX};

// Strict "YYYY-MM-DD" with a real calendar date; nullopt otherwise.
std::optional<Date> parse_date(std::string_view text);
std::string format_date(Date d);
// The Monday of `day`'s week (1970-01-01 was a Thursday).
inline Date monday_of(Date day) {
  const int32_t weekday = ((day.days + 3) % 7 + 7) % 7;  // Monday 0
  return Date{day.days - weekday};
}
// "ДД.ММ.ГГГГ", as a date is written in Russian: for messages, never events.
std::string format_date_ru(Date d);
// "HH:MM" -> minutes after midnight; nullopt when malformed.
std::optional<int> parse_clock(std::string_view text);
// "YYYY-MM" -> first day of that month.
std::optional<Date> parse_month(std::string_view text);

// nullptr when the zone is unknown.
const date::time_zone* find_zone(std::string_view name);
// The UTC instant of a school-local wall-clock time on a date.
int64_t local_to_utc_us(const date::time_zone* zone, Date day, int minutes_after_midnight);
// The school-local date of a UTC instant.
Date local_date(const date::time_zone* zone, int64_t utc_us);

}  // namespace zhurnal::commands::internal
