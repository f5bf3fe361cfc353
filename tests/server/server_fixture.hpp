// The whole server in-process over the seeded school of JournalFixture: the
// log, the journal, the projections, sign-in with fast test hashing, and the
// Beast server on a free loopback port, run on its own thread.
//
// Test users and their logins (password "пароль-2026" for all):
//   t-math, t-rus (class teacher of 5А), t-eng, admin, director, deputy,
//   secretary, auditor, p1 (parent of s1), s1 and s2 (students of 5А).
#pragma once

#include <thread>

#include "commands/journal_fixture.hpp"
#include "ws_client.hpp"
#include "zhurnal/auth/authenticator.hpp"
#include "zhurnal/import/import_cli.hpp"
#include "zhurnal/projections/engine.hpp"
#include "zhurnal/projections/views.hpp"
#include "zhurnal/server/server.hpp"
#include "zhurnal/server/session_auth.hpp"

namespace zhurnal::server::testing {

inline constexpr char kPassword[] = "пароль-2026";

class ServerFixture : public commands::testing::JournalFixture {
 protected:
  void SetUp() override {
    JournalFixture::SetUp();
    auto views = events::KvStore::open({views_dir_.str(), false, true});
    auto creds = events::KvStore::open({creds_dir_.str(), false, true});
    ASSERT_TRUE(views && creds);
    views_store_ = std::move(*views);
    creds_store_ = std::move(*creds);
    auto engine = projections::ProjectionEngine::open({log_.get(), views_store_.get(), nullptr, 2048},
                                                      projections::standard_projections());
    ASSERT_TRUE(engine);
    engine_ = std::move(*engine);
    ASSERT_TRUE(engine_->catch_up().is_ok());
    engine_->start();
    views_ = std::make_unique<projections::Views>(views_store_.get(), engine_.get());
    credentials_ = std::make_unique<auth::CredentialStore>(
        creds_store_.get(), auth::CredentialStore::Options{auth::HashParams::fast_for_tests(), 2});
    for (const char* user : {"t-math", "t-rus", "t-eng", "admin", "director", "deputy", "secretary",
                             "auditor", "p1", "s1", "s2"}) {
      ASSERT_TRUE(credentials_->set_password(user, user, kPassword));
    }
    authenticator_ = std::make_unique<auth::Authenticator>(*credentials_, sessions_, limiter_);
    auth_port_ = std::make_unique<SessionAuth>(*authenticator_, sessions_);
    start_server();
  }

  void TearDown() override {
    stop_server();
    engine_->stop();
  }

  void start_server() {
    ServerOptions o;
    o.port = 0;
    o.max_send_queue_bytes = send_queue_bytes_;
    o.max_frame_bytes = 64 * 1024;
    ServerContext context{log_.get(),       journal_.get(), engine_.get(), views_.get(),
                          auth_port_.get(), &metrics_,      nullptr};
    context.imports = &imports_;
    server_ = std::make_unique<Server>(o, context);
    sessions_.on_ended([this](const std::string& token, auth::EndReason) { server_->end_session(token); });
    ASSERT_TRUE(server_->listen());
    port_ = server_->port();
    thread_ = std::thread([this] { server_->run(); });
  }

  void stop_server() {
    if (!server_) return;
    server_->stop();
    thread_.join();
    sessions_.on_ended({});
    server_.reset();
  }

  // A connected client signed in as `user`; returns its session token.
  std::unique_ptr<WsClient> signed_in(const std::string& user, std::string* token = nullptr) {
    auto c = std::make_unique<WsClient>(port_);
    auto r = c->request("in", R"("signIn": {"login": ")" + user + R"(", "password": ")" + kPassword + "\"}");
    EXPECT_TRUE(r && r->find(R"("ok":true)") != std::string::npos) << (r ? *r : "no response");
    if (token && r) *token = json_field(*r, "token");
    return c;
  }

  zhurnal::testing::TempDir views_dir_, creds_dir_;
  std::unique_ptr<events::KvStore> views_store_, creds_store_;
  std::unique_ptr<projections::ProjectionEngine> engine_;
  std::unique_ptr<projections::Views> views_;
  std::unique_ptr<auth::CredentialStore> credentials_;
  auth::SessionManager sessions_;
  auth::RateLimiter limiter_;
  std::unique_ptr<auth::Authenticator> authenticator_;
  std::unique_ptr<SessionAuth> auth_port_;
  Metrics metrics_;
  import::ServerImports imports_;  // importLists
  size_t send_queue_bytes_ = 4 << 20;
  std::unique_ptr<Server> server_;
  std::thread thread_;
  uint16_t port_ = 0;
};

}  // namespace zhurnal::server::testing
