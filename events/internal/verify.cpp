// verify(): the hash chain and the log's own consistency, walked in order.
#include "codec.hpp"
#include "rocks_log.hpp"

namespace zhurnal::events::internal {

Result<VerifyReport> RocksLog::verify(std::function<void(uint64_t)> progress) {
  std::shared_lock lock(store_mu_);
  if (!store_) return error(StatusCode::kIoError, "the event log store is not open");
  VerifyReport report;
  Hash prev{};
  uint64_t expect = 1;
  RecordedEvent e;
  auto fail = [&](uint64_t position, std::string problem) {
    report.first_bad_position = position;
    report.problem = std::move(problem);
    return false;
  };
  Status s = store_->scan_log(1, [&](uint64_t key, std::string_view value) {
    if (key != expect) return fail(expect, "position " + std::to_string(expect) + " is missing");
    Status d = decode_stored_event(value, &e);
    if (!d.is_ok()) return fail(key, d.message());
    if (e.position != key) return fail(key, "envelope position does not match its key");
    if (e.prev_hash != prev) return fail(key, "previous-hash link is broken");
    const Hash h = chain_hash(prev, stored_body(value));
    if (h != e.hash) return fail(key, "hash does not match the stored bytes");
    prev = h;
    ++expect;
    ++report.events;
    if (progress && report.events % 65536 == 0) progress(report.events);
    return true;
  });
  if (!s.is_ok()) {
    if (s.code() != StatusCode::kCorruption) return std::unexpected(s);
    if (report.ok()) {
      report.first_bad_position = expect;
      report.problem = s.message();
    }
  }
  if (progress) progress(report.events);
  return report;
}

}  // namespace zhurnal::events::internal
