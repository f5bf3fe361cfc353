#include "internal/argon2_hasher.hpp"

#include <sodium.h>

#include <algorithm>

#include "internal/sodium.hpp"

namespace zhurnal::auth::internal {

class Argon2Hasher::Slot {
 public:
  // bounded: give up (acquired() false) rather than wait past the limits.
  Slot(Argon2Hasher& h, bool bounded) : h_(h) {
    std::unique_lock lock(h_.mu_);
    auto free = [&] { return h_.running_ < h_.max_concurrent_; };
    if (!free()) {
      if (bounded) {
        if (h_.waiting_ >= h_.max_waiting_) return;
        ++h_.waiting_;
        const bool got = h_.cv_.wait_for(lock, h_.max_wait_, free);
        --h_.waiting_;
        if (!got) return;
      } else {
        h_.cv_.wait(lock, free);
      }
    }
    ++h_.running_;
    acquired_ = true;
    h_.operations_.fetch_add(1, std::memory_order_relaxed);
  }
  ~Slot() {
    if (!acquired_) return;
    {
      std::lock_guard lock(h_.mu_);
      --h_.running_;
    }
    h_.cv_.notify_one();
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
      max_wait_(max_wait) {
  ensure_sodium();
}

std::optional<std::string> Argon2Hasher::hash(std::string_view password) {
  char out[crypto_pwhash_STRBYTES];
  Slot slot(*this, false);
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), params_.opslimit,
                            params_.memlimit, crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return std::nullopt;
  }
  return std::string(out);  // NUL-terminated by libsodium
}

Argon2Hasher::Verdict Argon2Hasher::verify(std::string_view encoded, std::string_view password) {
  // crypto_pwhash_str_verify wants a NUL-terminated string of at most
  // crypto_pwhash_STRBYTES bytes; anything else is not ours.
  char str[crypto_pwhash_STRBYTES] = {};
  const bool fits = encoded.size() < sizeof(str);
  if (fits) std::copy(encoded.begin(), encoded.end(), str);
  Slot slot(*this, true);
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
