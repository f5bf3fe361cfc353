// Terminal renderings of the read models for `zhurnal replay as-of`.
#pragma once

#include <string>

#include "schema/views.capnp.h"

namespace zhurnal::cli {

// The register as a grid: students down, lessons across; a cell shows its
// marks ("5", "4*" corrected, "(3)" cancelled) and the absence code.
std::string register_text(schema::RegisterView::Reader v);
// The diary week: one line per lesson with topic, homework, marks, absence.
std::string diary_text(schema::DiaryView::Reader v);
// The monthly check: the school's figures, then per teacher and class,
// late marks and corrections.
std::string compliance_text(schema::ComplianceView::Reader v);

}  // namespace zhurnal::cli
