#include "zhurnal/replay/local_time.hpp"

#include <date/date.h>
#include <date/tz.h>

#include <charconv>
#include <chrono>
#include <cstdio>

namespace zhurnal::replay {
namespace {

using events::StatusCode;

const date::time_zone* find_zone(std::string_view name) {
  if (name.empty()) return nullptr;
  try {
    return date::locate_zone(std::string(name));
  } catch (const std::exception&) {
    return nullptr;
  }
}

bool number(std::string_view text, size_t at, size_t len, int* out) {
  if (at + len > text.size()) return false;
  for (size_t i = at; i < at + len; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
  }
  return std::from_chars(text.data() + at, text.data() + at + len, *out).ec == std::errc{};
}

}  // namespace

events::Result<int64_t> parse_local_time(std::string_view text, std::string_view zone_name) {
  const auto bad = [&] {
    return events::error(StatusCode::kInvalidArgument,
                         "некорректное время \"" + std::string(text) +
                             "\": ожидается \"ГГГГ-ММ-ДД[ ЧЧ:ММ[:СС]]\"");
  };
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  if (text.size() != 10 && text.size() != 16 && text.size() != 19) return bad();
  if (!number(text, 0, 4, &y) || text[4] != '-' || !number(text, 5, 2, &mo) || text[7] != '-' ||
      !number(text, 8, 2, &d)) {
    return bad();
  }
  if (text.size() >= 16) {
    if ((text[10] != ' ' && text[10] != 'T') || !number(text, 11, 2, &h) || text[13] != ':' ||
        !number(text, 14, 2, &mi)) {
      return bad();
    }
  }
  if (text.size() == 19 && (text[16] != ':' || !number(text, 17, 2, &s))) return bad();
  const date::year_month_day ymd{date::year{y}, date::month{static_cast<unsigned>(mo)},
                                 date::day{static_cast<unsigned>(d)}};
  if (!ymd.ok() || h > 23 || mi > 59 || s > 59) return bad();
  const date::time_zone* zone = find_zone(zone_name);
  if (!zone) {
    return events::error(StatusCode::kInvalidArgument,
                         "неизвестный часовой пояс \"" + std::string(zone_name) + "\"");
  }
  const auto local = date::local_days{ymd} + std::chrono::hours{h} + std::chrono::minutes{mi} +
                     std::chrono::seconds{s};
  const date::local_info info = zone->get_info(local);
  date::sys_seconds utc{};
  switch (info.result) {
    case date::local_info::unique:
    case date::local_info::ambiguous:  // the earlier of the two
      utc = date::sys_seconds{local.time_since_epoch()} - info.first.offset;
      break;
    case date::local_info::nonexistent:  // in a gap: the instant the gap ends
      utc = info.second.begin;
      break;
  }
  return std::chrono::duration_cast<std::chrono::microseconds>(utc.time_since_epoch()).count();
}

std::string format_local_time(int64_t utc_us, std::string_view zone_name) {
  const date::sys_seconds utc{std::chrono::duration_cast<std::chrono::seconds>(
      std::chrono::microseconds{utc_us - (utc_us % 1'000'000 + 1'000'000) % 1'000'000})};
  date::local_seconds local{utc.time_since_epoch()};
  if (const date::time_zone* zone = find_zone(zone_name)) local = zone->to_local(utc);
  const auto day = date::floor<date::days>(local);
  const date::year_month_day ymd{day};
  const date::hh_mm_ss<std::chrono::seconds> t{local - day};
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u %02lld:%02lld:%02lld", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<long long>(t.hours().count()),
                static_cast<long long>(t.minutes().count()),
                static_cast<long long>(t.seconds().count()));
  return buf;
}

}  // namespace zhurnal::replay
