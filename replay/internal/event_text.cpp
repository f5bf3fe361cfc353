#include "event_text.hpp"

namespace zhurnal::replay::internal {

std::string attendance_text(schema::AttendanceCode c) {
  switch (c) {
    case schema::AttendanceCode::PRESENT: return "присутствовал";
    case schema::AttendanceCode::ABSENT: return "Н";
    case schema::AttendanceCode::ILL: return "Б";
    case schema::AttendanceCode::EXCUSED: return "У";
    case schema::AttendanceCode::LATE: return "ОП";
  }
  return "?";
}

std::string final_kind_text(schema::FinalMarkKind k) {
  switch (k) {
    case schema::FinalMarkKind::PERIOD: return "за период";
    case schema::FinalMarkKind::YEAR: return "годовая";
    case schema::FinalMarkKind::FINAL: return "итоговая";
  }
  return "?";
}

std::string roles_text(capnp::List<schema::Role>::Reader roles) {
  std::string out;
  for (schema::Role r : roles) {
    const char* name = "?";
    switch (r) {
      case schema::Role::ADMINISTRATOR: name = "администратор"; break;
      case schema::Role::DIRECTOR: name = "директор"; break;
      case schema::Role::DEPUTY_DIRECTOR: name = "завуч"; break;
      case schema::Role::SECRETARY: name = "секретарь"; break;
      case schema::Role::TEACHER: name = "учитель"; break;
      case schema::Role::STUDENT: name = "ученик"; break;
      case schema::Role::PARENT: name = "родитель"; break;
      case schema::Role::AUDITOR: name = "проверяющий"; break;
    }
    if (!out.empty()) out += ", ";
    out += name;
  }
  return out;
}

}  // namespace zhurnal::replay::internal
