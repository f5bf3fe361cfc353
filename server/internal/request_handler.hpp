// RequestHandler: one protocol request in, one response out (docs/protocol.md).
// A function of the request and the connection's identity; it never touches
// a socket. Malformed input of any kind becomes an error response with a
// stable code; nothing a client sends can make it throw.
//
// Thread safety: handle() may run on any worker thread, but at most one
// request of a given connection at a time (the caller serialises per
// connection), since it updates the connection's identity.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "audit_requests.hpp"
#include "connection.hpp"
#include "hub.hpp"
#include "zhurnal/server/context.hpp"

namespace zhurnal::server::internal {

class RequestHandler {
 public:
  RequestHandler(ServerContext& context, Hub& hub) : ctx_(context), hub_(hub) {}

  // Returns the JSON text of the ServerMessage carrying the response.
  std::string handle(const std::shared_ptr<Connection>& conn, std::string_view frame);

 private:
  void record_sign_in(const commands::UserInfo& info);
  void apply_access_change(schema::Command::Reader command, bool duplicate,
                           schema::Accepted::Builder accepted);

  ServerContext& ctx_;
  Hub& hub_;
  AuditRequests audit_{ctx_};  // history and asOf (audit_requests.hpp)
};

// A response with only an error, for frames that never reach the handler
// (too large, binary, too many in flight).
std::string error_frame(const std::string& id, const std::string& code, const std::string& message);

}  // namespace zhurnal::server::internal
