// Russian renderings of the journal's values for the auditors' outputs.
#pragma once

#include <string>
#include <string_view>

#include "schema/journal.capnp.h"
#include "schema/mark_text.hpp"

namespace zhurnal::replay::internal {

using schema::mark_text;  // "5", "зачёт", "незачёт", "н/а", "осв"
// "Н", "Б", "У", "ОП"; "присутствовал" for present.
std::string attendance_text(schema::AttendanceCode c);
// "четвертная", "годовая", "итоговая".
std::string final_kind_text(schema::FinalMarkKind k);
// "учитель, завуч" from a role list.
std::string roles_text(capnp::List<schema::Role>::Reader roles);

inline std::string str(capnp::Text::Reader t) { return {t.cStr(), t.size()}; }
// The text in place, valid while its message is.
inline std::string_view view(capnp::Text::Reader t) { return {t.cStr(), t.size()}; }

}  // namespace zhurnal::replay::internal
