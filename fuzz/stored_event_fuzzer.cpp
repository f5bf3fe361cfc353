// Fuzz target: a stored value of the event log as a damaged disk or a
// tampered file could hold it. decode_stored_event() (what every read of the
// log runs), the payload through BoundedMessageReader and the auditor's log
// view (fill_log_events(), as the server's `log` request and subscription
// build it), and decode_receipt() on the same bytes.
//
// Oracles besides the sanitizers: none of it throws or crashes; a decoded
// event's payload is either JSON or "null" in the log view.
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

  std::vector<events::RecordedEvent> decoded(1);
  const events::Status st = events::internal::decode_stored_event(value, &decoded[0]);
  if (!st.is_ok()) {
    if (st.code() != events::StatusCode::kCorruption) fail("unexpected status", st.to_string());
    return 0;
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
