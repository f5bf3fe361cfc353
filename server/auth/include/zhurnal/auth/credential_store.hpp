// CredentialStore: logins and argon2id password hashes, kept in their own
// KvStore, never in the event log (see internal/credential_format.hpp for
// the key layout).
//
// Contracts:
// - Logins are ASCII [A-Za-z0-9._@-], at most 64 bytes, case-insensitive
//   (stored in lower case). A user has at most one login.
// - check() answers an unknown login, a malformed login and a wrong password
//   with the same error, after the same amount of work: an unknown login is
//   verified against a dummy hash made with the current parameters.
// - Passwords are never stored, logged or put into an error.
//
// Thread safety: all methods may be called from any thread. Writers
// (set_password, remove) are serialised; check() runs concurrently.
// set_password() and check() run argon2id (tens of milliseconds) and may wait
// for a hashing slot (Options::max_concurrent_hashes): call them off the
// network I/O threads.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "zhurnal/auth/auth_error.hpp"
#include "zhurnal/auth/password.hpp"
#include "zhurnal/events/kv_store.hpp"

namespace zhurnal::auth {

namespace internal {
class Argon2Hasher;
}

class CredentialStore {
 public:
  // Of a check(), for a hashing slot: kTrusted is for sign-ins the caller
  // vouches for (RateLimiter::Decision::priority: the login signed in from
  // that address before), so that a flood of untrusted sign-ins cannot keep
  // the account's owner out.
  enum class Priority { kNormal, kTrusted };

  struct Options {
    HashParams params = HashParams::production();
    // Hashes running at once; memory use is at most this x params.memlimit.
    size_t max_concurrent_hashes = 2;
    // check() callers that may wait for a hashing slot, and for how long;
    // past either bound check() answers `busy` at once. So a sign-in flood
    // holds at most max_concurrent_hashes + max_waiting_checks threads.
    // set_password() (issuing, password changes) always waits. Half of the
    // waiting places (rounded down) are kept for Priority::kTrusted checks,
    // which also take a freed slot before kNormal ones (docs/design.md,
    // "Abuse resistance"); the total stays max_waiting_checks.
    size_t max_waiting_checks = 4;
    std::chrono::milliseconds max_check_wait{2000};
  };

  // `store` must outlive the CredentialStore and is not shared with other
  // writers; open it with sync=true (an issued password must survive a
  // crash). Throws std::bad_alloc if the dummy hash cannot be made.
  CredentialStore(events::KvStore* store, Options options);
  ~CredentialStore();
  CredentialStore(const CredentialStore&) = delete;
  CredentialStore& operator=(const CredentialStore&) = delete;

  // Sets `user_id`'s login and password, replacing both; a previous login of
  // the same user stops working. Errors: invalid_login (bad login or user
  // id), invalid_password (check_new_password), login_taken (another user
  // has the login), internal (storage). `initial`: a password issued to the
  // user, to be replaced by her own at her first sign-in.
  AuthResult<void> set_password(std::string_view user_id, std::string_view login,
                                std::string_view password, bool initial = false);

  // The user id for a correct login and password. Errors: bad_credentials
  // (unknown or malformed login, wrong password, password over 128 bytes),
  // no_access (the login was revoked and the password is the one it had),
  // busy (no hashing slot within Options' bounds; nothing was checked),
  // internal (storage). `*initial` (when not null) says whether the password
  // is an issued initial one.
  AuthResult<std::string> check(std::string_view login, std::string_view password,
                                Priority priority = Priority::kNormal, bool* initial = nullptr);

  // Removes the user's login and hash (their access is revoked); false if the
  // user had none. Keeps the revoked login's record for no_access answers
  // until the login is issued again.
  AuthResult<bool> remove(std::string_view user_id);

  // The user's login, or nullopt if they have none (never issued or removed).
  AuthResult<std::optional<std::string>> login_of(std::string_view user_id);

  // True when the login's hash was made with other parameters than the
  // current ones; false for an unknown login. Re-hash with set_password()
  // while the plain password is at hand (after a successful sign-in).
  AuthResult<bool> needs_rehash(std::string_view login);

  // argon2id hashes and verifications run so far (dummy ones included).
  uint64_t hash_operations() const;

 private:
  events::KvStore* store_;
  std::unique_ptr<internal::Argon2Hasher> hasher_;
  std::string dummy_hash_;
  std::mutex write_mu_;  // serialises read-modify-write of the key space
};

}  // namespace zhurnal::auth
