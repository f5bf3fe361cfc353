// A small school seeded through the Journal for the import fuzz target, as
// the secretary and the administrator would create it (the same school as
// tests/commands/journal_fixture.hpp, without lessons): sch1 with the year
// 2026/2027, subjects math/rus/eng, teachers t-math, t-rus, t-eng, classes
// 5А (c5a, subgroup g1), 1А (c1a), 6Б (c6b), students s1..s4 in 5А, f1 in 1А,
// b1 in 6Б, teaching assignments in 5А and 1А.
#pragma once

#include <cstdint>
#include <expected>
#include <memory>
#include <string>

#include "zhurnal/events/event_log.hpp"

namespace zhurnal::fuzz {

inline constexpr const char* kSchoolId = "sch1";
inline constexpr const char* kSecretary = "secretary";
// 2026-08-25 09:00 in Asia/Yekaterinburg (UTC+5), in UTC microseconds.
inline constexpr int64_t kSeedClockUs = 1787630400LL * 1000000;

// Creates the log at `path` and writes the school into it. The error is a
// sentence naming the command that failed.
std::expected<std::unique_ptr<events::EventLog>, std::string> seed_school(const std::string& path);

}  // namespace zhurnal::fuzz
