#include "audit.hpp"

#include <algorithm>
#include <cstring>
#include <optional>
#include <random>
#include <thread>
#include <unordered_map>
#include <vector>

#include "codec.hpp"
#include "keys.hpp"
#include "log_read_ahead.hpp"

namespace zhurnal::events::internal {
namespace {

constexpr uint64_t kProgressEvery = 16384;

std::string pos_str(uint64_t p) { return std::to_string(p); }

// One append as seen in the log: a run of consecutive events with the same
// command id (an append is one contiguous run; a retry writes nothing).
struct Run {
  std::string command_id;
  uint64_t first = 0;
  uint64_t last = 0;
  std::vector<StreamVersion> streams;  // each stream's last version in the run

  // Starts the run of `command_id` (keeping the list's storage).
  void restart(const std::string& command) {
    command_id = command;
    first = last = 0;
    streams.clear();
  }
  void add(const RecordedEvent& e) {
    if (first == 0) first = e.position;
    last = e.position;
    for (StreamVersion& s : streams) {
      if (s.stream == e.stream) {
        s.version = e.stream_version;
        return;
      }
    }
    streams.push_back({e.stream, e.stream_version});
  }
};

// A stream index entry, stream_id || 0x00 || u64be(version) ->
// u64be(position) (the version's bytes may be NUL too); false when malformed.
struct IndexEntry {
  std::string_view stream;
  uint64_t version = 0, position = 0;
};
bool parse_index_entry(std::string_view k, std::string_view v, IndexEntry* out) {
  if (k.size() < 10 || k[k.size() - 9] != '\0' || v.size() != 8) return false;
  out->stream = k.substr(0, k.size() - 9);
  out->version = get_u64be(k.substr(k.size() - 8));
  out->position = get_u64be(v);
  return true;
}

// What each event must satisfy on its own and against the events before it:
// its position follows, its envelope decodes and names that position, the
// hash chain links, recorded time does not go back, its stream id is valid
// and it has a command id. Both passes of the audit walk the log through
// one of these. (That each stream's versions follow 1, 2, 3 … in log order
// is checked by the Auditor event by event, and by the fast pass on the
// stream index, whose entries must then equal the log's.)
class EventChecks {
 public:
  // Checks the value stored at `key`, decoded into `e`; on failure returns
  // false with the position to name in *bad and the problem in *problem.
  // `linked`, when given, is LogReadAhead's answer for the value (its hash
  // against SHA-256 of the hash of the value before it and its body), which
  // is this check's hash link once the value before it passed here: the
  // previous hash is then that value's.
  bool check(uint64_t key, std::string_view value, RecordedEvent& e, uint64_t* bad,
             std::string* problem, std::optional<bool> linked = std::nullopt) {
    auto fail = [&](uint64_t position, std::string what) {
      *bad = position;
      *problem = std::move(what);
      return false;
    };
    if (key != expect_) {
      return fail(expect_, "нет события на позиции " + pos_str(expect_) +
                               " (следующее сохранённое — на позиции " + pos_str(key) + ")");
    }
    if (value.size() < kHashSize) return fail(key, "сохранённое значение короче своего хеша");
    if (Status d = decode_stored_event(value, &e, EventFields::kAudit); !d.is_ok()) {
      return fail(key, "событие не декодируется: " + d.message());
    }
    if (e.position != key)
      return fail(key, "в конверте события указана позиция " + pos_str(e.position));
    if (e.prev_hash != prev_)
      return fail(key, "нарушена ссылка на хеш предыдущего события (previous-hash)");
    if (!(linked ? *linked : chain_hash(prev_, stored_body(value)) == e.hash)) {
      return fail(key, "хеш не совпадает с сохранёнными байтами");
    }
    if (e.recorded_at_us < last_time_) return fail(key, "время записи идёт назад");
    if (!valid_stream_id(e.stream)) return fail(key, "недопустимый идентификатор потока");
    if (e.command_id.empty()) return fail(key, "у события нет идентификатора команды");
    prev_ = e.hash;
    last_time_ = e.recorded_at_us;
    ++expect_;
    return true;
  }

