// SessionManager: signed-in sessions, in memory (a restart signs everyone
// out). A session is named by a bearer token of 32 random bytes in hex; the
// manager keeps only the token's SHA-256 as the lookup key, so lookups never
// compare secret bytes.
//
// A session ends when it is idle for Options::idle_timeout, when it is
// older than Options::absolute_timeout, when it is signed out or revoked, or
// when it is evicted to keep memory bounded. Every end is reported to the
// on_ended callback so that the server can close the session's sockets.
//
// Thread safety: all methods may be called from any thread. The callback is
// called on the thread whose call ended the session, after the manager's
// lock is released (so it may call back into the manager), possibly from
// several threads at once.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "zhurnal/auth/clock.hpp"

namespace zhurnal::auth {

struct SessionInfo {
  std::string user_id;
  TimePoint created;    // UTC
  TimePoint last_seen;  // UTC, moved forward by validate()
  std::string address;  // client address at sign-in, as given by the server
};

enum class EndReason : uint8_t {
  kSignedOut = 1,  // the user signed out
  kRevoked = 2,    // revoke()/revoke_user(): access revoked, password changed or reset
  kExpired = 3,    // idle or absolute timeout
  kEvicted = 4,    // too many sessions (per user or in total); the oldest ended
};

class SessionManager {
 public:
  struct Options {
    std::chrono::seconds idle_timeout = std::chrono::minutes(30);
    std::chrono::seconds absolute_timeout = std::chrono::hours(12);
    size_t max_sessions_per_user = 16;  // phones, school PCs, home computer
    size_t max_sessions = 100'000;
  };
  // Called once per ended session with its token.
  using EndedFn = std::function<void(const std::string& token, EndReason reason)>;

  SessionManager() : SessionManager(Options()) {}
  explicit SessionManager(Options options);

  // Replaces the callback (empty: none). Takes effect for ends that happen
  // after it returns.
  void on_ended(EndedFn fn);

  // Starts a session and returns its token (64 lower-case hex characters).
  // Evicts the user's least recently seen session past
  // max_sessions_per_user, and past max_sessions first drops expired
  // sessions, then the least recently seen one.
  std::string create(std::string_view user_id, std::string_view address, TimePoint now);

  // The session's info if the token names a live session at `now`, marking
  // it seen at `now` (which restarts the idle timeout). An expired session
  // is ended (kExpired) and yields nullopt, as does an unknown token.
  std::optional<SessionInfo> validate(std::string_view token, TimePoint now);

  // Ends one session; false if the token named none.
  bool revoke(std::string_view token, EndReason reason = EndReason::kRevoked);
  // Ends all of a user's sessions except `keep_token` (if given) and returns
  // how many ended.
  size_t revoke_user(std::string_view user_id, std::string_view keep_token = {});
  // Ends every session expired at `now` and returns how many; the server
  // calls it periodically (say every minute) so that expired sessions'
  // sockets close without waiting for their next request.
  size_t sweep(TimePoint now);

  size_t size() const;

 private:
  struct Entry {
    std::string token;
    SessionInfo info;
  };
  struct Ended {
    std::string token;
    EndReason reason;
  };

  bool expired(const Entry& e, TimePoint now) const;
  // Removes the entry with this digest from both maps; mu_ held.
  void erase_locked(const std::string& digest, EndReason reason, std::vector<Ended>& ended);
  // Makes room for one more session of `user_id`; mu_ held.
  void make_room_locked(const std::string& user_id, TimePoint now, std::vector<Ended>& ended);
  void notify(const std::vector<Ended>& ended);

  const Options options_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Entry> sessions_;  // SHA-256(token) -> entry; mu_
  std::unordered_map<std::string, std::vector<std::string>> by_user_;  // user -> digests; mu_
  std::mutex callback_mu_;
  EndedFn on_ended_;  // callback_mu_
};

}  // namespace zhurnal::auth
