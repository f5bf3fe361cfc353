#include "audit.hpp"

#include <algorithm>
#include <unordered_map>
#include <vector>

#include "codec.hpp"
#include "keys.hpp"

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

class Auditor {
 public:
  Auditor(RocksStore& store, const std::function<void(uint64_t)>& progress,
          const LogReader::Observer& visit)
      : store_(store), progress_(progress), visit_(visit) {}

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
    Hash prev{};
    int64_t last_time = 0;
    RecordedEvent e;
    Status s = store_.scan_log(1, [&](uint64_t key, std::string_view value) {
      if (key != expect) {
        return fail(expect, "position " + pos_str(expect) + " is missing (the next stored is " +
                                pos_str(key) + ")");
      }
      if (value.size() < kHashSize) return fail(key, "stored value is shorter than its hash");
      if (Status d = decode_stored_event(value, &e); !d.is_ok()) {
        return fail(key, "event does not decode: " + d.message());
      }
      if (e.position != key) {
        return fail(key, "the envelope says position " + pos_str(e.position));
      }
      if (e.prev_hash != prev) return fail(key, "previous-hash link is broken");
      if (chain_hash(prev, stored_body(value)) != e.hash) {
        return fail(key, "hash does not match the stored bytes");
      }
      if (e.recorded_at_us < last_time) return fail(key, "recorded time goes back");
      if (!valid_stream_id(e.stream)) return fail(key, "invalid stream id");
      if (e.command_id.empty()) return fail(key, "event has no command id");
      uint64_t& version = versions_[e.stream];
      if (e.stream_version != version + 1) {
        return fail(key, "stream " + e.stream + " version " + pos_str(e.stream_version) +
                             " follows version " + pos_str(version));
      }
      version = e.stream_version;
      if (!check_index_entry(e)) return false;
      if (e.command_id != run_.command_id || run_.first == 0) {
        if (run_.first != 0 && !check_run()) return false;
        run_ = Run{e.command_id, 0, 0, {}};
      }
      run_.add(e);
      if (visit_) visit_(e, stored_body(value));
      prev = e.hash;
      last_time = e.recorded_at_us;
      ++expect;
      ++report_.events;
      if (progress_ && report_.events % kProgressEvery == 0) progress_(report_.events);
      return true;
    });
    if (!s.is_ok()) {
      if (s.code() != StatusCode::kCorruption) return s;
      fail(expect, s.message());
    }
    if (report_.ok() && run_.first != 0) check_run();
    return Status::ok();
  }

  bool check_index_entry(const RecordedEvent& e) {
    std::string value;
    rocksdb::Status s = store_.db()->Get(rocksdb::ReadOptions(), store_.streams_cf(),
                                         stream_key(e.stream, e.stream_version), &value);
    const std::string what = "stream index entry of " + e.stream + " version " +
                             pos_str(e.stream_version);
    if (s.IsNotFound()) return fail(e.position, what + " is missing");
    if (!s.ok()) return fail(e.position, what + " cannot be read: " + s.ToString());
    if (value.size() != 8) return fail(e.position, what + " is malformed");
    if (get_u64be(value) != e.position) {
      return fail(e.position, what + " points at position " + pos_str(get_u64be(value)));
    }
    return true;
  }

  bool check_run() {
    ++runs_;
    auto receipt = store_.get_receipt(run_.command_id);
    const std::string what = "idempotency receipt of command " + run_.command_id;
    if (!receipt) return fail(run_.first, what + " cannot be read: " + receipt.error().message());
    if (!receipt->has_value()) return fail(run_.first, what + " is missing");
    AppendResult r;
    Hash digest;
    if (!decode_receipt(**receipt, &r, &digest).is_ok()) return fail(run_.first, what + " is malformed");
    if (r.first_position != run_.first || r.last_position != run_.last) {
      return fail(run_.first, what + " names positions " + pos_str(r.first_position) + "-" +
                                  pos_str(r.last_position) + ", the log has " + pos_str(run_.first) +
                                  "-" + pos_str(run_.last));
    }
    auto by_stream = [](const StreamVersion& a, const StreamVersion& b) { return a.stream < b.stream; };
    std::sort(r.streams.begin(), r.streams.end(), by_stream);
    std::sort(run_.streams.begin(), run_.streams.end(), by_stream);
    if (r.streams != run_.streams) return fail(run_.first, what + " names other stream versions");
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
    });
    if (!s.is_ok()) return s;
    if (entries == head) return Status::ok();
    RecordedEvent e;
    s = store_.scan_cf(store_.streams_cf(), [&](std::string_view k, std::string_view v) {
      // stream_id || 0x00 || u64be(version): the version's bytes may be NUL too.
      if (k.size() < 10 || k[k.size() - 9] != '\0' || v.size() != 8) {
        return fail(head + 1, "malformed stream index entry");
      }
      const std::string_view stream = k.substr(0, k.size() - 9);
      const uint64_t version = get_u64be(k.substr(k.size() - 8));
      const uint64_t pos = get_u64be(v);
      const std::string what =
          "stream index entry of " + std::string(stream) + " version " + pos_str(version);
      if (pos == 0 || pos > head) {
        return fail(head + 1, "the log ends at position " + pos_str(head) + " but the " + what +
                                  " names position " + pos_str(pos));
      }
      std::string value;
      rocksdb::Status g = store_.db()->Get(rocksdb::ReadOptions(), store_.log_cf(),
                                           position_key(pos), &value);
      if (!g.ok() || !decode_stored_event(value, &e).is_ok()) {
        return fail(pos, what + " points at an unreadable event");
      }
      if (e.stream != stream || e.stream_version != version) {
        return fail(pos, what + " points at position " + pos_str(pos) + ", which is " + e.stream +
                             " version " + pos_str(e.stream_version));
      }
      return true;
    });
    if (!s.is_ok()) return s;
    if (report_.ok()) fail(head + 1, "the stream index has " + pos_str(entries) +
                                         " entries for " + pos_str(head) + " events");
    return Status::ok();
  }

  // Pass 3: every receipt is accounted for (pass 1 found each append's own).
  Status check_receipts() {
    const uint64_t head = report_.events;
    uint64_t receipts = 0;
    Status s = store_.scan_cf(store_.commands_cf(), [&](std::string_view, std::string_view) {
      ++receipts;
      return true;
    });
    if (!s.is_ok() || receipts == runs_) return s;
    RecordedEvent e;
    s = store_.scan_cf(store_.commands_cf(), [&](std::string_view k, std::string_view v) {
      AppendResult r;
      Hash digest;
      const std::string what = "idempotency receipt of command " + std::string(k);
      if (!decode_receipt(v, &r, &digest).is_ok()) return fail(head + 1, what + " is malformed");
      if (r.first_position == 0 || r.last_position > head) {
        return fail(head + 1, "the log ends at position " + pos_str(head) + " but the " + what +
                                  " names position " + pos_str(r.last_position));
      }
      std::string value;
      rocksdb::Status g = store_.db()->Get(rocksdb::ReadOptions(), store_.log_cf(),
                                           position_key(r.first_position), &value);
      if (!g.ok() || !decode_stored_event(value, &e).is_ok() || e.command_id != k) {
        return fail(r.first_position, what + " names position " + pos_str(r.first_position) +
                                          ", which another command wrote");
      }
      return true;
    });
    if (!s.is_ok()) return s;
    if (report_.ok()) fail(head + 1, "there are " + pos_str(receipts) + " idempotency receipts for " +
                                         pos_str(runs_) + " appends");
    return Status::ok();
  }

  RocksStore& store_;
  const std::function<void(uint64_t)>& progress_;
  const LogReader::Observer& visit_;
  VerifyReport report_;
  std::unordered_map<std::string, uint64_t> versions_;
  Run run_;
  uint64_t runs_ = 0;
};

}  // namespace

Result<VerifyReport> audit_store(RocksStore& store, const std::function<void(uint64_t)>& progress,
                                 const LogReader::Observer& visit) {
  return Auditor(store, progress, visit).run();
}

}  // namespace zhurnal::events::internal
