// Connection: what the request handler and the hub know of one client.
//
// Thread safety: every method may be called from any thread.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>

namespace zhurnal::server::internal {

class Connection {
 public:
  virtual ~Connection() = default;
  // Queues a text frame. Thread-safe; never blocks. A connection whose
  // queue is full is closed (a slow reader must not hold the server back).
  virtual void send(std::shared_ptr<const std::string> frame) = 0;
  // Closes with a reason (e.g. the session was revoked). Thread-safe.
  virtual void close(const std::string& reason) = 0;
  virtual uint64_t id() const = 0;
  virtual const std::string& address() const = 0;

  // The signed-in user ("" until signIn/authenticate) and session token.
  std::string user_id() const {
    std::lock_guard lock(identity_mu_);
    return user_id_;
  }
  std::string token() const {
    std::lock_guard lock(identity_mu_);
    return token_;
  }
  void set_identity(std::string user_id, std::string token) {
    std::lock_guard lock(identity_mu_);
    user_id_ = std::move(user_id);
    token_ = std::move(token);
  }

 private:
  mutable std::mutex identity_mu_;
  std::string user_id_;
  std::string token_;
};

}  // namespace zhurnal::server::internal
