// Keys of the sign-in rate limiter's tables.
#pragma once

#include <string>
#include <string_view>

namespace zhurnal::auth::internal {

// A login as the limiter counts it: ASCII lower case, at most 64 bytes, so
// "Ivanov" and "ivanov" share one counter and a huge login costs 64 bytes.
std::string limiter_login_key(std::string_view login);

// A client address as the limiter counts it: an IPv4 address as is (IPv4
// mapped IPv6 included); an IPv6 address by its /64 prefix, since one
// subscriber usually holds a whole /64; anything else as given, at most
// 64 bytes.
std::string limiter_address_key(std::string_view address);

}  // namespace zhurnal::auth::internal
