// What the server serves: the components main() wires together and hands to
// the Server. Nothing here is owned by the server; all must outlive it.
#pragma once

#include <expected>
#include <memory>
#include <optional>
#include <string>

#include "zhurnal/commands/journal.hpp"
#include "zhurnal/events/event_log.hpp"
#include "zhurnal/projections/engine.hpp"
#include "zhurnal/projections/views.hpp"
#include "zhurnal/server/metrics.hpp"

namespace spdlog {
class logger;
}

namespace zhurnal::import {
class ServerImports;
}

namespace zhurnal::server {

struct AuthFailure {
  std::string code;     // stable: "bad_credentials", "rate_limited", ...
  std::string message;  // Russian
  uint32_t retry_after_seconds = 0;
};

struct AuthSession {
  std::string token;
  std::string user_id;
};

// Sign-in as the server needs it; implemented over the credential store,
// sessions and rate limits (server/auth/). Thread-safe.
class AuthPort {
 public:
  virtual ~AuthPort() = default;
  // `new_password` (may be empty) replaces the password as the user signs
  // in; an issued initial password signs in only with one
  // (auth::Authenticator::sign_in).
  virtual std::expected<AuthSession, AuthFailure> sign_in(const std::string& login,
                                                          const std::string& password,
                                                          const std::string& new_password,
                                                          const std::string& address) = 0;
  // The user of a live session (and marks it used), or nullopt.
  virtual std::optional<std::string> user_of(const std::string& token) = 0;
  virtual void sign_out(const std::string& token) = 0;
  virtual std::expected<void, AuthFailure> change_password(const std::string& token,
                                                           const std::string& old_password,
                                                           const std::string& new_password) = 0;
  // After the journal accepted issueCredentials: the login and a fresh
  // initial password (returned once, to be handed to the user).
  virtual std::expected<std::string, AuthFailure> issue(const std::string& user_id,
                                                        const std::string& login) = 0;
  // After the journal accepted revokeCredentials: the password stops working
  // and every session of the user ends.
  virtual void revoke(const std::string& user_id) = 0;
};

struct ServerContext {
  events::EventLog* log = nullptr;
  commands::Journal* journal = nullptr;
  projections::ProjectionEngine* engine = nullptr;
  projections::Views* views = nullptr;
  AuthPort* auth = nullptr;
  Metrics* metrics = nullptr;
  std::shared_ptr<spdlog::logger> logger;  // may be null
  // The rows an `asOf` request's fold keeps in memory between bulk loads
  // (replay::AsOfOptions), as the engine's catch-up (`serve
  // --rebuild-memory-mib`).
  size_t fold_memory_bytes = size_t{1} << 30;
  // The secretary's lists (importLists, POST /import), one import at a time
  // with the control socket's; null: refused with `unavailable`.
  import::ServerImports* imports = nullptr;
};

}  // namespace zhurnal::server
