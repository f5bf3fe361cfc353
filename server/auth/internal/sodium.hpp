// libsodium helpers shared by the auth components.
#pragma once

#include <string>
#include <string_view>

namespace zhurnal::auth::internal {

// Initialises libsodium once per process; thread-safe, cheap after the first
// call. Throws std::runtime_error if libsodium cannot start (an
// infrastructure fault, not a user error).
void ensure_sodium();

// `n` random bytes from the OS CSPRNG, as lower-case hex (2n characters).
std::string random_hex(size_t n);

// SHA-256 of `data`, 32 raw bytes.
std::string sha256(std::string_view data);

}  // namespace zhurnal::auth::internal
