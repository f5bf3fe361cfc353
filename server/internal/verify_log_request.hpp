// The auditor's integrity check (docs/protocol.md "verifyLog"): runs the
// event log's own verify walk (contiguous positions, envelopes consistent
// with their keys, the SHA-256 hash chain) and answers ok, the number of
// events checked and the first bad position.
//
// Auditors only. A walk reads the whole log, so one runs at a time on the
// whole server; a request that cannot start within two seconds is answered
// `busy` with retryAfterSeconds.
//
// Thread safety: may run on any worker thread concurrently.
#pragma once

#include <string>

#include "schema/protocol.capnp.h"
#include "zhurnal/server/context.hpp"

namespace zhurnal::server::internal {

void verify_log(ServerContext& ctx, const std::string& user, schema::Response::Builder response);

}  // namespace zhurnal::server::internal
