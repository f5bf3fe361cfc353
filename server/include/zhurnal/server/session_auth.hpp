// SessionAuth: the server's AuthPort over the credential store, sessions and
// rate limits of zhurnal_auth. Uses the system clock.
//
// Thread safety: as Authenticator and SessionManager (any thread).
#pragma once

#include "zhurnal/auth/authenticator.hpp"
#include "zhurnal/server/context.hpp"

namespace zhurnal::server {

class SessionAuth final : public AuthPort {
 public:
  // Both must outlive this object.
  SessionAuth(auth::Authenticator& authenticator, auth::SessionManager& sessions)
      : authenticator_(authenticator), sessions_(sessions) {}

  std::expected<AuthSession, AuthFailure> sign_in(const std::string& login,
                                                  const std::string& password,
                                                  const std::string& new_password,
                                                  const std::string& address) override;
  std::optional<std::string> user_of(const std::string& token) override;
  void sign_out(const std::string& token) override;
  std::expected<void, AuthFailure> change_password(const std::string& token,
                                                   const std::string& old_password,
                                                   const std::string& new_password) override;
  std::expected<std::string, AuthFailure> issue(const std::string& user_id,
                                                const std::string& login) override;
  void revoke(const std::string& user_id) override;

 private:
  auth::Authenticator& authenticator_;
  auth::SessionManager& sessions_;
};

}  // namespace zhurnal::server
