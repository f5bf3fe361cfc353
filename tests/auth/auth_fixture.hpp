// Shared setup for the auth tests: a credential KvStore in a fresh temp dir
// (sync=true, as in production), argon2id at its minimum cost, and a fake
// clock that tests move by hand.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <memory>

#include "support/temp_dir.hpp"
#include "zhurnal/auth/clock.hpp"
#include "zhurnal/auth/credential_store.hpp"
#include "zhurnal/events/kv_store.hpp"

namespace zhurnal::auth::testing {

using namespace std::chrono_literals;

// 2026-09-01 08:00 UTC: an arbitrary fixed start for the fake clock.
inline const TimePoint kStart =
    std::chrono::sys_days{std::chrono::year{2026} / std::chrono::September / 1} + 8h;

inline CredentialStore::Options fast_options() { return {HashParams::fast_for_tests(), 2}; }

class CredentialFixture : public ::testing::Test {
 protected:
  void SetUp() override { open(); }

  void open() {
    credentials_.reset();
    kv_.reset();
    auto kv = events::KvStore::open({dir_.str(), true, true});
    ASSERT_TRUE(kv) << kv.error().to_string();
    kv_ = std::move(*kv);
    credentials_ = std::make_unique<CredentialStore>(kv_.get(), fast_options());
  }

  zhurnal::testing::TempDir dir_;
  std::unique_ptr<events::KvStore> kv_;
  std::unique_ptr<CredentialStore> credentials_;
};

}  // namespace zhurnal::auth::testing
