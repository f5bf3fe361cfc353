#include "zhurnal/auth/session_manager.hpp"

#include <algorithm>
#include <utility>

#include "internal/sodium.hpp"

namespace zhurnal::auth {
namespace {

constexpr size_t kTokenBytes = 32;
constexpr size_t kTokenHexChars = 2 * kTokenBytes;

}  // namespace

SessionManager::SessionManager(Options options) : options_(options) { internal::ensure_sodium(); }

void SessionManager::on_ended(EndedFn fn) {
  std::lock_guard lock(callback_mu_);
  on_ended_ = std::move(fn);
}

bool SessionManager::expired(const Entry& e, TimePoint now) const {
  return now - e.info.last_seen >= options_.idle_timeout ||
         now - e.info.created >= options_.absolute_timeout;
}

void SessionManager::erase_locked(const std::string& digest, EndReason reason,
                                  std::vector<Ended>& ended) {
  auto it = sessions_.find(digest);
  if (it == sessions_.end()) return;
  auto user = by_user_.find(it->second.info.user_id);
  if (user != by_user_.end()) {
    std::erase(user->second, digest);
    if (user->second.empty()) by_user_.erase(user);
  }
  ended.push_back({std::move(it->second.token), reason});
  sessions_.erase(it);
}

void SessionManager::make_room_locked(const std::string& user_id, TimePoint now,
                                      std::vector<Ended>& ended) {
  auto user = by_user_.find(user_id);
  if (user != by_user_.end() && user->second.size() >= options_.max_sessions_per_user) {
    const std::string* oldest = nullptr;
    for (const auto& d : user->second) {
      if (!oldest || sessions_.at(d).info.last_seen < sessions_.at(*oldest).info.last_seen) {
        oldest = &d;
      }
    }
    const std::string digest = *oldest;  // copy: erase_locked changes the vector
    erase_locked(digest, EndReason::kEvicted, ended);
  }
  if (sessions_.size() < options_.max_sessions) return;
  // Full: a linear pass, only when the cap is reached.
  std::vector<std::string> stale;
  const std::string* oldest = nullptr;
  TimePoint oldest_seen = TimePoint::max();
  for (const auto& [digest, entry] : sessions_) {
    if (expired(entry, now)) stale.push_back(digest);
    if (entry.info.last_seen < oldest_seen) {
      oldest_seen = entry.info.last_seen;
      oldest = &digest;
    }
  }
  if (stale.empty() && oldest) {
    const std::string digest = *oldest;
    erase_locked(digest, EndReason::kEvicted, ended);
  }
  for (const auto& d : stale) erase_locked(d, EndReason::kExpired, ended);
}

std::string SessionManager::create(std::string_view user_id, std::string_view address,
                                   TimePoint now) {
  std::string token = internal::random_hex(kTokenBytes);
  std::string digest = internal::sha256(token);
  std::vector<Ended> ended;
  {
    std::lock_guard lock(mu_);
    make_room_locked(std::string(user_id), now, ended);
    by_user_[std::string(user_id)].push_back(digest);
    sessions_.emplace(std::move(digest), Entry{token, SessionInfo{std::string(user_id), now, now,
                                                                  std::string(address)}});
  }
  notify(ended);
  return token;
}

std::optional<SessionInfo> SessionManager::validate(std::string_view token, TimePoint now) {
  if (token.size() != kTokenHexChars) return std::nullopt;
  const std::string digest = internal::sha256(token);
  std::vector<Ended> ended;
  std::optional<SessionInfo> info;
  {
    std::lock_guard lock(mu_);
    auto it = sessions_.find(digest);
    if (it == sessions_.end()) return std::nullopt;
    if (expired(it->second, now)) {
      erase_locked(digest, EndReason::kExpired, ended);
    } else {
      it->second.info.last_seen = std::max(it->second.info.last_seen, now);
      info = it->second.info;
    }
  }
  notify(ended);
  return info;
}

bool SessionManager::revoke(std::string_view token, EndReason reason) {
  if (token.size() != kTokenHexChars) return false;
  const std::string digest = internal::sha256(token);
  std::vector<Ended> ended;
  {
    std::lock_guard lock(mu_);
    erase_locked(digest, reason, ended);
  }
  notify(ended);
  return !ended.empty();
}

size_t SessionManager::revoke_user(std::string_view user_id, std::string_view keep_token) {
  const std::string keep = keep_token.empty() ? std::string() : internal::sha256(keep_token);
  std::vector<Ended> ended;
  {
    std::lock_guard lock(mu_);
    auto user = by_user_.find(std::string(user_id));
    if (user == by_user_.end()) return 0;
    const std::vector<std::string> digests = user->second;  // erase_locked edits the original
    for (const auto& d : digests) {
      if (d != keep) erase_locked(d, EndReason::kRevoked, ended);
    }
  }
  notify(ended);
  return ended.size();
}

size_t SessionManager::sweep(TimePoint now) {
  std::vector<Ended> ended;
  {
    std::lock_guard lock(mu_);
    std::vector<std::string> stale;
    for (const auto& [digest, entry] : sessions_) {
      if (expired(entry, now)) stale.push_back(digest);
    }
    for (const auto& d : stale) erase_locked(d, EndReason::kExpired, ended);
  }
  notify(ended);
  return ended.size();
}

size_t SessionManager::size() const {
  std::lock_guard lock(mu_);
  return sessions_.size();
}

void SessionManager::notify(const std::vector<Ended>& ended) {
  if (ended.empty()) return;
  EndedFn fn;
  {
    std::lock_guard lock(callback_mu_);
    fn = on_ended_;
  }
  if (!fn) return;
  for (const auto& e : ended) fn(e.token, e.reason);
}

}  // namespace zhurnal::auth
