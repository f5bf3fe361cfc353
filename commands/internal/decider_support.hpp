// Field checks and look-ups shared by the school, people and class deciders
// (decide_school.cpp, decide_people.cpp, decide_classes.cpp). Header-only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "decision.hpp"
#include "zhurnal/commands/journal.hpp"

namespace zhurnal::commands::internal::support {

inline constexpr size_t kMaxIdBytes = 64;
inline constexpr size_t kMaxNameBytes = 200;   // names, orders, destinations (UTF-8 bytes)
inline constexpr size_t kMaxTextBytes = 4000;  // messages, comments, reasons, notes

// An id: 1..64 printable ASCII characters without spaces ("short ASCII
// strings", journal.capnp). kInvalidCommand otherwise; `what` is genitive
// ("школы").
inline Verdict check_id(capnp::Text::Reader id, const std::string& what) {
  if (!present(id)) return reject(ErrorCode::kInvalidCommand, "Не указан идентификатор " + what);
  if (id.size() > kMaxIdBytes) {
    return reject(ErrorCode::kInvalidCommand, "Слишком длинный идентификатор " + what);
  }
  for (char ch : std::string_view(id.cStr(), id.size())) {
    if (ch < 0x21 || ch > 0x7e) {
      return reject(ErrorCode::kInvalidCommand, "Недопустимые символы в идентификаторе " + what);
    }
  }
  // The system actor's id is nobody else's: a user registered under it would
  // act with every right.
  if (std::string_view(id.cStr(), id.size()) == kSystemActor) {
    return reject(ErrorCode::kInvalidCommand, "Идентификатор «system» зарезервирован");
  }
  return std::nullopt;
}

// At most `max_bytes`; kInvalidValue otherwise. For optional texts.
inline Verdict check_length(capnp::Text::Reader t, size_t max_bytes) {
  if (t.size() <= max_bytes) return std::nullopt;
  return invalid("Слишком длинный текст (больше " + std::to_string(max_bytes) + " байт)");
}

// A required human text: kInvalidCommand with `missing` when blank.
inline Verdict check_text(capnp::Text::Reader t, size_t max_bytes, const std::string& missing) {
  if (!present(t)) return reject(ErrorCode::kInvalidCommand, missing);
  return check_length(t, max_bytes);
}

// A required "YYYY-MM-DD": kInvalidCommand when blank, kInvalidValue when it
// is not a real date. `what` names the field in the message.
inline std::expected<Date, Rejection> date_field(capnp::Text::Reader t, const std::string& what) {
  if (!present(t)) {
    return std::unexpected(reject(ErrorCode::kInvalidCommand, "Не указана дата: " + what));
  }
  auto day = parse_date(text(t));
  if (!day) return std::unexpected(invalid("Некорректная дата (" + what + "): " + text(t)));
  return *day;
}

// A subject the school has: kRetired when it is retired (nothing new of it:
// no loads, no lessons).
inline Verdict check_not_retired(const School& school, const std::string& subject_id) {
  if (!school.retired_subjects.count(subject_id)) return std::nullopt;
  auto it = school.subjects.find(subject_id);
  return reject(ErrorCode::kRetired, "Предмет «" +
                                         (it == school.subjects.end() ? subject_id : it->second) +
                                         "» выведен из употребления");
}

// The school-local date now; UTC when the school (or its zone) is unknown.
inline Date today(const Decision& d, const School* school) {
  if (school && school->zone) return local_date(school->zone, d.now_us);
  constexpr int64_t kDayUs = int64_t{86'400} * 1'000'000;
  const int64_t floor_days = (d.now_us >= 0 ? d.now_us : d.now_us - kDayUs + 1) / kDayUs;
  return Date{static_cast<int32_t>(floor_days)};
}

// The class a student belongs to as of `day`: the enrolment covering it; else
// the next one to start (students enrolled from 1 September are already their
// class teacher's in August); else, with `or_last`, the class she left last.
// Empty when none.
inline std::string class_as_of(const JournalState& state, const Student& s, Date day,
                               bool or_last) {
  std::string cls = state.class_on(s, day);
  if (!cls.empty()) return cls;
  for (const Enrolment& e : s.enrolments) {
    if (e.from > day) return e.class_id;
  }
  if (or_last && !s.enrolments.empty()) return s.enrolments.back().class_id;
  return {};
}

// class_as_of today, in the student's school's time zone.
inline std::string class_today(const Decision& d, const Student& s, bool or_last = false) {
  return class_as_of(d.state, s, today(d, d.state.school(s.school_id)), or_last);
}

inline std::expected<const Student*, Rejection> find_student(const Decision& d,
                                                             capnp::Text::Reader id) {
  if (Verdict v = check_id(id, "ученика")) return std::unexpected(*v);
  const Student* s = d.state.student(text(id));
  if (!s) return std::unexpected(not_found("Ученик", text(id)));
  return s;
}

// ---- look-ups JournalState does not offer yet ------------------------------
// Each uses the real accessor as soon as JournalState declares it (checked by
// `requires`); until then it answers nullopt where it cannot tell, and the
// caller falls back (see there). Wanted on JournalState:
//   // Every class of the school, any year.
//   std::vector<const ClassGroup*> classes_of_school(const std::string& school_id) const;
//   // Whether the user or student holds a login. The fold already keeps a
//   // student's flag in users_[student id], where user() does not return it.
//   bool has_credentials(const std::string& user_or_student_id) const;
// Once both exist, these two wrappers can call the members directly.

template <typename State = JournalState>
std::optional<std::vector<const ClassGroup*>> classes_of_school(const State& state,
                                                                const std::string& school_id) {
  if constexpr (requires { state.classes_of_school(school_id); }) {
    return std::vector<const ClassGroup*>(state.classes_of_school(school_id));
  } else {
    return std::nullopt;
  }
}

// Known for users already; nullopt for students until the accessor exists.
template <typename State = JournalState>
std::optional<bool> has_credentials(const State& state, const std::string& id) {
  if constexpr (requires { state.has_credentials(id); }) {
    return state.has_credentials(id);
  } else {
    if (const User* u = state.user(id)) return u->has_credentials;
    return std::nullopt;
  }
}

}  // namespace zhurnal::commands::internal::support
