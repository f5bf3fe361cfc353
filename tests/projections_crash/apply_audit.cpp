#include "apply_audit.hpp"

#include <cstdio>

namespace zhurnal::projections_crash {
namespace {

// "<count> <last position>"; zeros for an absent or malformed row.
AppliedCount parse_count(const std::optional<std::string>& row) {
  AppliedCount c;
  unsigned long long count = 0, last = 0;
  if (row && std::sscanf(row->c_str(), "%llu %llu", &count, &last) == 2) {
    c.count = count;
    c.last_position = last;
  }
  return c;
}

}  // namespace

void ApplyAudit::apply(const events::RecordedEvent& event, schema::JournalEvent::Reader payload,
                       projections::ProjectionTx& tx) {
  // First, so that the count holds even when the wrapped projection throws
  // on this event (the engine then skips it for every projection alike).
  const AppliedCount c = parse_count(tx.get(kAppliedRow));
  if (event.position != c.last_position + 1 && !tx.get(kViolationRow)) {
    tx.put(kViolationRow, "position " + std::to_string(event.position) + " after " +
                              std::to_string(c.last_position));
  }
  tx.put(kAppliedRow, std::to_string(c.count + 1) + " " + std::to_string(event.position));
  inner_->apply(event, payload, tx);
}

std::vector<std::unique_ptr<projections::Projection>> audited(
    std::vector<std::unique_ptr<projections::Projection>> projections) {
  std::vector<std::unique_ptr<projections::Projection>> out;
  for (auto& p : projections) out.push_back(std::make_unique<ApplyAudit>(std::move(p)));
  return out;
}

events::Result<AppliedCount> read_applied(events::KvStore& store, const std::string& prefix) {
  auto count = store.get(prefix + std::string(kAppliedRow));
  if (!count) return std::unexpected(count.error());
  auto violation = store.get(prefix + std::string(kViolationRow));
  if (!violation) return std::unexpected(violation.error());
  AppliedCount c = parse_count(*count);
  c.violation = *violation;
  return c;
}

}  // namespace zhurnal::projections_crash
