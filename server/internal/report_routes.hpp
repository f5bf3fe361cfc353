// GET /reports/<name>.<csv|xlsx>?...: the downloadable reports, made by the
// server from the read models (docs/protocol.md, "Reports over HTTP").
//
//   /reports/compliance.{csv,xlsx}?school=<id>&month=YYYY-MM   who may read the school's compliance
//   /reports/progress.{csv,xlsx}?class=<id>&period=<id>        who may read the class report
//   /reports/attendance.{csv,xlsx}?class=<id>&period=<id>      who may read the class report
//
// Authenticated with the session token in `Authorization: Bearer <token>`
// (never in the URL, so it stays out of logs and history) and checked like
// the equivalent WebSocket query. Answers 401 without a live session, 403
// without the right, 404 for an unknown school, class, period or report,
// 400 for malformed parameters; errors are JSON {"error": code, "message"}.
#pragma once

#include <optional>

#include "http_routes.hpp"

namespace zhurnal::server::internal {

// nullopt when the target is not under /reports/.
std::optional<HttpResponse> handle_report(SharedState& state, const HttpRequest& request);

}  // namespace zhurnal::server::internal