 private:
  uint64_t expect_ = 1;
  Hash prev_{};
  int64_t last_time_ = 0;
};

// The precise pass: every event against its own stream index entry and
// every append against its receipt, each looked up, so that the first bad
// position is named; then every index entry and receipt accounted for.
// Slow (a random read per event); run only when the fast pass found damage.
class Auditor {
 public:
  Auditor(RocksStore& store, const rocksdb::Snapshot* snapshot,
          const std::function<void(uint64_t)>& progress, const LogReader::Observer& visit)
      : store_(store), snapshot_(snapshot), progress_(progress), visit_(visit) {
    read_.snapshot = snapshot;
  }

  Result<VerifyReport> run() {
    Status s = walk_log();
    if (!s.is_ok()) return std::unexpected(s);
    if (progress_) progress_(report_.events);
    if (!report_.ok()) return report_;
    s = check_stream_index();
    if (!s.is_ok()) return std::unexpected(s);
    if (!report_.ok()) return report_;
    s = check_receipts();
    if (!s.is_ok()) return std::unexpected(s);
    return report_;
  }

 private:
  bool fail(uint64_t position, std::string problem) {
    if (report_.ok()) {
      report_.first_bad_position = position;
      report_.problem = std::move(problem);
    }
    return false;
  }

  // Pass 1: the log in order, each event against its predecessor, its
  // stream's previous version, its index entry and its append's receipt.
  Status walk_log() {
    uint64_t expect = 1;
    RecordedEvent e;
    EventChecks checks;
    Status s = store_.scan_log(1, [&](uint64_t key, std::string_view value) {
      uint64_t bad = 0;
      std::string problem;
      if (!checks.check(key, value, e, &bad, &problem)) return fail(bad, std::move(problem));
      uint64_t& version = versions_[e.stream];
      if (e.stream_version != version + 1) {
        return fail(key, "поток " + e.stream + ": версия " + pos_str(e.stream_version) +
                             " идёт после версии " + pos_str(version));
      }
      version = e.stream_version;
      if (!check_index_entry(e)) return false;
      if (e.command_id != run_.command_id || run_.first == 0) {
        if (run_.first != 0 && !check_run()) return false;
        run_.restart(e.command_id);
      }
      run_.add(e);
      if (visit_) visit_(e, stored_body(value));
      ++expect;
      ++report_.events;
      if (progress_ && report_.events % kProgressEvery == 0) progress_(report_.events);
      return true;
    }, snapshot_);
    if (!s.is_ok()) {
      if (s.code() != StatusCode::kCorruption) return s;
      fail(expect, s.message());
    }
    if (report_.ok() && run_.first != 0) check_run();
    return Status::ok();
  }

  bool check_index_entry(const RecordedEvent& e) {
    std::string value;
    rocksdb::Status s = store_.db()->Get(read_, store_.streams_cf(), stream_key(e.stream, e.stream_version), &value);
    const std::string what =
        "запись индекса потока " + e.stream + " (версия " + pos_str(e.stream_version) + ")";
    if (s.IsNotFound()) return fail(e.position, what + " отсутствует");
    if (!s.ok()) return fail(e.position, what + " не читается: " + s.ToString());
    if (value.size() != 8) return fail(e.position, what + " повреждена");
    if (get_u64be(value) != e.position) {
      return fail(e.position, what + " указывает на позицию " + pos_str(get_u64be(value)));
    }
    return true;
  }

  bool check_run() {
    ++runs_;
    std::string value;
    rocksdb::Status g = store_.db()->Get(read_, store_.commands_cf(), run_.command_id, &value);
    const std::string what = "квитанция идемпотентности команды " + run_.command_id;
    if (g.IsNotFound()) return fail(run_.first, what + " отсутствует");
    if (!g.ok()) return fail(run_.first, what + " не читается: " + g.ToString());
    AppendResult r;
    Hash digest;
    if (!decode_receipt(value, &r, &digest).is_ok()) return fail(run_.first, what + " повреждена");
    if (r.first_position != run_.first || r.last_position != run_.last) {
      return fail(run_.first, what + " называет позиции " + pos_str(r.first_position) + "-" +
                                  pos_str(r.last_position) + ", а в журнале " +
                                  pos_str(run_.first) + "-" + pos_str(run_.last));
    }
    auto by_stream = [](const StreamVersion& a, const StreamVersion& b) { return a.stream < b.stream; };
    std::sort(r.streams.begin(), r.streams.end(), by_stream);
    std::sort(run_.streams.begin(), run_.streams.end(), by_stream);
    if (r.streams != run_.streams)
      return fail(run_.first, what + " называет другие версии потоков");
    return true;
  }

