// Civil dates, school-local wall-clock time and the academic year's calendar
// as the demo school keeps it. Dates are school-local; instants are UTC
// microseconds. Time-zone rules come from the IANA database (date/tz).
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace date {
class time_zone;
}

namespace zhurnal::demo::internal {

// Days since 1970-01-01.
struct Day {
  int32_t days = 0;
  auto operator<=>(const Day&) const = default;
  Day plus(int n) const { return Day{days + n}; }
  // 0 = Monday ... 6 = Sunday.
  int weekday() const { return static_cast<int>(((days % 7) + 7 + 3) % 7); }
};

Day make_day(int year, int month, int day);
std::optional<Day> parse_day(std::string_view yyyy_mm_dd);
std::string format_day(Day d);  // "2026-09-01"
std::string format_ru(Day d);   // "01.09.2026"
int year_of(Day d);
int month_of(Day d);

inline constexpr int64_t kMinuteUs = 60'000'000;
inline constexpr int64_t kSecondUs = 1'000'000;

// School-local wall-clock time to UTC. Copyable; the zone is owned by date/tz.
class SchoolClock {
 public:
  // nullopt when the zone is unknown.
  static std::optional<SchoolClock> create(std::string_view zone_name);
  // The UTC instant of `minute_of_day` (minutes after local midnight) on `day`.
  int64_t utc_us(Day day, int minute_of_day) const;

 private:
  explicit SchoolClock(const date::time_zone* zone) : zone_(zone) {}
  const date::time_zone* zone_;
};

struct YearPeriod {
  std::string id;    // "q1"
  std::string name;  // "1 четверть"
  Day start, end;
};

struct Holiday {
  Day start, end;  // inclusive
  std::string name;
};

// The academic year containing a date, in quarters, with the school
// holidays and the public holidays that fall on it.
struct YearCalendar {
  std::string id;    // "y2026"
  std::string name;  // "2026/2027"
  Day start, end;
  std::vector<YearPeriod> periods;
  std::vector<Holiday> holidays;

  bool is_holiday(Day d) const;
  // Monday to Friday, inside the year, not a holiday.
  bool is_school_day(Day d) const;
};

YearCalendar make_year_calendar(Day any_day_of_year);

}  // namespace zhurnal::demo::internal
