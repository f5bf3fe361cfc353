#include "zhurnal/auth/password.hpp"

#include <sodium.h>

#include <cstdint>

#include "internal/sodium.hpp"

namespace zhurnal::auth {

HashParams HashParams::production() {
  return {crypto_pwhash_argon2id_OPSLIMIT_INTERACTIVE, crypto_pwhash_argon2id_MEMLIMIT_INTERACTIVE};
}

HashParams HashParams::fast_for_tests() {
  return {crypto_pwhash_argon2id_OPSLIMIT_MIN, crypto_pwhash_argon2id_MEMLIMIT_MIN};
}

std::optional<AuthError> check_new_password(std::string_view password) {
  if (password.size() > kMaxPasswordBytes) {
    return invalid_password("Пароль слишком длинный: не более 128 латинских или 64 русских букв.");
  }
  size_t chars = 0;
  for (unsigned char c : password) {
    if ((c & 0xC0) != 0x80) ++chars;  // not a UTF-8 continuation byte
  }
  if (chars < kMinPasswordChars) {
    return invalid_password("Пароль должен содержать не менее 8 символов.");
  }
  return std::nullopt;
}

std::string generate_initial_password(size_t length) {
  internal::ensure_sodium();
  std::string password(length, '\0');
  for (char& c : password) {
    c = kInitialPasswordAlphabet[randombytes_uniform(
        static_cast<uint32_t>(kInitialPasswordAlphabet.size()))];
  }
  return password;
}

}  // namespace zhurnal::auth
