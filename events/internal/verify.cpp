// verify(): the hash chain and the log's own consistency, walked in order,
// then the stream index and the idempotency receipts checked against it.
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

Result<VerifyReport> RocksLog::verify(std::function<void(uint64_t)> progress) {
  std::shared_lock lock(store_mu_);
  if (!store_) return error(StatusCode::kIoError, "the event log store is not open");
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
  Status s = store_->scan_log(1, [&](uint64_t key, std::string_view value) {
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
  });
  close_run(expect - 1);
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
  uint64_t index_sum = 0, beyond = 0;
  s = store_->scan_cf(store_->streams_cf(), [&](std::string_view k, std::string_view v) {
    // stream_id || 0x00 || u64be(version): the version's bytes may be zero too.
    const size_t nul = k.size() >= 10 ? k.size() - 9 : 0;
    if (nul == 0 || k[nul] != '\0' || v.size() != 8) {
      return fail(head + 1, "malformed stream index entry");
    }
    const uint64_t pos = get_u64be(v);
    if (pos > head) beyond = beyond == 0 ? pos : std::min(beyond, pos);
    index_sum += mix(k.substr(0, nul), get_u64be(k.substr(nul + 1)), pos);
    return true;
  });
  if (!s.is_ok()) return std::unexpected(s);
  if (!report.ok()) return report;
  if (beyond != 0) {
    report.first_bad_position = head + 1;
    report.problem = "the log ends at position " + std::to_string(head) +
                     " but the stream index names position " + std::to_string(beyond);
    return report;
  }
  if (index_sum != stream_sum) {
    report.first_bad_position = head + 1;
    report.problem = "the stream index does not match the log";
    return report;
  }

  // Idempotency receipts: one per append, naming its positions.
  uint64_t receipt_sum = 0;
  s = store_->scan_cf(store_->commands_cf(), [&](std::string_view k, std::string_view v) {
    AppendResult r;
    Hash digest;
    if (!decode_receipt(v, &r, &digest).is_ok()) return fail(head + 1, "malformed receipt");
    if (r.last_position > head) {
      return fail(head + 1, "a command receipt names position " + std::to_string(r.last_position) +
                                " past the end of the log");
    }
    receipt_sum += mix(k, r.first_position, r.last_position);
    return true;
  });
  if (!s.is_ok()) return std::unexpected(s);
  if (report.ok() && receipt_sum != command_sum) {
    report.first_bad_position = head + 1;
    report.problem = "the idempotency receipts do not match the log";
  }
  return report;
}

}  // namespace zhurnal::events::internal
