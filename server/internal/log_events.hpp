// Log events as the protocol shows them to auditors: the envelope, the
// hashes in hex, and the domain event as JSON.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "schema/protocol.capnp.h"
#include "zhurnal/commands/journal.hpp"
#include "zhurnal/events/types.hpp"

namespace zhurnal::server::internal {

// `actor_name` (may be empty) names an actor id for LogEvent.actorName; it
// is asked once per distinct actor of `events`.
void fill_log_events(const std::vector<events::RecordedEvent>& events,
                     capnp::List<schema::LogEvent>::Builder out,
                     const std::function<std::string(const std::string&)>& actor_name = {});

// Full names from the journal; empty for the system actors and unknown ids.
std::function<std::string(const std::string&)> actor_names(const commands::Journal& journal);

}  // namespace zhurnal::server::internal
