// ApplyAudit: a projection wrapper that counts what it is given, so that an
// event applied twice or skipped is visible even when the wrapped projection
// is idempotent for it (most rows are "set this row" and look the same when
// an event is applied again, so comparing views with a rebuild alone could
// miss a duplicate).
//
// Before the wrapped projection sees an event, the wrapper updates one row of
// the projection's own key space, in the same transaction (so in the same
// commit as the checkpoint):
//   "~apply-audit/count"      -> "<events applied> <last position>"
//   "~apply-audit/violation"  -> the first position that did not follow the
//                                last one ("position 7 after 7"); absent
//                                while every event came once, in order
// A from-scratch rebuild through the same wrapper writes count = head and no
// violation, so the byte-for-byte comparison catches a duplicate too.
//
// Name and version are the wrapped projection's: the wrapper shares its key
// space and meta row. A store is either always or never written through
// wrappers (the crash test's children and audits all use them).
//
// Thread safety: as the wrapped projection (the engine calls apply from one
// thread at a time).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "zhurnal/events/kv_store.hpp"
#include "zhurnal/projections/projection.hpp"

namespace zhurnal::projections_crash {

inline constexpr std::string_view kAppliedRow = "~apply-audit/count";
inline constexpr std::string_view kViolationRow = "~apply-audit/violation";

class ApplyAudit final : public projections::Projection {
 public:
  explicit ApplyAudit(std::unique_ptr<projections::Projection> inner) : inner_(std::move(inner)) {}

  std::string_view name() const override { return inner_->name(); }
  uint32_t version() const override { return inner_->version(); }
  void apply(const events::RecordedEvent& event, schema::JournalEvent::Reader payload,
             projections::ProjectionTx& tx) override;

 private:
  std::unique_ptr<projections::Projection> inner_;
};

// Each of `projections` wrapped in an ApplyAudit.
std::vector<std::unique_ptr<projections::Projection>> audited(
    std::vector<std::unique_ptr<projections::Projection>> projections);

// What the rows under `prefix` (a projection's active generation) say.
struct AppliedCount {
  uint64_t count = 0;
  uint64_t last_position = 0;
  std::optional<std::string> violation;
};
events::Result<AppliedCount> read_applied(events::KvStore& store, const std::string& prefix);

}  // namespace zhurnal::projections_crash
