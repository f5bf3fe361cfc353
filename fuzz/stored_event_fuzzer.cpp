// Fuzz target: a stored value of the event log as a damaged disk or a
// tampered file could hold it. decode_stored_event() (what every read of the
// log runs, in full and as the folds read it), the payload through
// BoundedMessageReader and the auditor's log view (fill_log_events(), as the
// server's `log` request and subscription build it), and decode_receipt() on
// the same bytes.
//
// Oracles besides the sanitizers: none of it throws or crashes; the folds'
// decode accepts what the full decode accepts, with the same values; a
// decoded event's payload is either JSON or "null" in the log view.
#include <capnp/message.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "internal/codec.hpp"
#include "internal/json.hpp"
#include "internal/log_events.hpp"
#include "schema/journal.capnp.h"
#include "schema/message_reader.hpp"
#include "schema/protocol.capnp.h"

namespace {

[[noreturn]] void fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "stored_event_fuzzer: %s\n%s\n", what, detail.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace events = zhurnal::events;
  const std::string_view value(reinterpret_cast<const char*>(data), size);

  events::AppendResult receipt;
  events::Hash digest;
  (void)events::internal::decode_receipt(value, &receipt, &digest);

  // The folds' decode (EventFields::kFold) reads a subset of the fields, in
  // the same order: it accepts whatever the full decode accepts, with the
  // same values.
  events::RecordedEvent fold;
  const events::Status fold_st =
      events::internal::decode_stored_event(value, &fold, events::EventFields::kFold);
  if (!fold_st.is_ok() && fold_st.code() != events::StatusCode::kCorruption) {
    fail("unexpected status of the fold decode", fold_st.to_string());
  }

  // The history's decode (EventFields::kHistory) reads a subset too.
  events::RecordedEvent history;
  const events::Status history_st =
      events::internal::decode_stored_event(value, &history, events::EventFields::kHistory);

  // The audit's decode (EventFields::kAudit) refuses exactly what the full
  // decode refuses.
  events::RecordedEvent audit;
  const events::Status audit_st =
      events::internal::decode_stored_event(value, &audit, events::EventFields::kAudit);

  std::vector<events::RecordedEvent> decoded(1);
  const events::Status st = events::internal::decode_stored_event(value, &decoded[0]);
  if (audit_st.is_ok() != st.is_ok()) {
    fail("the audit decode and the full decode disagree",
         audit_st.to_string() + " / " + st.to_string());
  }
  if (!st.is_ok()) {
    if (st.code() != events::StatusCode::kCorruption) fail("unexpected status", st.to_string());
    return 0;
  }
  if (!fold_st.is_ok()) {
    fail("the fold decode refused what the full decode read", fold_st.to_string());
  }
  const events::RecordedEvent& full = decoded[0];
  if (audit.position != full.position || audit.stream != full.stream ||
      audit.stream_version != full.stream_version || audit.type != full.type ||
      audit.recorded_at_us != full.recorded_at_us || audit.command_id != full.command_id ||
      audit.prev_hash != full.prev_hash || audit.hash != full.hash || !audit.actor.empty() ||
      !audit.payload.empty() || !audit.correlation_id.empty() || !audit.causation_id.empty()) {
    fail("the audit decode differs from the full decode", std::to_string(full.position));
  }
  if (!history_st.is_ok()) {
    fail("the history decode refused what the full decode read", history_st.to_string());
  }
  if (history.position != full.position || history.stream != full.stream ||
      history.type != full.type || history.actor != full.actor ||
      history.command_id != full.command_id || history.payload != full.payload ||
      history.hash != full.hash || !history.correlation_id.empty() ||
      history.prev_hash != events::Hash{}) {
    fail("the history decode differs from the full decode", std::to_string(full.position));
  }
  if (fold.position != full.position || fold.stream_version != full.stream_version ||
      fold.recorded_at_us != full.recorded_at_us || fold.actor != full.actor ||
      fold.payload != full.payload || fold.hash != full.hash || !fold.stream.empty() ||
      !fold.command_id.empty()) {
    fail("the fold decode differs from the full decode", std::to_string(full.position));
  }
  // The payload on its own, as projections and the journal read it.
  try {
    zhurnal::schema::BoundedMessageReader reader(decoded[0].payload);
    auto event = reader.root<zhurnal::schema::JournalEvent>();
    (void)event.which();
    (void)zhurnal::server::internal::to_json(event);
  } catch (const kj::Exception&) {
    // A payload that does not decode: readers report it, as they must.
  }
  // The auditor's view of it.
  capnp::MallocMessageBuilder out;
  auto list = out.initRoot<zhurnal::schema::ServerMessage>().initPush().initLog(1);
  zhurnal::server::internal::fill_log_events(decoded, list);
  if (list[0].getPayload().size() == 0) fail("empty payload in the log view", "");
  (void)zhurnal::server::internal::to_json(out.getRoot<zhurnal::schema::ServerMessage>().asReader());
  return 0;
}
