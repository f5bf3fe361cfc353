#include "zhurnal/auth/authenticator.hpp"

#include "zhurnal/auth/password.hpp"

namespace zhurnal::auth {
namespace {

// A login signing in again where it signed in before goes ahead of the
// others for a hashing slot: a flood of guesses from elsewhere (untrusted by
// construction: a trusted pair needs the right password) fills only the
// untrusted share of the waiting line.
CredentialStore::Priority priority_of(const RateLimiter::Decision& d) {
  return d.priority ? CredentialStore::Priority::kTrusted : CredentialStore::Priority::kNormal;
}

}  // namespace

Authenticator::Authenticator(CredentialStore& credentials, SessionManager& sessions,
                             RateLimiter& limiter)
    : credentials_(credentials), sessions_(sessions), limiter_(limiter) {}

AuthResult<SignInResult> Authenticator::sign_in(std::string_view login, std::string_view password,
                                                std::string_view address, TimePoint now,
                                                std::string_view new_password) {
  const RateLimiter::Decision d = limiter_.acquire(login, address, now);
  if (!d.allowed) {
    return std::unexpected(d.busy ? busy_address(d.retry_after) : rate_limited(d.retry_after));
  }

  bool initial = false;
  auto user_id = credentials_.check(login, password, priority_of(d), &initial);
  if (!user_id) {
    // A storage fault or no hashing slot: the password was not checked.
    if (user_id.error().code == AuthCode::kInternal || user_id.error().code == AuthCode::kBusy) {
      limiter_.abandon(login, address);
    } else {
      limiter_.record_failure(login, address, now);
    }
    return std::unexpected(std::move(user_id.error()));
  }
  limiter_.record_success(login, address, now);

  if (initial || !new_password.empty()) {
    // The school's initial password opens the journal only once: for the
    // user to set her own.
    if (new_password.empty()) return std::unexpected(password_change_required());
    if (auto e = check_new_password(new_password)) return std::unexpected(std::move(*e));
    if (new_password == password) {
      return std::unexpected(invalid_password("Новый пароль должен отличаться от прежнего."));
    }
    if (auto set = credentials_.set_password(*user_id, login, new_password); !set) {
      return std::unexpected(std::move(set.error()));
    }
    sessions_.revoke_user(*user_id);
  } else if (auto stale = credentials_.needs_rehash(login); stale && *stale) {
    // Best effort: a failed re-hash leaves the old, still valid hash.
    (void)credentials_.set_password(*user_id, login, password);
  }

  std::string token = sessions_.create(*user_id, address, now);
  // revoke_access() removes credentials before ending sessions: if it ran
  // between check() and create(), the session made here is ended here.
  auto still = credentials_.login_of(*user_id);
  if (!still || !*still) {
    sessions_.revoke(token);
    if (!still) return std::unexpected(std::move(still.error()));
    return std::unexpected(no_access());
  }
  return SignInResult{std::move(token), std::move(*user_id)};
}

bool Authenticator::sign_out(std::string_view token) {
  return sessions_.revoke(token, EndReason::kSignedOut);
}

AuthResult<void> Authenticator::change_password(std::string_view token,
                                                std::string_view old_password,
                                                std::string_view new_password, TimePoint now) {
  auto session = sessions_.validate(token, now);
  if (!session) return std::unexpected(session_expired());
  if (auto e = check_new_password(new_password)) return std::unexpected(std::move(*e));
  auto login = credentials_.login_of(session->user_id);
  if (!login) return std::unexpected(std::move(login.error()));
  if (!*login) {
    sessions_.revoke_user(session->user_id);  // access was revoked: no session may live on
    return std::unexpected(no_access());
  }

  const RateLimiter::Decision d = limiter_.acquire(**login, session->address, now);
  if (!d.allowed) {
    return std::unexpected(d.busy ? busy_address(d.retry_after) : rate_limited(d.retry_after));
  }
  auto user_id = credentials_.check(**login, old_password, priority_of(d));
  if (!user_id) {
    if (user_id.error().code == AuthCode::kInternal || user_id.error().code == AuthCode::kBusy) {
      limiter_.abandon(**login, session->address);
      return std::unexpected(std::move(user_id.error()));
    }
    limiter_.record_failure(**login, session->address, now);
    AuthError e = bad_credentials();
    e.message_ru = "Неверный текущий пароль.";
    return std::unexpected(std::move(e));
  }
  limiter_.record_success(**login, session->address, now);
  if (*user_id != session->user_id) return std::unexpected(no_access());

  if (auto set = credentials_.set_password(session->user_id, **login, new_password); !set) {
    return std::unexpected(std::move(set.error()));
  }
  sessions_.revoke_user(session->user_id, token);
  return {};
}

AuthResult<std::string> Authenticator::issue(std::string_view user_id, std::string_view login) {
  std::string password = generate_initial_password();
  if (auto set = credentials_.set_password(user_id, login, password, /*initial=*/true); !set) {
    return std::unexpected(std::move(set.error()));
  }
  sessions_.revoke_user(user_id);
  return password;
}

AuthResult<size_t> Authenticator::revoke_access(std::string_view user_id) {
  auto removed = credentials_.remove(user_id);
  // End the sessions even if the store failed: that part cannot fail.
  const size_t ended = sessions_.revoke_user(user_id);
  if (!removed) return std::unexpected(std::move(removed.error()));
  return ended;
}

}  // namespace zhurnal::auth
