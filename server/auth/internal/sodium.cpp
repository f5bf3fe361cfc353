#include "internal/sodium.hpp"

#include <sodium.h>

#include <stdexcept>
#include <vector>

namespace zhurnal::auth::internal {

void ensure_sodium() {
  // A function-local static is initialised exactly once, even under
  // concurrent first calls.
  static const bool ok = sodium_init() >= 0;
  if (!ok) throw std::runtime_error("libsodium failed to initialise");
}

std::string random_hex(size_t n) {
  ensure_sodium();
  std::vector<unsigned char> bytes(n);
  randombytes_buf(bytes.data(), bytes.size());
  std::string hex(2 * n + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), bytes.data(), bytes.size());
  hex.pop_back();  // the terminating NUL
  sodium_memzero(bytes.data(), bytes.size());
  return hex;
}

std::string sha256(std::string_view data) {
  ensure_sodium();
  std::string digest(crypto_hash_sha256_BYTES, '\0');
  crypto_hash_sha256(reinterpret_cast<unsigned char*>(digest.data()),
                     reinterpret_cast<const unsigned char*>(data.data()), data.size());
  return digest;
}

}  // namespace zhurnal::auth::internal
