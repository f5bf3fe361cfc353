#include "internal/limiter_keys.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <array>
#include <cstdio>

namespace zhurnal::auth::internal {
namespace {
constexpr size_t kMaxKeyBytes = 64;
}  // namespace

std::string limiter_login_key(std::string_view login) {
  std::string key(login.substr(0, kMaxKeyBytes));
  for (char& c : key) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return key;
}

std::string limiter_address_key(std::string_view address) {
  std::string text(address.substr(0, kMaxKeyBytes));
  in6_addr a6{};
  if (text.find(':') == std::string::npos || inet_pton(AF_INET6, text.c_str(), &a6) != 1) {
    return text;
  }
  const unsigned char* b = a6.s6_addr;
  std::array<char, 48> buf{};
  if (IN6_IS_ADDR_V4MAPPED(&a6)) {
    std::snprintf(buf.data(), buf.size(), "%u.%u.%u.%u", b[12], b[13], b[14], b[15]);
  } else {
    std::snprintf(buf.data(), buf.size(), "%02x%02x:%02x%02x:%02x%02x:%02x%02x::/64", b[0], b[1],
                  b[2], b[3], b[4], b[5], b[6], b[7]);
  }
  return buf.data();
}

}  // namespace zhurnal::auth::internal
