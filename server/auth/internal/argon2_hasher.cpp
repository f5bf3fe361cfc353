#include "internal/argon2_hasher.hpp"

#include <sodium.h>

#include <algorithm>

#include "internal/sodium.hpp"

namespace zhurnal::auth::internal {

class Argon2Hasher::Slot {
 public:
  // A check (kNormalCheck, kHighCheck) gives up (acquired() false) rather
  // than wait past the limits; kHash always waits.
  Slot(Argon2Hasher& h, Kind kind) : h_(h) {
    std::unique_lock lock(h_.mu_);
    auto free = [&] { return h_.running_ < h_.max_concurrent_; };
    // kNormal yields every free slot to the waiting kHigh and hash() callers.
    auto may_take = [&] {
      return free() && (kind != Kind::kNormalCheck || h_.waiting_high_ + h_.waiting_hash_ == 0);
    };
    if (!may_take()) {
      const size_t waiting_checks = h_.waiting_normal_ + h_.waiting_high_;
      switch (kind) {
        case Kind::kHash:
          ++h_.waiting_hash_;
          h_.cv_.wait(lock, may_take);
          --h_.waiting_hash_;
          break;
        case Kind::kHighCheck: {
          if (waiting_checks >= h_.max_waiting_) return;
          ++h_.waiting_high_;
          const bool got = h_.cv_.wait_for(lock, h_.max_wait_, may_take);
          --h_.waiting_high_;
          if (!got) return;
          break;
        }
        case Kind::kNormalCheck: {
          if (waiting_checks >= h_.max_waiting_ ||
              h_.waiting_normal_ >= h_.max_waiting_ - h_.reserved_waiting_) {
            return;
          }
          ++h_.waiting_normal_;
          const bool got = h_.cv_.wait_for(lock, h_.max_wait_, may_take);
          --h_.waiting_normal_;
          if (!got) return;
          break;
        }
      }
    }
    ++h_.running_;
    acquired_ = true;
    h_.operations_.fetch_add(1, std::memory_order_relaxed);
    // kNormal waiters that were woken while a kHigh one still waited went
    // back to sleep: if that was the last kHigh one and a slot is still
    // free, they may take it now.
    if (kind != Kind::kNormalCheck && h_.waiting_normal_ > 0 && free() &&
        h_.waiting_high_ + h_.waiting_hash_ == 0) {
      h_.cv_.notify_all();
    }
  }
  ~Slot() {
    if (!acquired_) return;
    {
      std::lock_guard lock(h_.mu_);
      --h_.running_;
    }
    // All waiters recheck; the first in priority takes the slot.
    h_.cv_.notify_all();
  }
  Slot(const Slot&) = delete;
  Slot& operator=(const Slot&) = delete;
  bool acquired() const { return acquired_; }

 private:
  Argon2Hasher& h_;
  bool acquired_ = false;
};

Argon2Hasher::Argon2Hasher(HashParams params, size_t max_concurrent, size_t max_waiting,
                           std::chrono::milliseconds max_wait)
    : params_(params),
      max_concurrent_(std::max<size_t>(1, max_concurrent)),
      max_waiting_(max_waiting),
      reserved_waiting_(max_waiting / 2),
      max_wait_(max_wait) {
  ensure_sodium();
}

std::optional<std::string> Argon2Hasher::hash(std::string_view password) {
  char out[crypto_pwhash_STRBYTES];
  Slot slot(*this, Kind::kHash);
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), params_.opslimit,
                            params_.memlimit, crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return std::nullopt;
  }
  return std::string(out);  // NUL-terminated by libsodium
}

Argon2Hasher::Verdict Argon2Hasher::verify(std::string_view encoded, std::string_view password,
                                           Priority priority) {
  // crypto_pwhash_str_verify wants a NUL-terminated string of at most
  // crypto_pwhash_STRBYTES bytes; anything else is not ours.
  char str[crypto_pwhash_STRBYTES] = {};
  const bool fits = encoded.size() < sizeof(str);
  if (fits) std::copy(encoded.begin(), encoded.end(), str);
  Slot slot(*this, priority == Priority::kHigh ? Kind::kHighCheck : Kind::kNormalCheck);
  if (!slot.acquired()) return Verdict::kBusy;
  const bool match = fits && crypto_pwhash_str_verify(str, password.data(), password.size()) == 0;
  return match ? Verdict::kMatch : Verdict::kMismatch;
}

bool Argon2Hasher::needs_rehash(std::string_view encoded) const {
  char str[crypto_pwhash_STRBYTES] = {};
  if (encoded.size() >= sizeof(str)) return true;
  std::copy(encoded.begin(), encoded.end(), str);
  // 0: same parameters; 1: other parameters; -1: not an argon2id string.
  return crypto_pwhash_argon2id_str_needs_rehash(str, params_.opslimit, params_.memlimit) != 0;
}

}  // namespace zhurnal::auth::internal
