#include "log_events.hpp"

#include <map>

#include "json.hpp"
#include "schema/journal.capnp.h"
#include "schema/message_reader.hpp"

namespace zhurnal::server::internal {
void fill_log_events(const std::vector<events::RecordedEvent>& events,
                     capnp::List<schema::LogEvent>::Builder out,
                     const std::function<std::string(const std::string&)>& actor_name) {
  std::map<std::string, std::string> names;
  for (size_t i = 0; i < events.size(); ++i) {
    const events::RecordedEvent& e = events[i];
    auto o = out[i];
    o.setPosition(e.position);
    o.setStreamId(e.stream);
    o.setStreamVersion(e.stream_version);
    o.setEventType(e.type);
    o.setRecordedAtUs(e.recorded_at_us);
    o.setActor(e.actor);
    if (actor_name) {
      auto name = names.find(e.actor);
      if (name == names.end()) name = names.emplace(e.actor, actor_name(e.actor)).first;
      o.setActorName(name->second);
    }
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

std::function<std::string(const std::string&)> actor_names(const commands::Journal& journal) {
  return [&journal](const std::string& id) {
    auto info = journal.user_info(id);
    return info ? info->full_name : std::string();
  };
}

}  // namespace zhurnal::server::internal
