// AuthError: a rejected sign-in or credential change is a value with a stable
// code (snake_case, sent to clients), a Russian message for the user and a
// detail for logs. Messages and details never contain passwords, password
// hashes or session tokens.
#pragma once

#include <chrono>
#include <cstdint>
#include <expected>
#include <string>
#include <string_view>

namespace zhurnal::auth {

// Numbers and names are stable: never renumber or rename.
enum class AuthCode : uint8_t {
  kBadCredentials = 1,   // "bad_credentials": unknown login or wrong password, indistinguishable
  kRateLimited = 2,      // "rate_limited": too many failed attempts; see retry_after
  kNoAccess = 3,         // "no_access": the user's access was revoked
  kSessionExpired = 4,   // "session_expired": the session is unknown, expired or ended
  kInvalidPassword = 5,  // "invalid_password": a new password breaks the length rules
  kInvalidLogin = 6,     // "invalid_login": a login or user id has a bad format
  kLoginTaken = 7,       // "login_taken": the login belongs to another user
  kInternal = 8,         // "internal": storage or crypto failure; see detail
  kBusy = 9,  // "busy": too many sign-ins at once (hashing slots, one address); see retry_after
  kPasswordChangeRequired = 10,  // "password_change_required": an issued initial password
                                 // signs in only with a new password of the user's own
};

// Stable lower-case name of a code, e.g. "bad_credentials".
std::string_view auth_code_name(AuthCode code);

struct AuthError {
  AuthCode code = AuthCode::kInternal;
  std::string message_ru;               // shown to the user as is
  std::chrono::seconds retry_after{0};  // kRateLimited and kBusy only: when to try again
  std::string detail;                   // for logs, English; may be empty

  std::string_view code_name() const { return auth_code_name(code); }
};

template <typename T>
using AuthResult = std::expected<T, AuthError>;

// Errors with their standard user messages.
AuthError bad_credentials();  // «Неверный логин или пароль.»
// «Слишком много попыток входа. Повторите через N мин.» (N rounded up, >= 1).
AuthError rate_limited(std::chrono::seconds retry_after);
AuthError no_access();
AuthError session_expired();
AuthError invalid_password(std::string message_ru);
AuthError invalid_login(std::string detail);
AuthError login_taken();
// «Это временный пароль, выданный школой. Придумайте свой пароль, чтобы войти.»
AuthError password_change_required();
AuthError internal_error(std::string detail);
// «Сервер занят проверкой паролей. Повторите через N с.» (N >= 1): every
// password hashing slot is taken and the wait would be too long.
AuthError busy(std::chrono::seconds retry_after);
// «Слишком много одновременных попыток входа с вашего адреса. Повторите через
// N с.»: the client's address has too many sign-ins in progress.
AuthError busy_address(std::chrono::seconds retry_after);

}  // namespace zhurnal::auth