  // Pass 2: every index entry is accounted for. Pass 1 found each event's
  // own entry, so equal counts mean there is no other; otherwise the extra
  // entries are looked up to name them.
  Status check_stream_index() {
    const uint64_t head = report_.events;
    uint64_t entries = 0;
    Status s = store_.scan_cf(store_.streams_cf(), [&](std::string_view, std::string_view) {
      ++entries;
      return true;
    }, snapshot_);
    if (!s.is_ok()) return s;
    if (entries == head) return Status::ok();
    RecordedEvent e;
    s = store_.scan_cf(store_.streams_cf(), [&](std::string_view k, std::string_view v) {
      IndexEntry entry;
      if (!parse_index_entry(k, v, &entry))
        return fail(head + 1, "повреждённая запись индекса потоков");
      const auto [stream, version, pos] = entry;
      const std::string what =
          "запись индекса потока " + std::string(stream) + " (версия " + pos_str(version) + ")";
      if (pos == 0 || pos > head) {
        return fail(head + 1, "журнал заканчивается на позиции " + pos_str(head) + ", но " + what +
                                  " называет позицию " + pos_str(pos));
      }
      std::string value;
      rocksdb::Status g = store_.db()->Get(read_, store_.log_cf(),
                                           position_key(pos), &value);
      if (!g.ok() || !decode_stored_event(value, &e).is_ok()) {
        return fail(pos, what + " указывает на нечитаемое событие");
      }
      if (e.stream != stream || e.stream_version != version) {
        return fail(pos, what + " указывает на позицию " + pos_str(pos) + ", где поток " +
                             e.stream + " (версия " + pos_str(e.stream_version) + ")");
      }
      return true;
    }, snapshot_);
    if (!s.is_ok()) return s;
    if (report_.ok())
      fail(head + 1,
           "в индексе потоков записей: " + pos_str(entries) + ", а событий: " + pos_str(head));
    return Status::ok();
  }

  // Pass 3: every receipt is accounted for (pass 1 found each append's own).
  Status check_receipts() {
    const uint64_t head = report_.events;
    uint64_t receipts = 0;
    Status s = store_.scan_cf(store_.commands_cf(), [&](std::string_view, std::string_view) {
      ++receipts;
      return true;
    }, snapshot_);
    if (!s.is_ok() || receipts == runs_) return s;
    RecordedEvent e;
    s = store_.scan_cf(store_.commands_cf(), [&](std::string_view k, std::string_view v) {
      AppendResult r;
      Hash digest;
      const std::string what = "квитанция идемпотентности команды " + std::string(k);
      if (!decode_receipt(v, &r, &digest).is_ok()) return fail(head + 1, what + " повреждена");
      if (r.first_position == 0 || r.last_position > head) {
        return fail(head + 1, "журнал заканчивается на позиции " + pos_str(head) + ", но " + what +
                                  " называет позицию " + pos_str(r.last_position));
      }
      std::string value;
      rocksdb::Status g = store_.db()->Get(read_, store_.log_cf(),
                                           position_key(r.first_position), &value);
      if (!g.ok() || !decode_stored_event(value, &e).is_ok() || e.command_id != k) {
        return fail(r.first_position, what + " называет позицию " + pos_str(r.first_position) +
                                          ", записанную другой командой");
      }
      return true;
    }, snapshot_);
    if (!s.is_ok()) return s;
    if (report_.ok())
      fail(head + 1, "квитанций идемпотентности: " + pos_str(receipts) +
                         ", а записей в журнал: " + pos_str(runs_));
    return Status::ok();
  }

