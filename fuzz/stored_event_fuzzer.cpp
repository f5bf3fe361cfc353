// Fuzz target: a stored value of the event log as a damaged disk or a
// tampered file could hold it. decode_stored_event() (what every read of the
// log runs, in full and as the folds read it), the payload through
// BoundedMessageReader and the auditor's log view (fill_log_events(), as the
// server's `log` request and subscription build it), and decode_receipt() on
// the same bytes.
//
// Oracles besides the sanitizers: none of it throws or crashes; each partial
// decode (the folds', the history's, the audit's) accepts what the full
// decode accepts, fills its fields with the same values and leaves the
// others empty, and the audit's refuses what the full decode refuses; a
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

namespace events = zhurnal::events;

// A partial decode: which fields it fills in (the others it leaves empty).
struct Partial {
  events::EventFields fields;
  const char* name;
  bool ids;  // stream, type, command id
  bool actor_payload;
  bool context;  // correlation and causation ids
  bool prev_hash;
  bool refuses_as_full;  // refuses whatever the full decode refuses
};
constexpr Partial kPartials[] = {
    {events::EventFields::kFold, "fold", false, true, false, false, false},
    {events::EventFields::kHistory, "history", true, true, false, false, false},
    {events::EventFields::kAudit, "audit", true, false, false, true, true},
};

bool agrees(const events::RecordedEvent& e, const events::RecordedEvent& full, const Partial& p) {
  auto field = [](const std::string& got, const std::string& want, bool filled) {
    return filled ? got == want : got.empty();
  };
  return e.position == full.position && e.stream_version == full.stream_version &&
         e.recorded_at_us == full.recorded_at_us && e.hash == full.hash &&
         field(e.stream, full.stream, p.ids) && field(e.type, full.type, p.ids) &&
         field(e.command_id, full.command_id, p.ids) &&
         field(e.actor, full.actor, p.actor_payload) &&
         field(e.payload, full.payload, p.actor_payload) &&
         field(e.correlation_id, full.correlation_id, p.context) &&
         field(e.causation_id, full.causation_id, p.context) &&
         e.prev_hash == (p.prev_hash ? full.prev_hash : events::Hash{});
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view value(reinterpret_cast<const char*>(data), size);

  events::AppendResult receipt;
  events::Hash digest;
  (void)events::internal::decode_receipt(value, &receipt, &digest);

  std::vector<events::RecordedEvent> decoded(1);
  const events::Status st = events::internal::decode_stored_event(value, &decoded[0]);
  if (!st.is_ok() && st.code() != events::StatusCode::kCorruption) {
    fail("unexpected status", st.to_string());
  }
  const events::RecordedEvent& full = decoded[0];
  for (const Partial& p : kPartials) {
    events::RecordedEvent e;
    const events::Status pst = events::internal::decode_stored_event(value, &e, p.fields);
    if (!pst.is_ok() && pst.code() != events::StatusCode::kCorruption) {
      fail(p.name, "unexpected status: " + pst.to_string());
    }
    if (st.is_ok() && !pst.is_ok())
      fail(p.name, "refused what the full decode read: " + pst.to_string());
    if (!st.is_ok() && pst.is_ok() && p.refuses_as_full) {
      fail(p.name, "read what the full decode refused: " + st.to_string());
    }
    if (st.is_ok() && !agrees(e, full, p)) {
      fail(p.name, "differs from the full decode at position " + std::to_string(full.position));
    }
  }
  if (!st.is_ok()) return 0;
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
