#include "zhurnal/server/session_auth.hpp"

namespace zhurnal::server {
namespace {

AuthFailure failure(const auth::AuthError& e) {
  return {std::string(e.code_name()), e.message_ru,
          static_cast<uint32_t>(std::max<int64_t>(0, e.retry_after.count()))};
}

auth::TimePoint now() { return std::chrono::system_clock::now(); }

}  // namespace

std::expected<AuthSession, AuthFailure> SessionAuth::sign_in(const std::string& login,
                                                             const std::string& password,
                                                             const std::string& new_password,
                                                             const std::string& address) {
  auto r = authenticator_.sign_in(login, password, address, now(), new_password);
  if (!r) return std::unexpected(failure(r.error()));
  return AuthSession{r->token, r->user_id};
}

std::optional<std::string> SessionAuth::user_of(const std::string& token) {
  auto info = sessions_.validate(token, now());
  if (!info) return std::nullopt;
  return info->user_id;
}

void SessionAuth::sign_out(const std::string& token) { authenticator_.sign_out(token); }

std::expected<void, AuthFailure> SessionAuth::change_password(const std::string& token,
                                                              const std::string& old_password,
                                                              const std::string& new_password) {
  auto r = authenticator_.change_password(token, old_password, new_password, now());
  if (!r) return std::unexpected(failure(r.error()));
  return {};
}

std::expected<std::string, AuthFailure> SessionAuth::issue(const std::string& user_id,
                                                          const std::string& login) {
  auto r = authenticator_.issue(user_id, login);
  if (!r) return std::unexpected(failure(r.error()));
  return *r;
}

void SessionAuth::revoke(const std::string& user_id) {
  auto r = authenticator_.revoke_access(user_id);
  (void)r;  // nothing to undo: the journal already recorded the revocation
}

}  // namespace zhurnal::server
