#include "zhurnal/replay/log_lookup.hpp"

#include "schema/journal.capnp.h"
#include "schema/message_reader.hpp"

namespace zhurnal::replay {
namespace {

using events::StatusCode;

// The first event of `stream`, decoded and handed to fn; kNotFound when the
// stream does not exist.
template <typename Fn>
auto first_event(events::EventLog& log, const std::string& stream, const std::string& what, Fn fn)
    -> decltype(fn(std::declval<schema::JournalEvent::Reader>())) {
  auto events = log.read_stream(stream, 1, events::Direction::kForward, 1);
  if (!events) return std::unexpected(events.error());
  if (events->empty()) return events::error(StatusCode::kNotFound, what);
  try {
    schema::BoundedMessageReader reader(events->front().payload);
    return fn(reader.root<schema::JournalEvent>());
  } catch (const kj::Exception&) {
    return events::error(StatusCode::kCorruption, "the first event of " + stream + " is unreadable");
  }
}

std::string str(capnp::Text::Reader t) { return {t.cStr(), t.size()}; }

}  // namespace

events::Result<std::string> school_of_class(events::EventLog& log, const std::string& class_id) {
  return first_event(log, "class-" + class_id, "класс не найден: " + class_id,
                     [&](schema::JournalEvent::Reader e) -> events::Result<std::string> {
                       if (!e.isClassOpened()) {
                         return events::error(StatusCode::kCorruption,
                                              "class-" + class_id + " does not start with ClassOpened");
                       }
                       return str(e.getClassOpened().getSchoolId());
                     });
}

events::Result<std::string> school_of_student(events::EventLog& log, const std::string& student_id) {
  return first_event(log, "student-" + student_id, "ученик не найден: " + student_id,
                     [&](schema::JournalEvent::Reader e) -> events::Result<std::string> {
                       if (!e.isStudentEnrolled()) {
                         return events::error(StatusCode::kCorruption, "student-" + student_id +
                                                                           " does not start with StudentEnrolled");
                       }
                       return str(e.getStudentEnrolled().getSchoolId());
                     });
}

events::Result<std::string> school_of_user(events::EventLog& log, const std::string& user_id) {
  auto school = first_event(log, "user-" + user_id, "пользователь не найден: " + user_id,
                            [&](schema::JournalEvent::Reader e) -> events::Result<std::string> {
                              if (!e.isUserRegistered()) {
                                return events::error(StatusCode::kCorruption,
                                                     "user-" + user_id + " does not start with UserRegistered");
                              }
                              return str(e.getUserRegistered().getSchoolId());
                            });
  if (!school && school.error().code() == StatusCode::kNotFound) {
    return school_of_student(log, user_id);
  }
  return school;
}

events::Result<SchoolRef> school_ref(events::EventLog& log, const std::string& school_id) {
  return first_event(log, "school-" + school_id, "школа не найдена: " + school_id,
                     [&](schema::JournalEvent::Reader e) -> events::Result<SchoolRef> {
                       if (!e.isSchoolRegistered()) {
                         return events::error(StatusCode::kCorruption,
                                              "school-" + school_id + " does not start with SchoolRegistered");
                       }
                       auto s = e.getSchoolRegistered();
                       return SchoolRef{school_id, str(s.getName()), str(s.getTimeZone())};
                     });
}

events::Result<uint64_t> position_at(events::EventLog& log, int64_t utc_us) {
  // Invariant: every position <= lo is at or before the instant, every
  // position > hi after it.
  uint64_t lo = 0, hi = log.head_position();
  while (lo < hi) {
    const uint64_t mid = lo + (hi - lo + 1) / 2;
    auto e = log.read_all(mid, 1);
    if (!e) return std::unexpected(e.error());
    if (e->empty() || e->front().position != mid) {
      return events::error(StatusCode::kCorruption, "position " + std::to_string(mid) + " is missing");
    }
    if (e->front().recorded_at_us <= utc_us) {
      lo = mid;
    } else {
      hi = mid - 1;
    }
  }
  return lo;
}

}  // namespace zhurnal::replay
