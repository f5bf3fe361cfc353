// Log events as the protocol shows them to auditors: the envelope, the
// hashes in hex, and the domain event as JSON.
#pragma once

#include <vector>

#include "schema/protocol.capnp.h"
#include "zhurnal/events/types.hpp"

namespace zhurnal::server::internal {

void fill_log_events(const std::vector<events::RecordedEvent>& events,
                     capnp::List<schema::LogEvent>::Builder out);

}  // namespace zhurnal::server::internal
