#include "sha256.hpp"

#include <openssl/evp.h>

#include <stdexcept>

namespace zhurnal::events::internal {
namespace {

const EVP_MD* algorithm() {
  // Fetched once: EVP_sha256() would look the implementation up on every use.
  static EVP_MD* md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  return md;
}

EVP_MD_CTX* context() {
  thread_local struct Holder {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    ~Holder() { EVP_MD_CTX_free(ctx); }
  } holder;
  return holder.ctx;
}

void check(int ok) {
  // Failure here means OpenSSL itself is broken (no SHA-256): a bug, not input.
  if (ok != 1) throw std::runtime_error("OpenSSL SHA-256 failed");
}

}  // namespace

Sha256::Sha256() { check(EVP_DigestInit_ex2(context(), algorithm(), nullptr)); }

void Sha256::update(const void* data, size_t size) {
  check(EVP_DigestUpdate(context(), data, size));
}

Hash Sha256::finish() {
  Hash h;
  unsigned int n = 0;
  check(EVP_DigestFinal_ex(context(), h.data(), &n));
  return h;
}

}  // namespace zhurnal::events::internal
