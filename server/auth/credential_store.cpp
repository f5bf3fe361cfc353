#include "zhurnal/auth/credential_store.hpp"

#include <new>

#include "internal/argon2_hasher.hpp"
#include "internal/credential_format.hpp"
#include "internal/sodium.hpp"

namespace zhurnal::auth {
namespace {

using internal::CredentialRecord;

AuthError storage_error(const events::Status& s) {
  return internal_error("credential store: " + s.to_string());
}

// Reads and decodes a record; nullopt when absent. A record that does not
// decode is corruption: reported, never treated as "absent".
AuthResult<std::optional<CredentialRecord>> read_record(events::KvStore& store,
                                                        const std::string& key) {
  auto bytes = store.get(key);
  if (!bytes) return std::unexpected(storage_error(bytes.error()));
  if (!*bytes) return std::optional<CredentialRecord>();
  auto record = internal::decode_record(**bytes);
  if (!record) return std::unexpected(internal_error("credential store: corrupt record"));
  return std::optional<CredentialRecord>(std::move(*record));
}

}  // namespace

CredentialStore::CredentialStore(events::KvStore* store, Options options)
    : store_(store),
      hasher_(std::make_unique<internal::Argon2Hasher>(options.params, options.max_concurrent_hashes,
                                                       options.max_waiting_checks,
                                                       options.max_check_wait)) {
  // Same parameters as real hashes, so that verifying against it costs the
  // same; its password is random and thrown away.
  auto dummy = hasher_->hash(internal::random_hex(16));
  if (!dummy) throw std::bad_alloc();
  dummy_hash_ = std::move(*dummy);
}

CredentialStore::~CredentialStore() = default;

AuthResult<void> CredentialStore::set_password(std::string_view user_id, std::string_view login,
                                               std::string_view password, bool initial) {
  auto norm = internal::normalize_login(login);
  if (!norm) return std::unexpected(invalid_login("malformed login"));
  if (!internal::valid_user_id(user_id)) return std::unexpected(invalid_login("malformed user id"));
  if (auto e = check_new_password(password)) return std::unexpected(std::move(*e));

  auto hash = hasher_->hash(password);  // slow: outside the write lock
  if (!hash) return std::unexpected(internal_error("argon2id: out of memory"));

  std::lock_guard lock(write_mu_);
  auto owner = read_record(*store_, internal::login_key(*norm));
  if (!owner) return std::unexpected(owner.error());
  if (*owner && (*owner)->user_id != user_id) return std::unexpected(login_taken());
  auto old_login = store_->get(internal::user_key(user_id));
  if (!old_login) return std::unexpected(storage_error(old_login.error()));

  events::KvBatch batch;
  if (*old_login && **old_login != *norm) batch.erase(internal::login_key(**old_login));
  batch.put(internal::login_key(*norm),
            internal::encode_record({std::string(user_id), std::move(*hash), initial}));
  batch.put(internal::user_key(user_id), *norm);
  batch.erase(internal::revoked_key(*norm));
  if (auto s = store_->write(batch); !s.is_ok()) return std::unexpected(storage_error(s));
  return {};
}

AuthResult<std::string> CredentialStore::check(std::string_view login, std::string_view password,
                                               Priority priority, bool* initial) {
  using Verdict = internal::Argon2Hasher::Verdict;
  const auto lane = priority == Priority::kTrusted ? internal::Argon2Hasher::Priority::kHigh
                                                   : internal::Argon2Hasher::Priority::kNormal;
  // Waited for a slot too long: the same answer whatever the login, so busy
  // says nothing about whether the login exists.
  auto busy_error = [] { return busy(std::chrono::seconds(1)); };
  auto norm = internal::normalize_login(login);
  if (!norm || password.size() > kMaxPasswordBytes) {
    // Same work as a real check.
    if (hasher_->verify(dummy_hash_, password, lane) == Verdict::kBusy) {
      return std::unexpected(busy_error());
    }
    return std::unexpected(bad_credentials());
  }
  auto record = read_record(*store_, internal::login_key(*norm));
  if (!record) return std::unexpected(record.error());
  if (*record) {
    switch (hasher_->verify((*record)->hash, password, lane)) {
      case Verdict::kMatch:
        if (initial) *initial = (*record)->initial;
        return std::move((*record)->user_id);
      case Verdict::kBusy:
        return std::unexpected(busy_error());
      case Verdict::kMismatch:
        return std::unexpected(bad_credentials());
    }
  }
  auto revoked = read_record(*store_, internal::revoked_key(*norm));
  if (!revoked) return std::unexpected(revoked.error());
  if (*revoked) {
    // Only the right password learns that access was revoked.
    switch (hasher_->verify((*revoked)->hash, password, lane)) {
      case Verdict::kMatch:
        return std::unexpected(no_access());
      case Verdict::kBusy:
        return std::unexpected(busy_error());
      case Verdict::kMismatch:
        return std::unexpected(bad_credentials());
    }
  }
  if (hasher_->verify(dummy_hash_, password, lane) == Verdict::kBusy) {
    return std::unexpected(busy_error());
  }
  return std::unexpected(bad_credentials());
}

AuthResult<bool> CredentialStore::remove(std::string_view user_id) {
  std::lock_guard lock(write_mu_);
  auto login = store_->get(internal::user_key(user_id));
  if (!login) return std::unexpected(storage_error(login.error()));
  if (!*login) return false;
  const std::string key = internal::login_key(**login);
  auto record = read_record(*store_, key);
  if (!record) return std::unexpected(record.error());

  events::KvBatch batch;
  batch.erase(internal::user_key(user_id));
  if (*record && (*record)->user_id == user_id) {
    batch.erase(key);
    batch.put(internal::revoked_key(**login), internal::encode_record(**record));
  }
  if (auto s = store_->write(batch); !s.is_ok()) return std::unexpected(storage_error(s));
  return true;
}

AuthResult<std::optional<std::string>> CredentialStore::login_of(std::string_view user_id) {
  auto login = store_->get(internal::user_key(user_id));
  if (!login) return std::unexpected(storage_error(login.error()));
  return std::move(*login);
}

AuthResult<bool> CredentialStore::needs_rehash(std::string_view login) {
  auto norm = internal::normalize_login(login);
  if (!norm) return false;
  auto record = read_record(*store_, internal::login_key(*norm));
  if (!record) return std::unexpected(record.error());
  return *record && hasher_->needs_rehash((*record)->hash);
}

uint64_t CredentialStore::hash_operations() const { return hasher_->operations(); }

}  // namespace zhurnal::auth
