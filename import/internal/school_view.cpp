#include "school_view.hpp"

#include <set>
#include <string_view>

#include "schema/journal.capnp.h"
#include "schema/message_reader.hpp"

namespace zhurnal::import::internal {
namespace {

constexpr size_t kReadBatch = 2048;

// The event types the view folds; everything else (marks, lessons, ...) is
// skipped without decoding.
const std::set<std::string, std::less<>>& folded_types() {
  static const std::set<std::string, std::less<>> kTypes = {
      "SchoolRegistered", "AcademicYearOpened", "SubjectDefined",  "UserRegistered",
      "RolesChanged",     "ClassOpened",        "SubgroupDefined", "ClassTeacherAssigned",
      "TeachingAssigned", "TeachingEnded",      "StudentEnrolled", "StudentTransferred",
      "StudentDeparted"};
  return kTypes;
}

std::string str(capnp::Text::Reader t) { return {t.cStr(), t.size()}; }

Day day_or(capnp::Text::Reader t, Day fallback) {
  auto d = parse_day(str(t));
  return d ? *d : fallback;
}

uint32_t roles_of(capnp::List<schema::Role>::Reader roles) {
  uint32_t set = 0;
  for (auto r : roles) set |= 1u << static_cast<unsigned>(r);
  return set;
}

}  // namespace

events::Result<void> SchoolView::catch_up(events::EventLog& log) {
  const uint64_t head = log.head_position();
  uint64_t next = position_ + 1;
  while (next <= head) {
    auto batch = log.read_all(next, kReadBatch);
    if (!batch) return std::unexpected(batch.error());
    if (batch->empty()) break;
    for (const events::RecordedEvent& e : *batch) {
      if (e.position > head) break;
      try {
        apply(e);
      } catch (const kj::Exception& ex) {
        return events::error(events::StatusCode::kCorruption,
                             "event " + std::to_string(e.position) + " (" + e.type +
                                 ") does not decode: " + ex.getDescription().cStr());
      }
      next = e.position + 1;
    }
  }
  return {};
}

void SchoolView::apply(const events::RecordedEvent& e) {
  if (folded_types().count(e.type)) fold_event(e);
  position_ = e.position;  // only once folded: an event that threw is met again
}

void SchoolView::fold_event(const events::RecordedEvent& e) {
  schema::BoundedMessageReader reader(e.payload);
  auto ev = reader.root<schema::JournalEvent>();
  using J = schema::JournalEvent;
  switch (ev.which()) {
    case J::SCHOOL_REGISTERED: {
      auto x = ev.getSchoolRegistered();
      if (str(x.getSchoolId()) != school_id_) break;
      has_school_ = true;
      school_name_ = str(x.getName());
      time_zone_ = str(x.getTimeZone());
      break;
    }
    case J::ACADEMIC_YEAR_OPENED: {
      auto x = ev.getAcademicYearOpened();
      if (str(x.getSchoolId()) != school_id_) break;
      years_[str(x.getYearId())] = {str(x.getYearId()), str(x.getName()),
                                    day_or(x.getStart(), Day{}), day_or(x.getEnd(), Day{})};
      break;
    }
    case J::SUBJECT_DEFINED: {
      auto x = ev.getSubjectDefined();
      if (str(x.getSchoolId()) != school_id_) break;
      subjects_[str(x.getSubjectId())] = str(x.getName());
      if (x.getRetired()) {
        retired_subjects_.insert(str(x.getSubjectId()));
      } else {
        retired_subjects_.erase(str(x.getSubjectId()));
      }
      break;
    }
    case J::USER_REGISTERED: {
      auto x = ev.getUserRegistered();
      users_[str(x.getUserId())] = {str(x.getUserId()), str(x.getSchoolId()), str(x.getFullName()),
                                    roles_of(x.getRoles())};
      break;
    }
    case J::ROLES_CHANGED: {
      auto x = ev.getRolesChanged();
      if (auto it = users_.find(str(x.getUserId())); it != users_.end()) {
        it->second.roles = roles_of(x.getRoles());
      }
      break;
    }
    case J::CLASS_OPENED: {
      auto x = ev.getClassOpened();
      ViewClass& c = classes_[str(x.getClassId())];
      c.id = str(x.getClassId());
      c.school_id = str(x.getSchoolId());
      c.year_id = str(x.getYearId());
      c.grade = x.getGrade();
      c.letter = normalize_letter(str(x.getLetter()));
      break;
    }
    case J::SUBGROUP_DEFINED: {
      auto x = ev.getSubgroupDefined();
      if (auto it = classes_.find(str(x.getClassId())); it != classes_.end()) {
        it->second.subgroups[str(x.getSubgroupId())] = str(x.getName());
      }
      break;
    }
    case J::CLASS_TEACHER_ASSIGNED: {
      auto x = ev.getClassTeacherAssigned();
      if (auto it = classes_.find(str(x.getClassId())); it != classes_.end()) {
        it->second.class_teacher_id = str(x.getTeacherId());
      }
      break;
    }
    case J::TEACHING_ASSIGNED: {
      auto x = ev.getTeachingAssigned();
      assignments_[str(x.getAssignmentId())] = {
          str(x.getAssignmentId()),
          str(x.getClassId()),
          str(x.getSubgroupId()),
          str(x.getSubjectId()),
          str(x.getTeacherId()),
          day_or(x.getStart(), Day{}),
          x.getEnd().size() ? day_or(x.getEnd(), kOpenEnd) : kOpenEnd};
      break;
    }
    case J::TEACHING_ENDED: {
      auto x = ev.getTeachingEnded();
      if (auto it = assignments_.find(str(x.getAssignmentId())); it != assignments_.end()) {
        it->second.end = day_or(x.getEnd(), it->second.end);
      }
      break;
    }
    case J::STUDENT_ENROLLED: {
      auto x = ev.getStudentEnrolled();
      ViewStudent& s = students_[str(x.getStudentId())];
      s.id = str(x.getStudentId());
      s.school_id = str(x.getSchoolId());
      s.full_name = str(x.getFullName());
      s.birth = day_or(x.getBirthDate(), Day{});
      s.departed = false;
      s.enrolments.push_back({str(x.getClassId()), day_or(x.getFrom(), Day{}), kOpenEnd});
      break;
    }
    case J::STUDENT_TRANSFERRED: {
      auto x = ev.getStudentTransferred();
      auto it = students_.find(str(x.getStudentId()));
      if (it == students_.end()) break;
      const Day day = day_or(x.getDate(), Day{});
      if (!it->second.enrolments.empty()) it->second.enrolments.back().to = day;
      it->second.enrolments.push_back({str(x.getToClassId()), day, kOpenEnd});
      break;
    }
    case J::STUDENT_DEPARTED: {
      auto x = ev.getStudentDeparted();
      auto it = students_.find(str(x.getStudentId()));
      if (it == students_.end()) break;
      if (!it->second.enrolments.empty()) {
        it->second.enrolments.back().to = day_or(x.getDate(), Day{});
      }
      it->second.departed = true;
      break;
    }
    default:
      break;
  }
}

const ViewYear* SchoolView::current_year(Day today) const {
  const ViewYear* next = nullptr;
  for (const auto& [id, y] : years_) {
    if (y.start <= today && today <= y.end) return &y;
    if (y.start > today && (!next || y.start < next->start)) next = &y;
  }
  return next;
}

const ViewYear* SchoolView::year(const std::string& id) const {
  auto it = years_.find(id);
  return it == years_.end() ? nullptr : &it->second;
}

const ViewClass* SchoolView::find_class(const std::string& year_id, int grade,
                                        const std::string& letter) const {
  for (const auto& [id, c] : classes_) {
    if (c.school_id == school_id_ && c.year_id == year_id && c.grade == grade &&
        c.letter == letter) {
      return &c;
    }
  }
  return nullptr;
}

const std::string* SchoolView::subject_id_by_name(const std::string& text) const {
  if (auto it = subjects_.find(tidy(text)); it != subjects_.end()) return &it->first;
  const std::string key = fold(text);
  for (const auto& [id, name] : subjects_) {
    if (fold(name) == key) return &id;
  }
  return nullptr;
}

}  // namespace zhurnal::import::internal
