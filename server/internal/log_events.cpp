#include "log_events.hpp"

#include "json.hpp"
#include "schema/journal.capnp.h"
#include "schema/message_reader.hpp"

namespace zhurnal::server::internal {
void fill_log_events(const std::vector<events::RecordedEvent>& events,
                     capnp::List<schema::LogEvent>::Builder out) {
  for (size_t i = 0; i < events.size(); ++i) {
    const events::RecordedEvent& e = events[i];
    auto o = out[i];
    o.setPosition(e.position);
    o.setStreamId(e.stream);
    o.setStreamVersion(e.stream_version);
    o.setEventType(e.type);
    o.setRecordedAtUs(e.recorded_at_us);
    o.setActor(e.actor);
    o.setCommandId(e.command_id);
    o.setHash(events::to_hex(e.hash));
    o.setPrevHash(events::to_hex(e.prev_hash));
    try {
      schema::BoundedMessageReader reader(e.payload);
      o.setPayload(to_json(reader.root<schema::JournalEvent>()));
    } catch (const kj::Exception&) {
      o.setPayload("null");
    }
  }
}

}  // namespace zhurnal::server::internal
