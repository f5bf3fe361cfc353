// The rows the compliance projection's lesson events rewrite most, kept
// decoded within one commit and encoded once at its end (a
// ProjectionTx::Pending; docs/design.md, "Counters and lessons for the whole
// commit"). Stored bytes are those of the row-by-row path, which read,
// changed and wrote each row at every event.
//
// Counters, kept as plain numbers:
//   T/<school>/<month>/<teacher>, CC/<school>/<month>/<class>   Counters
//   PS/<school>/<month>/<class>/<teacher>/<subject>/<subgroup>  decimal count
// Their bytes are written fresh from their values (a Counters row built from
// nothing, a count's decimal text), so a value changed many times within a
// commit and written once gives the bytes that writing it after every change
// gave. Every change is applied the way a write and a read back of the row
// would leave it, so the values, too, are those of the row-by-row path: a
// Counters row is erased when the sum is all zero and otherwise stored as
// Tally::as_stored() gives it (which may be all zero when the sum had a
// negative or a 2^32 field: then the row-by-row path kept an all-zero row,
// and so does this); a count below one is no row, i.e. 0.
//
// Lessons' flags (LF/<lesson>), kept as builders: see lesson_row().
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "compliance_tally.hpp"
#include "rows.hpp"
#include "zhurnal/projections/projection.hpp"

namespace zhurnal::projections::internal {

// Where a lesson's contribution is counted: views into the lesson's flags
// (the stored row or the row being built), valid while those bytes are.
struct Place {
  std::string_view lesson, school, month, teacher, klass, subject, subgroup;
  bool graded = false, cancelled = false, listed = false;

  // graded, cancelled and listed (late marks or correction rows: LX/) as
  // the lesson's flags say.
  Place& read_flags(schema::LessonFlags::Reader f) {
    graded = f.getGraded();
    cancelled = f.getCancelled();
    listed = f.getAuditRows() > 0 || f.getMarksLate() > 0;
    return *this;
  }
};

class ComplianceCommit final : public ProjectionTx::Pending {
 public:
  class KeptLesson;  // a lesson's flags and place, kept: lesson_row()

  // The transaction's ComplianceCommit, created on first use. The
  // transaction must be the compliance projection's (it holds no other
  // Pending).
  static ComplianceCommit& of(ProjectionTx& tx);

  // A Counters row (T/, CC/) plus `delta`; nothing when delta is zero.
  void add(ProjectionTx& tx, std::string_view key, const Tally& delta);
  // Minus `old`, then plus `now` (a lesson that stays in the row changed).
  void move(ProjectionTx& tx, std::string_view key, const Tally& old, const Tally& now);
  // A count row (PS/) plus `delta`, then plus `then` (each step as a write
  // and read back leave it: below one is no row, i.e. 0).
  void add_count(ProjectionTx& tx, std::string_view key, int delta, int then = 0);
  // The same on the rows of a lesson's place: T/<school>/<month>/<teacher>,
  // CC/<school>/<month>/<class> and PS/<school>/<month>/<class>/<teacher>/
  // <subject>/<subgroup>. They are found once per commit for each lesson
  // while its place stays the same (a lesson changes many times in a
  // commit: its marks, attendance, homework), instead of building and
  // hashing three keys at each change.
  void add(ProjectionTx& tx, const Place& p, const Tally& delta);
  void add_count(ProjectionTx& tx, const Place& p, int delta, int then = 0);
  // A lesson that stays in its place: move() on its T/ and CC/ rows, then
  // add_count(count, then) on its PS/ row unless both are zero. (The fold
  // uses the next one; compliance_counters_test checks this one against
  // the row-by-row path, and both run move_rows().)
  void move(ProjectionTx& tx, const Place& p, const Tally& old, const Tally& now, int count, int then);
  // The same for a kept lesson (lesson_row()), whose place `p` is.
  void move(ProjectionTx& tx, KeptLesson& lesson, const Place& p, const Tally& old,
            const Tally& now, int count, int then);

  // A lesson's flags (LF/<lesson>) being changed event after event: a
  // builder kept until the commit (or until more than kLessonsKept lessons
  // are kept: then all are written out), or nullptr when the lesson has no
  // flags. The row-by-row path rebuilt the row from its bytes at every
  // change (RowBuilder(stored): the row copied depth first), and rebuilding
  // a row in that form gives its bytes back as long as the change before it
  // only set scalar fields (tests/projections/compliance_lessons_test.cpp), so the
  // kept builder is rebuilt from its bytes only after a change that
  // allocated (a move sets the date and month): the caller reports that
  // with KeptLesson::changed(). Stored bytes are those of the row-by-row path.
  //
  // The lesson's place is kept with it: its texts are read from the flags
  // when the lesson is kept, and only the month may change after that
  // (set_month(): no event moves a lesson to another school, teacher,
  // class, subject or subgroup), so a change neither reads the six texts
  // again nor finds the place's rows again.
  KeptLesson* lesson_row(ProjectionTx& tx, std::string_view lesson);
  // 8 KiB each (a builder's first segment): 32 MiB at most, only reached by
  // a rebuild's large commits. A region's log interleaves the lessons of
  // many schools: at 256, a 10M-event rebuild's 7.1M lesson changes found
  // their lesson written out 2.08M times (to be found and decoded again);
  // at 4,096, 0.98M: about once per lesson and commit.
  static constexpr size_t kLessonsKept = 4096;
  // What a kept lesson's builder takes: its first segment.
  static constexpr size_t kLessonBuilderBytes =
      PooledMessageBuilder::kFirstSegmentWords * sizeof(capnp::word);

