// RequestHandler: one protocol request in, one response out (docs/protocol.md).
// A function of the request and the connection's identity; it never touches
// a socket. Malformed input of any kind becomes an error response with a
// stable code; nothing a client sends can make it throw.
//
// Thread safety: handle() may run on any worker thread, but at most one
// request of a given connection at a time (the caller serialises per
// connection), since it updates the connection's identity. A command's
// answer comes later, from a worker, while the connection's next requests
// are handled.
#pragma once

#include <boost/asio/thread_pool.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "audit_requests.hpp"
#include "connection.hpp"
#include "hub.hpp"
#include "import_request.hpp"
#include "zhurnal/server/context.hpp"

namespace zhurnal::server::internal {

class RequestHandler {
 public:
  // A command's later steps and its answer run on `commands`; an answer
  // that hashes a password, on `workers`.
  RequestHandler(ServerContext& context, Hub& hub, boost::asio::thread_pool& workers,
                 boost::asio::thread_pool& commands)
      : ctx_(context), hub_(hub), workers_(workers), commands_(commands) {}

  // Receives the JSON text of the ServerMessage carrying a response.
  using Respond = std::function<void(std::string)>;

  // Answers `frame` through `respond`: before returning, except for a
  // command, whose answer comes from a worker once its events are durable
  // and folded into the journal's state (or it is rejected).
  void handle(const std::shared_ptr<Connection>& conn, std::string_view frame, Respond respond);

  // The body of POST /import (docs/protocol.md, "Lists over HTTP"): a
  // request frame whose one allowed kind is importLists, from `user` (whom
  // the request's bearer token names), larger than a WebSocket frame may
  // be. Returns the ServerMessage JSON as the WebSocket would send it; *code
  // is its error code, empty when it succeeded.
  std::string answer_import(const std::string& user, std::string_view body, std::string* code);

 private:
  // The response, or nullopt when `respond` was taken to answer later.
  std::optional<std::string> answer(const std::shared_ptr<Connection>& conn, std::string_view frame,
                                    Respond& respond);
  void start_command(const std::shared_ptr<Connection>& conn, schema::Request::Reader request,
                     const std::string& user, Respond respond);
  // Records a sign-in (an event for the monthly check), then runs `then`.
  void record_sign_in(const commands::UserInfo& info, std::function<void()> then);
  // Where the journal runs a command's later steps and its answer.
  commands::Journal::Post commands_post();
  // Held until a command's answer is sent (see the definition).
  std::shared_ptr<void> answer_pending();
  void apply_access_change(schema::Command::Reader command, bool duplicate,
                           schema::Accepted::Builder accepted);

  ServerContext& ctx_;
  Hub& hub_;
  boost::asio::thread_pool& workers_;
  boost::asio::thread_pool& commands_;
  AuditRequests audit_{ctx_};  // history and asOf (audit_requests.hpp)
};

// A response with only an error, for frames that never reach the handler
// (too large, binary, too many in flight).
std::string error_frame(const std::string& id, const std::string& code, const std::string& message);

}  // namespace zhurnal::server::internal
