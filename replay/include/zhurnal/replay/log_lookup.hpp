// Look-ups straight from the log for the auditors' tools, without folding
// it: which school a class, student or user belongs to (the first event of
// their stream), a school's time zone, and the position of the last event
// recorded at or before an instant (recorded times never decrease along the
// log, so a binary search over positions finds it).
//
// Thread safety: as the EventLog's reads (any thread).
#pragma once

#include <cstdint>
#include <string>

#include "zhurnal/events/event_log.hpp"

namespace zhurnal::replay {

struct SchoolRef {
  std::string school_id;
  std::string name;
  std::string time_zone;  // IANA
};

// Errors: kNotFound naming the unknown class, student, user or school;
// kCorruption when the stream's first event is not what opens it.
events::Result<std::string> school_of_class(events::EventLog& log, const std::string& class_id);
events::Result<std::string> school_of_student(events::EventLog& log, const std::string& student_id);
// Staff, parents and auditors (user-<id>); an auditor's school is empty. A
// student id is answered from her enrolment.
events::Result<std::string> school_of_user(events::EventLog& log, const std::string& user_id);
events::Result<SchoolRef> school_ref(events::EventLog& log, const std::string& school_id);

// The position of the last event recorded at or before `utc_us` (0 when the
// first event is later). Reads O(log head) single events.
events::Result<uint64_t> position_at(events::EventLog& log, int64_t utc_us);

}  // namespace zhurnal::replay
