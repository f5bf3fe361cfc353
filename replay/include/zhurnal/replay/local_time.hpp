// School-local wall-clock time for the auditors' tools. Instants in the log
// are UTC microseconds; people ask in the school's time zone ("2026-10-01
// 12:00" in Asia/Yekaterinburg). Zone rules come from the IANA database
// (Howard Hinnant's date/tz over the system's tzdata), never a fixed offset.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "zhurnal/events/status.hpp"

namespace zhurnal::replay {

// Parses "YYYY-MM-DD", "YYYY-MM-DD HH:MM" or "YYYY-MM-DD HH:MM:SS" (a 'T'
// may stand for the space) as a wall-clock time in the IANA zone `zone` and
// returns the UTC instant in microseconds. A bare date means its midnight. In
// a DST overlap the earlier instant is taken; a time in a DST gap is moved
// forward past it. Errors: kInvalidArgument for malformed text or an unknown
// zone (the message says which).
events::Result<int64_t> parse_local_time(std::string_view text, std::string_view zone);

// "YYYY-MM-DD HH:MM:SS" of a UTC instant in `zone` (UTC when the zone is
// unknown or empty).
std::string format_local_time(int64_t utc_us, std::string_view zone);

}  // namespace zhurnal::replay
