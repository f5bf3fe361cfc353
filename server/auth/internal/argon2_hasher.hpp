// Argon2Hasher: argon2id hashing and verification with a cap on how many run
// at once, so that a flood of sign-ins cannot take more than
// max_concurrent x memlimit bytes of memory (and max_concurrent cores).
// hash() callers beyond the cap wait. verify() callers beyond the cap wait
// only while fewer than `max_waiting` others wait, and at most `max_wait`;
// otherwise verify() answers kBusy at once: a sign-in flood then holds at
// most max_concurrent + max_waiting threads of the caller's pool.
//
// Priority (docs/design.md, "Abuse resistance"): a verify() of
// Priority::kHigh (the caller vouches for it: a sign-in from an address
// where the login signed in before) goes ahead of kNormal ones.
//   - Half of the waiting line, rounded down (`reserved_waiting_`), is kept
//     for kHigh: kNormal callers wait only while fewer than
//     max_waiting - reserved_waiting_ kNormal callers wait. kHigh callers
//     may take any free place of the line. The total stays max_waiting.
//   - A free slot goes to a waiting kHigh caller (or hash() caller) first:
//     kNormal callers take a slot only while none of those waits.
// So a flood of kNormal checks fills only its share of the line and never
// delays a kHigh check by more than the hashes running when it arrived (and
// the kHigh and hash() callers ahead of it). hash() callers (issuing
// passwords, password changes) count as kHigh for slots and always wait.
//
// Thread safety: all methods may be called from any thread. hash() and
// verify() block for the duration of the hash (tens of milliseconds in
// production): never call them on a network I/O thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <condition_variable>
#include <cstdint>
#include <limits>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "zhurnal/auth/password.hpp"

namespace zhurnal::auth::internal {

class Argon2Hasher {
 public:
  enum class Verdict { kMatch, kMismatch, kBusy };
  enum class Priority { kNormal, kHigh };

  Argon2Hasher(HashParams params, size_t max_concurrent, size_t max_waiting = std::numeric_limits<size_t>::max(),
               std::chrono::milliseconds max_wait = std::chrono::hours(1));

  // The encoded hash ("$argon2id$v=19$m=...,t=...,p=1$salt$hash"), or nullopt
  // when libsodium cannot allocate the memory.
  std::optional<std::string> hash(std::string_view password);
  // Constant-time verification of `password` against an encoded hash. A
  // malformed hash verifies as kMismatch. kBusy: no slot within the bounds
  // above (for `priority`); nothing was computed.
  Verdict verify(std::string_view encoded, std::string_view password,
                 Priority priority = Priority::kNormal);
  // True when `encoded` was made with other parameters than ours (or is not
  // an argon2id hash): re-hash it at the next successful sign-in.
  bool needs_rehash(std::string_view encoded) const;

  // Hashes and verifications run so far; for tests and metrics.
  uint64_t operations() const { return operations_.load(std::memory_order_relaxed); }

 private:
  class Slot;  // RAII: one of max_concurrent_ running hashes
  enum class Kind { kNormalCheck, kHighCheck, kHash };

  const HashParams params_;
  const size_t max_concurrent_;
  const size_t max_waiting_;
  const size_t reserved_waiting_;  // max_waiting_ / 2: places only kHigh may take
  const std::chrono::milliseconds max_wait_;
  std::mutex mu_;
  // Waiters of both priorities share it; a freed slot wakes all of them (at
  // most max_waiting_ plus hash() callers) so that the first in priority
  // takes it.
  std::condition_variable cv_;
  size_t running_ = 0;         // guarded by mu_
  size_t waiting_normal_ = 0;  // kNormal verify() callers waiting; mu_
  size_t waiting_high_ = 0;    // kHigh verify() callers waiting; mu_
  size_t waiting_hash_ = 0;    // hash() callers waiting (unbounded); mu_
  std::atomic<uint64_t> operations_{0};
};

}  // namespace zhurnal::auth::internal
