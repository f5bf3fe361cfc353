// Averages of marks as the regulation counts them: numeric marks only
// (зачёт, незачёт, н/а, осв are left out), cancelled marks left out, the
// weighted average using each mark's work-type weight as posted.
#pragma once

#include <cstdint>

#include "schema/views.capnp.h"

namespace zhurnal::projections::internal {

class AverageAccumulator {
 public:
  void add(schema::CellMark::Reader m) {
    if (m.getCancelled() || !m.getValue().isNumeric()) return;
    const uint64_t v = m.getValue().getNumeric();
    const uint64_t w = m.getWeight() ? m.getWeight() : 1;
    ++count_;
    sum_ += v;
    weighted_sum_ += v * w;
    weights_ += w;
  }
  void add_cell(schema::CellRow::Reader c) {
    for (auto m : c.getMarks()) add(m);
  }
  void write(schema::Averages::Builder out) const {
    out.setCount(count_);
    if (count_ == 0) return;
    out.setSimpleHundredths(static_cast<uint16_t>((sum_ * 100 + count_ / 2) / count_));
    out.setWeightedHundredths(static_cast<uint16_t>((weighted_sum_ * 100 + weights_ / 2) / weights_));
  }

 private:
  uint32_t count_ = 0;
  uint64_t sum_ = 0, weighted_sum_ = 0, weights_ = 0;
};

}  // namespace zhurnal::projections::internal
