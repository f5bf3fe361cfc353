#include "internal/credential_format.hpp"

namespace zhurnal::auth::internal {

std::optional<std::string> normalize_login(std::string_view login) {
  if (login.empty() || login.size() > kMaxLoginBytes) return std::nullopt;
  std::string out(login);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
                    c == '-' || c == '@';
    if (!ok) return std::nullopt;
  }
  return out;
}

bool valid_user_id(std::string_view user_id) {
  if (user_id.empty() || user_id.size() > kMaxUserIdBytes) return false;
  for (unsigned char c : user_id) {
    if (c < 0x20 || c == 0x7F) return false;
  }
  return true;
}

std::string login_key(std::string_view normalized_login) {
  return "login/" + std::string(normalized_login);
}
std::string user_key(std::string_view user_id) { return "user/" + std::string(user_id); }
std::string revoked_key(std::string_view normalized_login) {
  return "revoked/" + std::string(normalized_login);
}

std::string encode_record(const CredentialRecord& record) {
  return (record.initial ? "2\n" : "1\n") + record.user_id + "\n" + record.hash;
}

std::optional<CredentialRecord> decode_record(std::string_view bytes) {
  const bool initial = bytes.starts_with("2\n");
  if (!initial && !bytes.starts_with("1\n")) return std::nullopt;
  bytes.remove_prefix(2);
  const size_t nl = bytes.find('\n');
  if (nl == std::string_view::npos || nl == 0 || nl + 1 == bytes.size()) return std::nullopt;
  return CredentialRecord{std::string(bytes.substr(0, nl)), std::string(bytes.substr(nl + 1)),
                          initial};
}

}  // namespace zhurnal::auth::internal
