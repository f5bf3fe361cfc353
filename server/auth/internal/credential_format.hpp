// The credential store's key layout, in its own KvStore (data/credentials),
// apart from the event log: the log records that access was issued or
// revoked and by whom, never a password or a hash.
//
//   "login/<login>"   -> record: the login's current owner and password hash
//   "user/<user_id>"  -> "<login>"  (each user has at most one login)
//   "revoked/<login>" -> record of a login whose access was revoked: kept so
//                        that the right password can be answered with
//                        "no_access" instead of "bad_credentials"; removed
//                        when the login is issued again
//
// record = "<kind>\n<user_id>\n<argon2id encoded hash>"; kind "1" is a
// password the user chose (or set by the operator), "2" an initial password
// issued by the school, which signs in only together with a new password
// of the user's own. <login> is normalised (ASCII lower case). Keys and records are
// written in one KvBatch per change.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace zhurnal::auth::internal {

inline constexpr size_t kMaxLoginBytes = 64;
inline constexpr size_t kMaxUserIdBytes = 128;

// The login in canonical form (ASCII lower case), or nullopt when it is empty,
// longer than kMaxLoginBytes or has characters outside [A-Za-z0-9._@-].
std::optional<std::string> normalize_login(std::string_view login);
// A user id is 1..kMaxUserIdBytes bytes without control characters.
bool valid_user_id(std::string_view user_id);

std::string login_key(std::string_view normalized_login);
std::string user_key(std::string_view user_id);
std::string revoked_key(std::string_view normalized_login);

struct CredentialRecord {
  std::string user_id;
  std::string hash;      // argon2id encoded string
  bool initial = false;  // an issued initial password (kind "2")
};

std::string encode_record(const CredentialRecord& record);
// nullopt when the bytes are not a record of kind "1" or "2".
std::optional<CredentialRecord> decode_record(std::string_view bytes);

}  // namespace zhurnal::auth::internal
