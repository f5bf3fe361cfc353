// Password rules, the cost of the password hash, and initial passwords.
//
// Hashes are argon2id (libsodium crypto_pwhash_str_alg, ALG_ARGON2ID13), a
// memory-hard function: the cost below is per hash and per verification.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "zhurnal/auth/auth_error.hpp"

namespace zhurnal::auth {

struct HashParams {
  unsigned long long opslimit = 0;  // argon2id passes (t)
  size_t memlimit = 0;              // bytes of memory per hash (m)

  // Production: libsodium's INTERACTIVE argon2id cost, t=2 and m=64 MiB,
  // about 50-100 ms on one core of the school server. It is above the OWASP
  // minimum for argon2id (m=19 MiB, t=2) and, with CredentialStore's limit of
  // concurrent hashes, keeps a sign-in rush (a whole school at 8:00) within
  // 2 x 64 MiB of memory. Raise it, never lower it: old hashes keep working
  // and are re-hashed at the next sign-in (needs_rehash).
  static HashParams production();
  // The smallest cost libsodium accepts (t=1, m=8 KiB). Tests only.
  static HashParams fast_for_tests();
};

// Passwords are bytes (UTF-8 expected, not required). A new password has at
// least kMinPasswordChars characters (UTF-8 code points, so that four Cyrillic
// letters do not pass as eight) and at most kMaxPasswordBytes bytes.
inline constexpr size_t kMinPasswordChars = 8;
inline constexpr size_t kMaxPasswordBytes = 128;

// Checks a new password against the rules above; the error is
// invalid_password with a message for the user. Never logs the password.
std::optional<AuthError> check_new_password(std::string_view password);

// Characters of initial passwords: lower-case Latin letters and digits
// without look-alikes (no 0/o, 1/l/i), easy to read aloud and to type.
inline constexpr std::string_view kInitialPasswordAlphabet = "23456789abcdefghjkmnpqrstuvwxyz";
inline constexpr size_t kInitialPasswordLength = 10;  // 31^10: about 49.5 bits

// A fresh random initial password from kInitialPasswordAlphabet, drawn with
// randombytes_uniform (uniform, from the OS CSPRNG). Thread-safe.
std::string generate_initial_password(size_t length = kInitialPasswordLength);

}  // namespace zhurnal::auth
