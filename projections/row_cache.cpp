#include "zhurnal/projections/row_cache.hpp"

#include <algorithm>
#include <chrono>

#include "schema/journal.capnp.h"
#include "schema/message_reader.hpp"

namespace zhurnal::projections {
namespace {

constexpr size_t kEventsPerRead = 1024;
// Further behind than this, the cache starts again empty instead of reading
// the events (a cache unused for a while would otherwise read them all).
constexpr uint64_t kMaxEventsToFollow = 4096;
constexpr size_t kEntryOverhead = 64;  // map node and string headers, roughly

size_t row_bytes(const std::string& row, const std::optional<std::string>& value) {
  return kEntryOverhead + row.size() + (value ? value->size() : 0);
}

size_t scan_bytes(const std::string& from, const std::string& to, const RowCache::Rows& rows) {
  size_t n = kEntryOverhead + from.size() + to.size();
  for (const auto& [k, v] : rows) n += kEntryOverhead + k.size() + v.size();
  return n;
}

std::string cell_row(capnp::Text::Reader lesson, capnp::Text::Reader student) {
  std::string row = "C/";
  row.append(lesson.cStr(), lesson.size());
  row.push_back('/');
  row.append(student.cStr(), student.size());
  return row;
}

}  // namespace

RowCache::RowCache(events::EventLog* log, uint64_t position, Options options)
    : log_(log), options_(options), sub_(log->subscribe(position)), cursor_(position) {}

RowCache::~RowCache() = default;

RowCache::Stats RowCache::stats() const {
  std::lock_guard lock(mu_);
  Stats s = stats_;
  s.bytes = bytes_;
  s.entries = rows_.size() + scans_.size();
  return s;
}

RowCache::Use RowCache::use(uint64_t position, const std::string& prefix) {
  std::unique_lock lock(mu_);
  if (prefix != prefix_ || bytes_ > options_.max_bytes) {
    reset();
    prefix_ = prefix;
  }
  advance(position);
  return Use(this, std::move(lock));
}

void RowCache::advance(uint64_t position) {
  if (cursor_ >= position) return;
  if ((rows_.empty() && scans_.empty()) || position - cursor_ > kMaxEventsToFollow) {
    // Nothing to keep, or cheaper to read again than to follow.
    reset();
    sub_ = log_->subscribe(position);
    cursor_ = position;
    return;
  }
  while (cursor_ < position) {
    // Never past `position`: an event whose rows are not in the store yet
    // must not be looked at before they are (a row read now would be kept
    // without its change).
    const size_t want = static_cast<size_t>(std::min<uint64_t>(kEventsPerRead, position - cursor_));
    auto batch = sub_->next(want, std::chrono::milliseconds(0));
    if (!batch || batch->events.empty()) {
      // The log could not be followed: nothing cached can be trusted.
      reset();
      sub_ = log_->subscribe(position);
      cursor_ = position;
      return;
    }
    for (const events::RecordedEvent& e : batch->events) {
      apply(e);
      cursor_ = e.position;
    }
  }
}

// What each event writes is in internal/journal_projection.cpp.
void RowCache::apply(const events::RecordedEvent& e) {
  using J = schema::JournalEvent;
  try {
    schema::BoundedMessageReader reader(e.payload);
    auto ev = reader.root<J>();
    switch (ev.which()) {
      case J::MARK_POSTED:
        return drop_row(cell_row(ev.getMarkPosted().getLessonId(), ev.getMarkPosted().getStudentId()));
      case J::MARK_CORRECTED:
        return drop_row(
            cell_row(ev.getMarkCorrected().getLessonId(), ev.getMarkCorrected().getStudentId()));
      case J::MARK_CANCELLED:
        return drop_row(
            cell_row(ev.getMarkCancelled().getLessonId(), ev.getMarkCancelled().getStudentId()));
      case J::ATTENDANCE_RECORDED:
        return drop_row(cell_row(ev.getAttendanceRecorded().getLessonId(),
                                 ev.getAttendanceRecorded().getStudentId()));
      case J::ATTENDANCE_CORRECTED:
        return drop_row(cell_row(ev.getAttendanceCorrected().getLessonId(),
                                 ev.getAttendanceCorrected().getStudentId()));
      case J::FINAL_MARK_SET:
        return drop_rows_from("F/");
      case J::STUDENT_COMMENTED:
      case J::STUDENT_MESSAGE_SENT:
        return drop_scans_from("N/");
      case J::CLASS_MESSAGE_SENT:
        return drop_scans_from("NC/");
      // Not stored by the journal projection.
      case J::HOLIDAY_DECLARED:
      case J::PERIOD_CLOSED:
      case J::PERIOD_REOPENED:
      case J::MONTH_SIGNED_OFF:
      case J::TEACHING_ASSIGNED:
      case J::TEACHING_ENDED:
      case J::USER_SIGNED_IN:
        return;
      default:
        return reset();
    }
  } catch (const kj::Exception&) {
    reset();
  }
}

void RowCache::reset() {
  if (!rows_.empty() || !scans_.empty()) ++stats_.resets;
  rows_.clear();
  scans_.clear();
  bytes_ = 0;
}

void RowCache::drop_row(const std::string& row) {
  auto it = rows_.find(row);
  if (it == rows_.end()) return;
  bytes_ -= row_bytes(it->first, it->second);
  rows_.erase(it);
  ++stats_.dropped;
}

void RowCache::drop_rows_from(std::string_view prefix) {
  auto it = rows_.lower_bound(prefix);
  while (it != rows_.end() && std::string_view(it->first).starts_with(prefix)) {
    bytes_ -= row_bytes(it->first, it->second);
    it = rows_.erase(it);
    ++stats_.dropped;
  }
}

void RowCache::drop_scans_from(std::string_view prefix) {
  for (auto it = scans_.begin(); it != scans_.end();) {
    if (std::string_view(it->first.first).starts_with(prefix)) {
      bytes_ -= scan_bytes(it->first.first, it->first.second, it->second);
      it = scans_.erase(it);
      ++stats_.dropped;
    } else {
      ++it;
    }
  }
}

std::optional<std::optional<std::string>> RowCache::Use::get(const std::string& row) {
  auto it = cache_->rows_.find(row);
  if (it == cache_->rows_.end()) {
    ++cache_->stats_.misses;
    return std::nullopt;
  }
  ++cache_->stats_.hits;
  return it->second;
}

void RowCache::Use::put(const std::string& row, const std::optional<std::string>& value) {
  auto [it, added] = cache_->rows_.emplace(row, value);
  if (added) cache_->bytes_ += row_bytes(row, value);
}

const RowCache::Rows* RowCache::Use::scan(const std::string& from, const std::string& to) {
  auto it = cache_->scans_.find({from, to});
  if (it == cache_->scans_.end()) {
    ++cache_->stats_.misses;
    return nullptr;
  }
  ++cache_->stats_.hits;
  return &it->second;
}

const RowCache::Rows& RowCache::Use::put_scan(const std::string& from, const std::string& to,
                                              Rows rows) {
  const size_t n = scan_bytes(from, to, rows);
  auto [it, added] = cache_->scans_.emplace(std::make_pair(from, to), std::move(rows));
  if (added) cache_->bytes_ += n;
  return it->second;
}

}  // namespace zhurnal::projections