  RocksStore& store_;
  const rocksdb::Snapshot* snapshot_;
  rocksdb::ReadOptions read_;
  const std::function<void(uint64_t)>& progress_;
  const LogReader::Observer& visit_;
  VerifyReport report_;
  std::unordered_map<std::string, uint64_t> versions_;
  Run run_;
  uint64_t runs_ = 0;
};

// An order-independent fingerprint of a set of facts: the sum of a keyed
// 64-bit mix of each. The log walk and the scans of the stream index and
// the receipts must produce the same sums. The key is drawn afresh for each
// audit, so no fixed set of changes to the index or the receipts goes
// unseen by construction; a difference is missed with probability about
// 2^-64. (This checks that derived data agrees with the log; the log's own
// integrity is the SHA-256 chain, checked event by event.)
class Fingerprint {
 public:
  Fingerprint() {
    std::random_device random;
    key_ = (uint64_t{random()} << 32) ^ random();
  }
  uint64_t of(std::string_view a, uint64_t b, uint64_t c) const {
    // The bytes eight at a time, the last word zero-padded. FNV-1a's
    // multiply per byte of a 20-30-byte stream id cost 470 instructions an
    // event of an audit (two fingerprints an event, and the receipts';
    // callgrind, a 245k-event log).
    uint64_t h = key_;
    size_t i = 0;
    for (; i + 8 <= a.size(); i += 8) h = mix(h, load(a.data() + i, 8));
    if (const size_t rest = a.size() - i; rest > 0) {
      // The same zero-padded word; from a string of eight bytes or more, as
      // the last eight shifted (a fixed-size load: a copy of `rest` bytes
      // was a quarter of the checking thread's samples in its own code, perf
      // at 10.1M events).
      h = mix(h, a.size() >= 8 ? load(a.data() + a.size() - 8, 8) >> (8 * (8 - rest))
                               : load(a.data() + i, rest));
    }
    h = finalize(h + a.size());
    h = finalize(h ^ (b + key_));
    return finalize(h ^ (c * 0x9e3779b97f4a7c15ull));
  }
  // A receipt or a run: its command id, positions and the streams' last
  // versions, bound together (a stream list cannot move to another receipt).
  uint64_t of_append(std::string_view command_id, uint64_t first, uint64_t last,
                     const std::vector<StreamVersion>& streams) const {
    uint64_t versions = 0;
    for (const StreamVersion& s : streams) versions += of(s.stream, s.version, 0);
    return of(command_id, first, last ^ finalize(versions ^ key_));
  }

 private:
  static uint64_t load(const char* p, size_t n) {  // n <= 8 bytes
    uint64_t w = 0;
    std::memcpy(&w, p, n);
    return w;
  }
  static uint64_t mix(uint64_t h, uint64_t w) {
    h = (h ^ w) * 0xff51afd7ed558ccdull;
    return h ^ (h >> 32);
  }
  static uint64_t finalize(uint64_t x) {  // splitmix64's
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ull;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebull;
    return x ^ (x >> 31);
  }
  uint64_t key_ = 0;
};

// The fast pass: the log walked once, in order, with EventChecks (its values
// read ahead on a thread of their own: LogReadAhead), while another thread
// sums fingerprints of the stream index and of the receipts and checks the
// index's versions; then the sums, counts and largest positions are
// compared with the log's.
// Names the position of damage found by EventChecks; for disagreement of
// the index or the receipts it only says so (the Auditor then names it).
class FastAudit {
 public:
  FastAudit(RocksStore& store, const rocksdb::Snapshot* snapshot,
            const std::function<void(uint64_t)>& progress, const LogReader::Observer& visit)
      : store_(store), snapshot_(snapshot), progress_(progress), visit_(visit) {}

  // The report; *agrees is false when the index or the receipts disagree
  // with the log (the report then names no position of its own).
  Result<VerifyReport> run(bool* agrees) {
    *agrees = true;
    Derived derived;
    std::thread scanner([&] { derived = scan_derived(); });
    struct Join {
      std::thread* t;
      ~Join() {
        if (t->joinable()) t->join();
      }
    } join{&scanner};
    VerifyReport report;
    Status walked = walk(&report);
    scanner.join();
    if (!walked.is_ok()) return std::unexpected(walked);
    if (progress_) progress_(report.events);
    if (!report.ok()) return report;
    if (!derived.status.is_ok()) return std::unexpected(derived.status);
    const uint64_t head = report.events;
    *agrees = derived.malformed.empty() && derived.versions_follow && derived.index_max <= head &&
              derived.receipt_max <= head &&
              derived.index_count == head && derived.index_sum == stream_sum_ &&
              derived.receipt_count == runs_ && derived.receipt_sum == run_sum_;
    return report;
  }

 private:
  struct Derived {
    Status status;
    std::string malformed;  // non-empty: an entry or receipt that does not parse
    bool versions_follow = true;  // each stream's entries: versions 1, 2, 3 … at rising positions
    uint64_t index_count = 0, index_max = 0, index_sum = 0;
    uint64_t receipt_count = 0, receipt_max = 0, receipt_sum = 0;
  };

