// internal::local_date (the compliance projection's school-local date of an
// instant) remembers the last day it computed for each zone; whatever the
// order of the instants asked for, it must answer as the time-zone rules do.
#include <gtest/gtest.h>

#include <date/date.h>
#include <date/tz.h>

#include <chrono>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "projections/internal/compliance_projection.hpp"

namespace zhurnal::projections {
namespace {

using std::chrono::microseconds;

std::string reference(const std::string& zone, int64_t utc_us) {
  const date::sys_time<microseconds> t{microseconds{utc_us}};
  try {
    return date::format("%Y-%m-%d", date::floor<date::days>(date::locate_zone(zone)->to_local(t)));
  } catch (const std::exception&) {
    return date::format("%Y-%m-%d", date::floor<date::days>(t));
  }
}

int64_t at(int y, unsigned m, unsigned d, int hours = 0, int minutes = 0) {
  const auto day = date::sys_days{date::year{y} / m / d};
  return std::chrono::duration_cast<microseconds>(
             (day + std::chrono::hours{hours} + std::chrono::minutes{minutes}).time_since_epoch())
      .count();
}

TEST(LocalDateTest, KnownDays) {
  // Moscow was UTC+4 until 2014-10-26 02:00 local, UTC+3 since.
  EXPECT_EQ(internal::local_date("Europe/Moscow", at(2014, 10, 25, 19, 59)), "2014-10-25");
  EXPECT_EQ(internal::local_date("Europe/Moscow", at(2014, 10, 25, 20, 0)), "2014-10-26");
  EXPECT_EQ(internal::local_date("Europe/Moscow", at(2026, 9, 1, 20, 59)), "2026-09-01");
  EXPECT_EQ(internal::local_date("Europe/Moscow", at(2026, 9, 1, 21, 0)), "2026-09-02");
  EXPECT_EQ(internal::local_date("Asia/Vladivostok", at(2026, 9, 1, 13, 59)), "2026-09-01");
  EXPECT_EQ(internal::local_date("Asia/Vladivostok", at(2026, 9, 1, 14, 0)), "2026-09-02");
  // An unknown zone counts in UTC.
  EXPECT_EQ(internal::local_date("Nowhere/Atlantis", at(2026, 9, 1, 23, 59)), "2026-09-01");
  EXPECT_EQ(internal::local_date("Nowhere/Atlantis", at(2026, 9, 2)), "2026-09-02");
  EXPECT_EQ(internal::local_date("", at(1970, 1, 1)), "1970-01-01");
  EXPECT_EQ(internal::local_date("UTC", at(2000, 2, 29, 12)), "2000-02-29");
}

// Runs of instants close together (as sign-ins come), each run starting
// anywhere in 2010-2027 (so runs fall across daylight saving and Moscow's
// 2011 and 2014 changes, and jump back in time), in more zones than the
// remembered days (so days are forgotten and computed again).
TEST(LocalDateTest, MatchesTheRulesInAnyOrder) {
  const std::vector<std::string> zones = {
      "Europe/Moscow",    "Europe/Berlin",     "America/New_York", "Asia/Kamchatka",
      "Europe/Kaliningrad", "Asia/Yekaterinburg", "Asia/Omsk",     "Asia/Novosibirsk",
      "Asia/Krasnoyarsk", "Asia/Irkutsk",      "Asia/Yakutsk",     "Asia/Vladivostok",
      "Asia/Magadan",     "Europe/Samara",     "Europe/Volgograd", "Australia/Lord_Howe",
      "Asia/Kolkata",     "Pacific/Chatham",   "UTC",              "Nowhere/Atlantis"};
  std::mt19937_64 rng(20261130);
  const int64_t from = at(2010, 1, 1), to = at(2028, 1, 1);
  std::uniform_int_distribution<int64_t> anywhere(from, to);
  std::uniform_int_distribution<size_t> zone_of(0, zones.size() - 1);
  std::uniform_int_distribution<int64_t> step(0, int64_t{3} * 3600 * 1000000);
  for (int run = 0; run < 3000; ++run) {
    const std::string& zone = zones[zone_of(rng)];
    int64_t t = anywhere(rng);
    for (int i = 0; i < 40; ++i, t += step(rng)) {
      ASSERT_EQ(internal::local_date(zone, t), reference(zone, t)) << zone << " at " << t << " us";
    }
  }
}

// Every minute of the two days around the 2026 switches of Berlin, New York
// and Chatham (whose offsets change by 45 minutes), forwards and then
// backwards.
TEST(LocalDateTest, AroundTheSwitches) {
  for (const std::string zone : {"Europe/Berlin", "America/New_York", "Pacific/Chatham"}) {
    for (const int64_t start : {at(2026, 3, 28, 20), at(2026, 10, 24, 20), at(2026, 3, 7, 20),
                                at(2026, 10, 31, 20), at(2026, 4, 4, 8), at(2026, 9, 26, 8)}) {
      for (int m = 0; m < 48 * 60; ++m) {
        const int64_t t = start + int64_t{m} * 60 * 1000000;
        ASSERT_EQ(internal::local_date(zone, t), reference(zone, t)) << zone << " at " << t;
      }
      for (int m = 48 * 60; m-- > 0;) {
        const int64_t t = start + int64_t{m} * 60 * 1000000 - 1;
        ASSERT_EQ(internal::local_date(zone, t), reference(zone, t)) << zone << " at " << t;
      }
    }
  }
}

}  // namespace
}  // namespace zhurnal::projections
