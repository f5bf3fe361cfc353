// Compliance counters as plain numbers: what one lesson contributes to the
// counters of its month, teacher and class (docs/compliance.md), so that any
// change to a lesson is applied as "minus the old contribution, plus the new".
#pragma once

#include <array>
#include <cstdint>

#include "schema/views.capnp.h"

namespace zhurnal::projections::internal {

// Fields in the order of schema::Counters' ordinals.
enum TallyField : int {
  kScheduled,
  kHeld,
  kWithHomework,
  kGradedHeld,
  kGradedWithMarks,
  kMarks,
  kMarksOnTime,
  kMarksLate,
  kLateDelaySeconds,
  kCorrections,
  kCancellations,
  kAttendanceEntries,
  kEntries,
  kLessonsCancelled,
  kTallyFields
};

struct Tally {
  std::array<int64_t, kTallyFields> v{};

  int64_t operator[](TallyField f) const { return v[f]; }
  bool operator==(const Tally&) const = default;
  bool zero() const {
    int64_t any = 0;
    for (int64_t x : v) any |= x;
    return any == 0;
  }
  Tally& add(const Tally& o, int sign) {
    for (int i = 0; i < kTallyFields; ++i) v[i] += sign * o.v[i];
    return *this;
  }
  // No field below o's: subtracting o leaves none negative.
  bool covers(const Tally& o) const {
    bool all = true;
    for (int i = 0; i < kTallyFields; ++i) all &= v[i] >= o.v[i];
    return all;
  }

  static Tally read(schema::Counters::Reader c) {
    Tally t;
    t.v = {c.getLessonsScheduled(),
           c.getLessonsHeld(),
           c.getLessonsWithHomework(),
           c.getGradedLessonsHeld(),
           c.getGradedLessonsWithMarks(),
           c.getMarks(),
           c.getMarksOnTime(),
           c.getMarksLate(),
           static_cast<int64_t>(c.getLateDelaySeconds()),
           c.getCorrections(),
           c.getCancellations(),
           c.getAttendanceEntries(),
           c.getEntries(),
           c.getLessonsCancelled()};
    return t;
  }

  // What read(write(t)) gives: negative fields as zero, the 32-bit fields
  // cut to 32 bits (lateDelaySeconds is 64-bit).
  Tally& as_stored() {
    for (int i = 0; i < kTallyFields; ++i) {
      if (v[i] < 0) v[i] = 0;
      else if (i != kLateDelaySeconds) v[i] = static_cast<uint32_t>(v[i]);
    }
    return *this;
  }

  // add(o, 1), then as_stored(), in one pass (a counter row takes both at
  // every change of a lesson); whether the sum had a field not zero before
  // as_stored() (the row's "present").
  bool add_stored(const Tally& o) {
    int64_t any = 0;
    for (int i = 0; i < kTallyFields; ++i) {
      int64_t x = v[i] + o.v[i];
      any |= x;
      if (x < 0) x = 0;
      else if (i != kLateDelaySeconds) x = static_cast<uint32_t>(x);
      v[i] = x;
    }
    return any != 0;
  }

  // Negative values (impossible for a valid log) are written as zero.
  void write(schema::Counters::Builder c) const {
    auto u32 = [&](TallyField f) { return static_cast<uint32_t>(v[f] > 0 ? v[f] : 0); };
    c.setLessonsScheduled(u32(kScheduled));
    c.setLessonsHeld(u32(kHeld));
    c.setLessonsWithHomework(u32(kWithHomework));
    c.setGradedLessonsHeld(u32(kGradedHeld));
    c.setGradedLessonsWithMarks(u32(kGradedWithMarks));
    c.setMarks(u32(kMarks));
    c.setMarksOnTime(u32(kMarksOnTime));
    c.setMarksLate(u32(kMarksLate));
    c.setLateDelaySeconds(
        static_cast<uint64_t>(v[kLateDelaySeconds] > 0 ? v[kLateDelaySeconds] : 0));
    c.setCorrections(u32(kCorrections));
    c.setCancellations(u32(kCancellations));
    c.setAttendanceEntries(u32(kAttendanceEntries));
    c.setEntries(u32(kEntries));
    c.setLessonsCancelled(u32(kLessonsCancelled));
  }

  // What one lesson contributes. A cancelled lesson keeps only its audit
  // trail (corrections, cancellations) and counts as cancelled.
  static Tally of_lesson(schema::LessonFlags::Reader f) {
    Tally t;
    t.v[kCorrections] = f.getCorrections();
    t.v[kCancellations] = f.getCancellations();
    if (f.getCancelled()) {
      t.v[kLessonsCancelled] = 1;
      return t;
    }
    const bool held = f.getHeld();
    t.v[kScheduled] = 1;
    t.v[kHeld] = held;
    t.v[kWithHomework] = held && f.getHasHomework();
    t.v[kGradedHeld] = held && f.getGraded();
    t.v[kGradedWithMarks] = held && f.getGraded() && f.getActiveMarks() > 0;
    t.v[kMarks] = f.getActiveMarks();
    t.v[kMarksOnTime] = f.getMarksOnTime();
    t.v[kMarksLate] = f.getMarksLate();
    t.v[kLateDelaySeconds] = static_cast<int64_t>(f.getLateDelaySeconds());
    t.v[kAttendanceEntries] = f.getAttendanceEntries();
    t.v[kEntries] = f.getEntries();
    return t;
  }
};

// a * 10000 / b rounded half up (hundredths of a percent); 0 when b is 0.
inline uint32_t share_hundredths(uint64_t a, uint64_t b) {
  return b == 0 ? 0 : static_cast<uint32_t>((a * 10000 + b / 2) / b);
}
// a / b rounded half up; 0 when b is 0.
inline uint64_t ratio_rounded(uint64_t a, uint64_t b) { return b == 0 ? 0 : (a + b / 2) / b; }

}  // namespace zhurnal::projections::internal
