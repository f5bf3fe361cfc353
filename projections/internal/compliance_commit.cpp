#include "compliance_commit.hpp"

#include "pending_of.hpp"
#include "rows.hpp"

namespace zhurnal::projections::internal {
namespace {

// What a node of the commit's maps takes besides its value: the node's
// link and cached hash, its bucket, the allocator's header, and its key.
size_t node_bytes(std::string_view key, size_t value_bytes) {
  return 48 + sizeof(std::string) + value_bytes + heap_bytes(key);
}

}  // namespace

size_t ComplianceCommit::text_bytes(const PlaceRows& r) {
  return heap_bytes(r.school) + heap_bytes(r.month) + heap_bytes(r.teacher) + heap_bytes(r.klass) +
         heap_bytes(r.subject) + heap_bytes(r.subgroup);
}

ComplianceCommit& ComplianceCommit::of(ProjectionTx& tx) { return pending_of<ComplianceCommit>(tx); }

ComplianceCommit::Entry<Tally>& ComplianceCommit::tally(ProjectionTx& tx, std::string_view key) {
  if (auto it = tallies_.find(key); it != tallies_.end()) return it->second;
  Entry<Tally> e;
  if (const std::string* stored = tx.find(key)) {
    e.value = Tally::read(RowView<schema::Counters>(*stored).get());
    e.present = true;
  }
  bytes_ += node_bytes(key, sizeof(e));
  return tallies_.emplace(std::string(key), e).first->second;
}

void ComplianceCommit::apply(Entry<Tally>& e, const Tally& delta) {
  if (delta.zero()) return;  // the row-by-row path wrote nothing
  e.present = e.value.add_stored(delta);
  mark(e.dirty);
}

void ComplianceCommit::add(ProjectionTx& tx, std::string_view key, const Tally& delta) {
  if (delta.zero()) return;
  apply(tally(tx, key), delta);
}

// The row-by-row path read the row once, subtracted `old` and, when that left
// a negative field, wrote the row (clamped) and added `now` to what it read
// back; otherwise it added `now` straight away and wrote once. Clamping and
// cutting in between change nothing when no field is negative (the 32-bit
// fields read back fit, `old`'s are not negative, and the 64-bit
// lateDelaySeconds is never cut), so two writes give its result in every
// case (replace()).
void ComplianceCommit::move(ProjectionTx& tx, std::string_view key, const Tally& old, const Tally& now) {
  if (old.zero() && now.zero()) return;
  replace(tally(tx, key), old, now, Tally(now).add(old, -1));
}

// The two writes in one step when subtracting `old` leaves no field
// negative, as it always does for a valid log: nothing is clamped or cut in
// between (see above), so the second write's sum and "present" are those of
// one addition of `change` (now - old). A zero `old` or `now` skips its
// write, which changes nothing here either.
void ComplianceCommit::replace(Entry<Tally>& e, const Tally& old, const Tally& now,
                               const Tally& change) {
  if (!e.value.covers(old)) {
    apply(e, Tally().add(old, -1));
    apply(e, now);
    return;
  }
  e.present = e.value.add_stored(change);
  mark(e.dirty);
}

ComplianceCommit::Entry<int64_t>& ComplianceCommit::count(ProjectionTx& tx, std::string_view key) {
  if (auto it = counts_.find(key); it != counts_.end()) return it->second;
  Entry<int64_t> e;
  if (const std::string* stored = tx.find(key)) e.value = std::stol(*stored);
  bytes_ += node_bytes(key, sizeof(e));
  return counts_.emplace(std::string(key), e).first->second;
}

ComplianceCommit::PlaceRows& ComplianceCommit::rows_of(const Place& p) {
  auto it = places_.find(p.lesson);
  if (it == places_.end()) {
    it = places_.emplace(std::string(p.lesson), PlaceRows{}).first;
    bytes_ += node_bytes(p.lesson, sizeof(PlaceRows));
  }
  PlaceRows& r = it->second;
  if (r.school != p.school || r.month != p.month || r.teacher != p.teacher || r.klass != p.klass ||
      r.subject != p.subject || r.subgroup != p.subgroup) {
    r.school.assign(p.school);
    r.month.assign(p.month);
    r.teacher.assign(p.teacher);
    r.klass.assign(p.klass);
    r.subject.assign(p.subject);
    r.subgroup.assign(p.subgroup);
    r.teacher_row = r.class_row = nullptr;
    r.count_row = nullptr;
    bytes_ += text_bytes(r);  // again when a place changes (a lesson moved to another month)
  }
  return r;
}

ComplianceCommit::Entry<Tally>& ComplianceCommit::teacher_row(ProjectionTx& tx, const Place& p, PlaceRows& r) {
  if (!r.teacher_row) r.teacher_row = &tally(tx, RowKey("T/", p.school, "/", p.month, "/", p.teacher));
  return *r.teacher_row;
}

ComplianceCommit::Entry<Tally>& ComplianceCommit::class_row(ProjectionTx& tx, const Place& p, PlaceRows& r) {
  if (!r.class_row) r.class_row = &tally(tx, RowKey("CC/", p.school, "/", p.month, "/", p.klass));
  return *r.class_row;
}

ComplianceCommit::Entry<int64_t>& ComplianceCommit::count_row(ProjectionTx& tx, const Place& p, PlaceRows& r) {
  if (!r.count_row) {
    r.count_row = &count(tx, RowKey("PS/", p.school, "/", p.month, "/", p.klass, "/", p.teacher, "/",
                                    p.subject, "/", p.subgroup));
  }
  return *r.count_row;
}

void ComplianceCommit::add(ProjectionTx& tx, const Place& p, const Tally& delta) {
  if (delta.zero()) return;
  PlaceRows& r = rows_of(p);
  apply(teacher_row(tx, p, r), delta);
  apply(class_row(tx, p, r), delta);
}

void ComplianceCommit::add_count(ProjectionTx& tx, const Place& p, int delta, int then) {
  PlaceRows& r = rows_of(p);
  add_count(count_row(tx, p, r), delta, then);
}

void ComplianceCommit::move(ProjectionTx& tx, const Place& p, const Tally& old, const Tally& now, int count,
                              int then) {
  move_rows(tx, p, rows_of(p), old, now, count, then);
}

void ComplianceCommit::move(ProjectionTx& tx, KeptLesson& lesson, const Place& p, const Tally& old,
                            const Tally& now, int count, int then) {
  move_rows(tx, p, lesson.place_, old, now, count, then);
}

void ComplianceCommit::move_rows(ProjectionTx& tx, const Place& p, PlaceRows& r, const Tally& old,
                                 const Tally& now, int count, int then) {
  if (!old.zero() || !now.zero()) {
    const Tally change = Tally(now).add(old, -1);
    replace(teacher_row(tx, p, r), old, now, change);
    replace(class_row(tx, p, r), old, now, change);
  }
  if (count != 0 || then != 0) add_count(count_row(tx, p, r), count, then);
}

void ComplianceCommit::add_count(ProjectionTx& tx, std::string_view key, int delta, int then) {
  add_count(count(tx, key), delta, then);
}

void ComplianceCommit::add_count(Entry<int64_t>& e, int delta, int then) {
  for (int d : {delta, then}) {
    e.value += d;
    if (e.value < 0) e.value = 0;  // erased: reads back as no row
  }
  mark(e.dirty);
}

ComplianceCommit::KeptLesson* ComplianceCommit::lesson_row(ProjectionTx& tx,
                                                           std::string_view lesson) {
  if (auto it = lessons_.find(lesson); it != lessons_.end()) {
    KeptLesson& k = it->second;
    if (k.rebuild_) {  // as the row-by-row path did: a new builder from the bytes
      const std::string bytes = k.row_->bytes();
      k.row_ = std::make_unique<RowBuilder<schema::LessonFlags>>(&bytes);
      k.rebuild_ = false;
    }
    return &k;
  }
  if (lessons_.size() >= kLessonsKept) write_lessons(tx);
  const std::string* stored = tx.find(RowKey("LF/", lesson));
  if (!stored) return nullptr;
  KeptLesson& k = lessons_[std::string(lesson)];
  k.row_ = std::make_unique<RowBuilder<schema::LessonFlags>>(stored);
  const auto f = (*k.row_)->asReader();
  PlaceRows& r = k.place_;
  r.school.assign(text_view(f.getSchoolId()));
  r.month.assign(text_view(f.getMonth()));
  r.teacher.assign(text_view(f.getTeacherId()));
  r.klass.assign(text_view(f.getClassId()));
  r.subject.assign(text_view(f.getSubjectId()));
  r.subgroup.assign(text_view(f.getSubgroupId()));
  lesson_bytes_ += node_bytes(lesson, sizeof(KeptLesson)) + kLessonBuilderBytes + text_bytes(r);
  return &k;
}

void ComplianceCommit::KeptLesson::set_month(std::string_view month) {
  place_.month.assign(month);
  place_.teacher_row = place_.class_row = nullptr;
  place_.count_row = nullptr;
}

void ComplianceCommit::write_lessons(ProjectionTx& tx) {
  for (auto& [lesson, k] : lessons_) tx.put(RowKey("LF/", lesson), k.row_->bytes());
  lessons_.clear();
  lesson_bytes_ = 0;
}

void ComplianceCommit::touch(ProjectionTx& tx, std::string_view topic) {
  if (topic == last_topic_) return;
  last_topic_.assign(topic);
  tx.touch(last_topic_);
}

void ComplianceCommit::write(ProjectionTx& tx) {
  write_lessons(tx);
  for (const auto& [key, e] : tallies_) {
    if (!e.dirty) continue;
    if (!e.present) {
      tx.erase(key);
    } else {
      RowBuilder<schema::Counters> row;
      e.value.write(row.get());
      tx.put(key, row.bytes());
    }
  }
  for (const auto& [key, e] : counts_) {
    if (!e.dirty) continue;
    if (e.value > 0) tx.put(key, std::to_string(e.value));
    else tx.erase(key);
  }
  clear();
}

void ComplianceCommit::clear() {
  lessons_.clear();
  places_.clear();
  tallies_.clear();
  counts_.clear();
  dirty_ = 0;
  last_topic_.clear();
  bytes_ = 0;
  lesson_bytes_ = 0;
}

}  // namespace zhurnal::projections::internal
