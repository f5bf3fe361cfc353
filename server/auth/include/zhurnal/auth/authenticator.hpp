// Authenticator: sign-in, sign-out, password change, and issuing and
// revoking access, over a CredentialStore, a SessionManager and a
// RateLimiter wired in by main().
//
// Error codes (AuthError::code_name(), stable, sent to clients):
//   rate_limited     too many failed attempts; retry_after says how long
//   busy             too many sign-ins at once (no hashing slot in time, or
//                    too many from the client's address); retry_after: 1 s
//   bad_credentials  unknown login or wrong password (indistinguishable)
//   no_access        the user's access was revoked
//   session_expired  the session token is unknown, expired or ended
//   invalid_password a new password breaks the rules (check_new_password)
//   password_change_required  the password is an issued initial one and no
//                    new password came with it (nothing else was done)
//   invalid_login, login_taken  when issuing credentials
//   internal         storage failure; the detail is for the log
//
// The event log records that access was issued or revoked and by whom (the
// commands layer); this class only keeps the secrets, in the credential
// store, and never logs or returns a password except the initial one from
// issue(), which is good for one sign-in: the one that sets the user's own.
//
// Thread safety: all methods may be called from any thread. sign_in,
// change_password and issue run argon2id (tens of milliseconds): call them
// off the network I/O threads.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "zhurnal/auth/auth_error.hpp"
#include "zhurnal/auth/clock.hpp"
#include "zhurnal/auth/credential_store.hpp"
#include "zhurnal/auth/rate_limiter.hpp"
#include "zhurnal/auth/session_manager.hpp"

namespace zhurnal::auth {

struct SignInResult {
  std::string token;  // bearer token of the new session: a secret, never log it
  std::string user_id;
};

class Authenticator {
 public:
  // All three must outlive the Authenticator.
  Authenticator(CredentialStore& credentials, SessionManager& sessions, RateLimiter& limiter);

  // Checks the rate limits, then the password; on success starts a session
  // and re-hashes the password if its hash parameters are outdated.
  // `address` is the client's IP address as the server sees it. A sign-in
  // where the login signed in before (RateLimiter::Decision::priority) goes
  // ahead of others for a hashing slot, so a flood cannot keep its owner out.
  // An issued initial password signs in only with `new_password`, which then
  // replaces it (and ends the user's other sessions); without one the answer
  // is password_change_required and no session starts. Any user may send
  // `new_password` with her current password to change it as she signs in.
  AuthResult<SignInResult> sign_in(std::string_view login, std::string_view password,
                                   std::string_view address, TimePoint now,
                                   std::string_view new_password = {});

  // Ends the session (EndReason::kSignedOut); false if it was not live.
  bool sign_out(std::string_view token);

  // Changes the signed-in user's password after checking the current one
  // (rate-limited like a sign-in, from the session's address). The old
  // password stops working; the user's other sessions end (kRevoked), this
  // one stays.
  AuthResult<void> change_password(std::string_view token, std::string_view old_password,
                                   std::string_view new_password, TimePoint now);

  // Gives `user_id` the login and a fresh initial password, which is
  // returned once to be handed to the user; any earlier password and all of
  // the user's sessions end. Used both for first access and for resets.
  AuthResult<std::string> issue(std::string_view user_id, std::string_view login);

  // Revokes the user's access: removes their credentials, then ends all of
  // their sessions (reported through SessionManager::on_ended). Returns how
  // many sessions ended.
  AuthResult<size_t> revoke_access(std::string_view user_id);

 private:
  CredentialStore& credentials_;
  SessionManager& sessions_;
  RateLimiter& limiter_;
};

}  // namespace zhurnal::auth