  Derived scan_derived() const {
    Derived d;
    std::string last_stream;  // the previous entry's stream, version and position
    uint64_t last_version = 0, last_position = 0;
    d.status = store_.scan_cf(store_.streams_cf(), [&](std::string_view k, std::string_view v) {
      IndexEntry entry;
      if (!parse_index_entry(k, v, &entry)) {
        d.malformed = "malformed stream index entry";
        return false;
      }
      ++d.index_count;
      d.index_max = std::max(d.index_max, entry.position);
      d.index_sum += print_.of(entry.stream, entry.version, entry.position);
      // Entries come in key order: a stream's versions one after another.
      // They must be 1, 2, 3 … at increasing positions; with the entries
      // equal to the log's, so are the log's versions, in log order.
      if (entry.stream != last_stream) {
        last_stream.assign(entry.stream);
        last_version = last_position = 0;
      }
      if (entry.version != last_version + 1 || entry.position <= last_position) d.versions_follow = false;
      last_version = entry.version;
      last_position = entry.position;
      return true;
    }, snapshot_);
    if (!d.status.is_ok() || !d.malformed.empty()) return d;
    AppendResult r;  // reused: decode_receipt() keeps the stream ids' storage
    Hash digest;
    d.status = store_.scan_cf(store_.commands_cf(), [&](std::string_view k, std::string_view v) {
      if (!decode_receipt(v, &r, &digest).is_ok()) {
        d.malformed = "malformed receipt";
        return false;
      }
      ++d.receipt_count;
      d.receipt_max = std::max(d.receipt_max, r.last_position);
      d.receipt_sum += print_.of_append(k, r.first_position, r.last_position, r.streams);
      return true;
    }, snapshot_);
    return d;
  }

  Status walk(VerifyReport* report) {
    RecordedEvent e;
    EventChecks checks;
    Run run;
    auto close_run = [&] {
      if (run.first == 0) return;
      ++runs_;
      run_sum_ += print_.of_append(run.command_id, run.first, run.last, run.streams);
    };
    auto check = [&](uint64_t key, std::string_view value, std::optional<bool> linked) {
      if (!checks.check(key, value, e, &report->first_bad_position, &report->problem, linked)) {
        return false;
      }
      stream_sum_ += print_.of(e.stream, e.stream_version, e.position);
      if (e.command_id != run.command_id || run.first == 0) {
        close_run();
        run.restart(e.command_id);
      }
      run.add(e);
      if (visit_) visit_(e, stored_body(value));
      ++report->events;
      if (progress_ && report->events % kProgressEvery == 0) progress_(report->events);
      return true;
    };
    Status s;
    {
      LogReadAhead ahead(store_, snapshot_);
      bool going = true;
      for (const LogReadAhead::Batch* b; going && (b = ahead.next()) != nullptr;) {
        for (size_t i = 0; going && i < b->size(); ++i) {
          going = check(b->key(i), b->value(i), b->linked(i));
        }
      }
      if (going) s = ahead.status();
    }
    if (!s.is_ok()) {
      if (s.code() != StatusCode::kCorruption) return s;
      if (report->ok()) {
        report->first_bad_position = report->events + 1;
        report->problem = s.message();
      }
    }
    if (report->ok()) close_run();
    return Status::ok();
  }

  RocksStore& store_;
  const rocksdb::Snapshot* snapshot_;
  const std::function<void(uint64_t)>& progress_;
  const LogReader::Observer& visit_;
  const Fingerprint print_;
  uint64_t stream_sum_ = 0, run_sum_ = 0, runs_ = 0;
};

}  // namespace

Result<VerifyReport> audit_store(RocksStore& store, const rocksdb::Snapshot* snapshot,
                                 const std::function<void(uint64_t)>& progress,
                                 const LogReader::Observer& visit) {
  bool agrees = true;
  auto report = FastAudit(store, snapshot, progress, visit).run(&agrees);
  if (!report || (report->ok() && agrees)) return report;
  // Damage: the precise pass names the first bad position, which may lie
  // before the one the fast pass stopped at (an index entry missing
  // earlier). Every event was visited already.
  auto precise = Auditor(store, snapshot, progress, {}).run();
  if (!precise || !precise->ok()) return precise;
  // The precise pass found nothing (the store changed in between, or
  // fingerprints of different sets met): report the fast pass's finding.
  if (!report->ok()) return report;
  report->first_bad_position = report->events + 1;
  report->problem = "индекс потоков или квитанции идемпотентности не соответствуют журналу";
  return report;
}

}  // namespace zhurnal::events::internal
