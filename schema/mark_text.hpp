// How a mark is written in Russian, for every output that shows one: the
// auditors' history, the reports, the compliance drill-downs.
#pragma once

#include <string>

#include "schema/journal.capnp.h"

namespace zhurnal::schema {

// "5", "зачёт", "незачёт", "н/а", "осв".
inline std::string mark_text(MarkValue::Reader v) {
  if (v.isNumeric()) return std::to_string(v.getNumeric());
  switch (v.getNonNumeric()) {
    case NonNumericMark::PASS: return "зачёт";
    case NonNumericMark::FAIL: return "незачёт";
    case NonNumericMark::NOT_ASSESSED: return "н/а";
    case NonNumericMark::EXEMPT: return "осв";
  }
  return "?";
}

}  // namespace zhurnal::schema
