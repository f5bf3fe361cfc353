// A school's reference books (docs/protocol.md "school"): its periods,
// subjects, work types, classes, years and bells, as a request and as a live
// subscription. Everybody of the school reads her own school's; auditors any
// school's. The subscription is pushed when the journal projection touches
// "school/<id>" (its calendar, classes or staff changed) or "books/<id>"
// (a subject or work type was defined, renamed or retired); the school page
// reads the staff list again on each push.
//
// Thread safety: the functions may run on any worker thread concurrently.
#pragma once

#include <optional>
#include <string>

#include "hub.hpp"
#include "roster_requests.hpp"
#include "schema/protocol.capnp.h"
#include "zhurnal/server/context.hpp"

namespace zhurnal::server::internal {

void fill_school(const commands::SchoolInfo& info, schema::SchoolView::Builder out);

// The `school` request: fills `response` with the view or an error.
void school_view(ServerContext& ctx, const std::string& user, const std::string& school_id,
                 schema::Response::Builder response);

// The `subscribe` to a school: checks the user and fills `spec`, or says why
// not.
std::optional<Refusal> school_subscription(ServerContext& ctx, const std::string& user,
                                           const std::string& school_id, SubscriptionSpec* spec);

// A push of the school: sets `push` and `*pushed` and returns true when the
// user may still read it and the journal has moved past `*pushed`. The view
// comes from the journal's decision state, so it reflects its applied
// position (the caller waits for that to cover the change it heard of).
bool render_school(ServerContext& ctx, const std::string& user, const SubscriptionSpec& spec,
                   schema::Push::Builder push, uint64_t* pushed);

}  // namespace zhurnal::server::internal
