// Time in the auth components.
//
// Every time is a UTC instant from std::chrono::system_clock (TimePoint);
// durations are std::chrono::seconds. No component reads the clock itself:
// each time-dependent call takes `now`, which the server fills with
// system_clock::now() and tests fill with a fake clock. A wall clock that
// jumps backwards never moves a recorded time back (expiry is measured from
// the latest time seen), so it can only lengthen a session or lockout by the
// size of the jump.
#pragma once

#include <chrono>

namespace zhurnal::auth {

using TimePoint = std::chrono::system_clock::time_point;

}  // namespace zhurnal::auth