  // tx.touch(topic), skipping the set insert when it repeats the last topic.
  void touch(ProjectionTx& tx, std::string_view topic);

  void write(ProjectionTx& tx) override;
  void clear() override;
  bool empty() const override { return dirty_ == 0 && lessons_.empty(); }
  // The maps' nodes, keys and values, the kept lessons' builders included.
  size_t held_bytes() const override { return bytes_ + lesson_bytes_; }

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  template <typename V>
  struct Entry {
    V value{};             // as read back from the row (0 when there is none)
    bool present = false;  // the row exists (Counters rows only)
    bool dirty = false;
  };
  template <typename V>
  using Map = std::unordered_map<std::string, Entry<V>, Hash, std::equal_to<>>;

  // A lesson's place as last seen, and its rows once looked up.
  struct PlaceRows {
    std::string school, month, teacher, klass, subject, subgroup;
    Entry<Tally>* teacher_row = nullptr;
    Entry<Tally>* class_row = nullptr;
    Entry<int64_t>* count_row = nullptr;
  };

  Entry<Tally>& tally(ProjectionTx& tx, std::string_view key);
  Entry<int64_t>& count(ProjectionTx& tx, std::string_view key);
  PlaceRows& rows_of(const Place& p);
  // Heap bytes of a place's texts (held_bytes()).
  static size_t text_bytes(const PlaceRows& r);
  Entry<Tally>& teacher_row(ProjectionTx& tx, const Place& p, PlaceRows& r);
  Entry<Tally>& class_row(ProjectionTx& tx, const Place& p, PlaceRows& r);
  Entry<int64_t>& count_row(ProjectionTx& tx, const Place& p, PlaceRows& r);
  void move_rows(ProjectionTx& tx, const Place& p, PlaceRows& r, const Tally& old, const Tally& now,
                 int count, int then);
  // One write of the row-by-row path: the row plus `delta`, written.
  void apply(Entry<Tally>& e, const Tally& delta);
  // apply(-old), then apply(now); `change` is now - old. Not both zero.
  void replace(Entry<Tally>& e, const Tally& old, const Tally& now, const Tally& change);
  void add_count(Entry<int64_t>& e, int delta, int then);
  void mark(bool& dirty) {
    if (!dirty) ++dirty_;
    dirty = true;
  }

  Map<Tally> tallies_;
  Map<int64_t> counts_;
  // By lesson. Points into tallies_ and counts_ (node-based: entries stay
  // put as the maps grow); cleared with them.
  std::unordered_map<std::string, PlaceRows, Hash, std::equal_to<>> places_;
  size_t dirty_ = 0;
  std::string last_topic_;
  // held_bytes(): of tallies_, counts_ and places_, and of lessons_ (which
  // write_lessons() empties within a commit).
  size_t bytes_ = 0;
  size_t lesson_bytes_ = 0;

 public:
  class KeptLesson {
   public:
    RowBuilder<schema::LessonFlags>& row() { return *row_; }
    // The lesson's place: its texts as kept (valid until set_month() or
    // the lesson is written out), the rest from `flags` (the row's).
    Place place(std::string_view lesson, schema::LessonFlags::Reader flags) const {
      return Place{lesson,        place_.school,  place_.month, place_.teacher,
                   place_.klass,  place_.subject, place_.subgroup}
          .read_flags(flags);
    }
    std::string_view month() const { return place_.month; }
    // The month after a change (a move); the place's rows are found again.
    void set_month(std::string_view month);
    // The change just made allocated (lesson_row() rebuilds the builder).
    void changed(bool allocated) { rebuild_ = allocated; }

   private:
    friend class ComplianceCommit;
    std::unique_ptr<RowBuilder<schema::LessonFlags>> row_;
    bool rebuild_ = false;  // the last change allocated
    PlaceRows place_;
  };

 private:
  std::unordered_map<std::string, KeptLesson, Hash, std::equal_to<>> lessons_;
  void write_lessons(ProjectionTx& tx);
};

}  // namespace zhurnal::projections::internal
