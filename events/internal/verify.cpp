// verify(): the hash chain and the log's own consistency, walked in order,
// then the stream index and the idempotency receipts checked against it.
#include <thread>

#include "codec.hpp"
#include "keys.hpp"
#include "rocks_log.hpp"

namespace zhurnal::events::internal {
namespace {

// An order-independent fingerprint of a set of facts: the sum of a 64-bit
// mix of each. The log walk and the index scans must produce the same sums.
uint64_t mix(std::string_view a, uint64_t b, uint64_t c) {
  uint64_t h = 1469598103934665603ull;  // FNV-1a over the bytes, then splitmix
  for (unsigned char ch : a) h = (h ^ ch) * 1099511628211ull;
  h ^= b * 0x9e3779b97f4a7c15ull;
  h ^= (c + 0x632be59bd9b4e019ull) * 0xbf58476d1ce4e5b9ull;
  h ^= h >> 31;
  h *= 0x94d049bb133111ebull;
  return h ^ (h >> 29);
}

}  // namespace

// The index scans need nothing from the log walk but the final sums, so they
// run on a second thread while the walk hashes; all three read one snapshot,
// so appends made meanwhile (a live server) are seen by none of them.
Result<VerifyReport> RocksLog::verify(std::function<void(uint64_t)> progress) {
  std::shared_lock lock(store_mu_);
  if (!store_) return error(StatusCode::kIoError, "the event log store is not open");
  rocksdb::DB* db = store_->db();
  const rocksdb::Snapshot* snapshot = db->GetSnapshot();
  struct Release {
    rocksdb::DB* db;
    const rocksdb::Snapshot* snapshot;
    ~Release() { db->ReleaseSnapshot(snapshot); }
  } release{db, snapshot};

  // Second thread: the stream index and the receipts, as order-independent
  // sums and the largest position each names.
  struct IndexScan {
    Status status;
    std::string malformed;  // the first malformed entry's problem, if any
    uint64_t index_sum = 0, index_max = 0, receipt_sum = 0, receipt_max = 0;
  } idx;
  std::thread index_thread([&] {
    idx.status = store_->scan_cf(
        store_->streams_cf(),
        [&](std::string_view k, std::string_view v) {
          // stream_id || 0x00 || u64be(version): the version's bytes may be zero too.
          const size_t nul = k.size() >= 10 ? k.size() - 9 : 0;
          if (nul == 0 || k[nul] != '\0' || v.size() != 8) {
            idx.malformed = "malformed stream index entry";
            return false;
          }
          const uint64_t pos = get_u64be(v);
          idx.index_max = std::max(idx.index_max, pos);
          idx.index_sum += mix(k.substr(0, nul), get_u64be(k.substr(nul + 1)), pos);
          return true;
        },
        snapshot);
    if (!idx.status.is_ok() || !idx.malformed.empty()) return;
    idx.status = store_->scan_cf(
        store_->commands_cf(),
        [&](std::string_view k, std::string_view v) {
          AppendResult r;
          Hash digest;
          if (!decode_receipt(v, &r, &digest).is_ok()) {
            idx.malformed = "malformed receipt";
            return false;
          }
          idx.receipt_max = std::max(idx.receipt_max, r.last_position);
          idx.receipt_sum += mix(k, r.first_position, r.last_position);
          return true;
        },
        snapshot);
  });
  struct Join {
    std::thread* t;
    ~Join() {
      if (t->joinable()) t->join();
    }
  } join{&index_thread};

  VerifyReport report;
  Hash prev{};
  uint64_t expect = 1;
  RecordedEvent e;
  uint64_t stream_sum = 0, command_sum = 0;
  std::string run_command;  // the append being walked: its command id and first position
  uint64_t run_first = 0;
  auto fail = [&](uint64_t position, std::string problem) {
    report.first_bad_position = position;
    report.problem = std::move(problem);
    return false;
  };
  auto close_run = [&](uint64_t last) {
    if (run_first != 0) command_sum += mix(run_command, run_first, last);
  };
  Status s = store_->scan_log(
      1,
      [&](uint64_t key, std::string_view value) {
        if (key != expect) return fail(expect, "position " + std::to_string(expect) + " is missing");
        Status d = decode_stored_event(value, &e);
        if (!d.is_ok()) return fail(key, d.message());
        if (e.position != key) return fail(key, "envelope position does not match its key");
        if (e.prev_hash != prev) return fail(key, "previous-hash link is broken");
        const Hash h = chain_hash(prev, stored_body(value));
        if (h != e.hash) return fail(key, "hash does not match the stored bytes");
        stream_sum += mix(e.stream, e.stream_version, e.position);
        if (e.command_id != run_command || run_first == 0) {
          close_run(key - 1);
          run_command = e.command_id;
          run_first = key;
        }
        prev = h;
        ++expect;
        ++report.events;
        if (progress && report.events % 65536 == 0) progress(report.events);
        return true;
      },
      snapshot);
  close_run(expect - 1);
  index_thread.join();
  if (!s.is_ok()) {
    if (s.code() != StatusCode::kCorruption) return std::unexpected(s);
    if (report.ok()) {
      report.first_bad_position = expect;
      report.problem = s.message();
    }
  }
  if (progress) progress(report.events);
  if (!report.ok()) return report;

  // The stream index: every entry names an event of the log, and every event
  // has its entry. An entry past the end means the log lost its tail.
  const uint64_t head = report.events;
  if (!idx.status.is_ok()) return std::unexpected(idx.status);
  if (!idx.malformed.empty()) {
    report.first_bad_position = head + 1;
    report.problem = idx.malformed;
    return report;
  }
  if (idx.index_max > head) {
    // Rare: find the first position past the end to name it.
    uint64_t beyond = UINT64_MAX;
    s = store_->scan_cf(
        store_->streams_cf(),
        [&](std::string_view, std::string_view v) {
          if (const uint64_t pos = get_u64be(v); pos > head) beyond = std::min(beyond, pos);
          return true;
        },
        snapshot);
    if (!s.is_ok()) return std::unexpected(s);
    report.first_bad_position = head + 1;
    report.problem = "the log ends at position " + std::to_string(head) +
                     " but the stream index names position " + std::to_string(beyond);
    return report;
  }
  if (idx.index_sum != stream_sum) {
    report.first_bad_position = head + 1;
    report.problem = "the stream index does not match the log";
    return report;
  }

  // Idempotency receipts: one per append, naming its positions.
  if (idx.receipt_max > head) {
    report.first_bad_position = head + 1;
    report.problem = "a command receipt names position " + std::to_string(idx.receipt_max) +
                     " past the end of the log";
    return report;
  }
  if (idx.receipt_sum != command_sum) {
    report.first_bad_position = head + 1;
    report.problem = "the idempotency receipts do not match the log";
  }
  return report;
}

}  // namespace zhurnal::events::internal
