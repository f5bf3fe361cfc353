#include "serve.hpp"

#include <signal.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <thread>

#include "zhurnal/allocator.hpp"
#include "zhurnal/auth/authenticator.hpp"
#include "zhurnal/commands/journal.hpp"
#include "zhurnal/demo/generator.hpp"
#include "zhurnal/events/event_log.hpp"
#include "zhurnal/events/kv_store.hpp"
#include "zhurnal/import/import_cli.hpp"
#include "zhurnal/projections/engine.hpp"
#include "zhurnal/projections/views.hpp"
#include "zhurnal/server/control_socket.hpp"
#include "zhurnal/server/server.hpp"
#include "zhurnal/server/session_auth.hpp"

namespace zhurnal::cli {
namespace {

namespace fs = std::filesystem;

constexpr char kDemoPassword[] = "zhurnal-demo";

int64_t wall_clock_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool split_listen(const std::string& listen, std::string* host, uint16_t* port) {
  const size_t colon = listen.rfind(':');
  if (colon == std::string::npos) return false;
  *host = listen.substr(0, colon);
  try {
    const int p = std::stoi(listen.substr(colon + 1));
    if (p < 0 || p > 65535) return false;
    *port = static_cast<uint16_t>(p);
  } catch (const std::exception&) {
    return false;
  }
  return true;
}

// Generates the demo school into an empty journal, with a simulated clock,
// and gives the sign-in hints a known password.
bool create_demo(const ServeOptions& o, commands::Journal& journal, std::atomic<int64_t>& clock,
                 auth::CredentialStore& credentials, std::shared_ptr<spdlog::logger> logger,
                 std::vector<demo::SignInHint>* hints) {
  demo::DemoOptions d;
  d.weeks = o.demo_weeks;
  logger->info("creating the demo school (a quarter of lessons; this takes a while)...");
  auto summary = demo::generate_demo(
      journal, [&](int64_t us) { clock.store(us); }, d, [&](const demo::DemoProgress& p) {
        if (p.day % 5 == 0 || p.day == p.days) {
          logger->info("demo: {} ({}/{} days), {} events", p.date, p.day, p.days, p.events);
        }
      });
  clock.store(0);  // back to the wall clock
  if (!summary) {
    logger->error("demo generation failed: {}", summary.error().to_string());
    return false;
  }
  logger->info("demo school: {} classes, {} students, {} teachers, {} marks, {} events in {:.1f} s",
               summary->classes, summary->students, summary->teachers, summary->marks,
               summary->events, summary->seconds);
  for (const demo::SignInHint& h : summary->sign_in) {
    auto set = credentials.set_password(h.user_id, h.login, kDemoPassword);
    if (!set) {
      logger->error("cannot set the demo password of {}: {}", h.login, set.error().code_name());
      return false;
    }
  }
  *hints = summary->sign_in;
  return true;
}

}  // namespace

int run_serve(const ServeOptions& o, std::shared_ptr<spdlog::logger> logger) {
  std::string host;
  uint16_t port = 0;
  if (!split_listen(o.listen, &host, &port)) {
    logger->error("--listen must be HOST:PORT, got {}", o.listen);
    return 2;
  }
  // Signals go to the thread that waits for them, not to workers.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  std::error_code ec;
  fs::create_directories(o.data, ec);
  // While the demo is generated the journal and the log follow its simulated
  // clock; 0 means the wall clock.
  std::atomic<int64_t> demo_clock{0};
  auto clock = [&demo_clock] {
    const int64_t c = demo_clock.load();
    return c != 0 ? c : wall_clock_us();
  };

  events::LogOptions lo;
  lo.path = (fs::path(o.data) / "log").string();
  lo.durability = o.buffered ? events::Durability::kBuffered : events::Durability::kSync;
  lo.min_free_bytes = o.reserve_mib << 20;
  lo.clock_us = clock;
  lo.logger = logger;
  auto log = events::open_event_log(lo);
  if (!log) {
    if (log.error().code() == events::StatusCode::kInUse) {
      logger->error("{} is in use by another process (a zhurnal serve already running on it?): {}",
                    o.data, log.error().to_string());
    } else {
      logger->error("cannot open the log: {}", log.error().to_string());
    }
    return 2;
  }
  const bool empty = (*log)->head_position() == 0;
  auto credentials_store =
      events::KvStore::open({(fs::path(o.data) / "credentials").string(), true, true});
  if (!credentials_store) {
    logger->error("cannot open the credential store: {}", credentials_store.error().to_string());
    return 2;
  }
  // Password hashing is bounded so that a sign-in flood cannot take every
  // core or every worker thread (docs/design.md, "Abuse resistance").
  auth::CredentialStore::Options credential_options;
  credential_options.max_concurrent_hashes =
      o.max_concurrent_hashes != 0 ? o.max_concurrent_hashes
                                   : std::max<size_t>(1, std::thread::hardware_concurrency() / 2);
  credential_options.max_waiting_checks = o.max_waiting_sign_ins != 0
                                              ? o.max_waiting_sign_ins
                                              : 2 * credential_options.max_concurrent_hashes;
  auth::CredentialStore credentials(credentials_store->get(), credential_options);
  std::vector<demo::SignInHint> hints;
  if (o.demo && empty) {
    // The demo is written without an fsync per command (one sync per command
    // would take minutes), then the log is closed, which flushes it, and
    // reopened with the durability the server runs with.
    log->reset();
    events::LogOptions fast = lo;
    fast.durability = events::Durability::kBuffered;
    auto demo_log = events::open_event_log(fast);
    if (!demo_log) return 2;
    {
      auto demo_journal = commands::Journal::open({demo_log->get(), clock, logger, 8});
      if (!demo_journal ||
          !create_demo(o, **demo_journal, demo_clock, credentials, logger, &hints)) {
        return 1;
      }
    }
    (*demo_log)->close();
    demo_log->reset();
    log = events::open_event_log(lo);
    if (!log) return 2;
  }
  auto journal = commands::Journal::open({log->get(), clock, logger, 8});
  if (!journal) {
    logger->error("cannot open the journal: {}", journal.error().to_string());
    return 2;
  }
  auto views_store = events::KvStore::open({(fs::path(o.data) / "views").string(), false, true});
  if (!views_store) {
    logger->error("cannot open the view store: {}", views_store.error().to_string());
    return 2;
  }
  auth::SessionManager sessions;
  auth::RateLimiter limiter;
  auth::Authenticator authenticator(credentials, sessions, limiter);
  server::SessionAuth session_auth(authenticator, sessions);

  projections::EngineOptions engine_options{log->get(), views_store->get(), logger, 2048};
  engine_options.bulk_memory_bytes = o.rebuild_memory_mib << 20;
  auto engine = projections::ProjectionEngine::open(engine_options, projections::standard_projections());
  if (!engine) {
    logger->error("cannot open the projections: {}", engine.error().to_string());
    return 2;
  }
  logger->info("allocator: {}", allocator_name());
  logger->info("bringing the read models up to position {}...", (*log)->head_position());
  if (auto st = (*engine)->catch_up(); !st.is_ok()) {
    logger->error("projections failed: {}", st.to_string());
    return 2;
  }
  (*engine)->start();
  projections::Views views(views_store->get(), engine->get());
  server::Metrics metrics;

  server::ServerOptions so;
  so.address = host;
  so.port = port;
  so.web_root = o.web;
  so.http_request_timeout = std::chrono::seconds(o.http_request_timeout_s);
  so.anonymous_idle_timeout = std::chrono::seconds(o.anonymous_idle_timeout_s);
  so.max_anonymous_per_address = o.max_anonymous_per_address;
  so.requests_per_second = o.requests_per_second;
  so.request_burst = o.request_burst;
  // Sign-ins hold a worker while they hash or wait for a hash: keep two
  // workers beyond them for everything else.
  so.worker_threads = std::max<int>(so.worker_threads,
                                    static_cast<int>(credential_options.max_concurrent_hashes +
                                                     credential_options.max_waiting_checks) + 2);
  // The secretary's lists, from the web page or `zhurnal import` beside the
  // server: one import at a time.
  import::ServerImports imports;
  server::ServerContext context{
      log->get(),    journal->get(), engine->get(), &views,
      &session_auth, &metrics,       logger,        engine_options.bulk_memory_bytes};
  context.imports = &imports;
  server::Server srv(so, context);
  sessions.on_ended([&srv](const std::string& token, auth::EndReason) { srv.end_session(token); });
  if (!srv.listen()) return 2;
  // `zhurnal backup`, `zhurnal import` and `zhurnal school create` ask the
  // running server through DATA/control.sock.
  server::ControlSocket control((fs::path(o.data) / "control.sock").string(),
                                {log->get(), credentials_store->get(), views_store->get(),
                                 journal->get(), &authenticator, &imports},
                                logger);
  control.start();  // without it the server still serves; backups and imports need a stop

  std::printf("zhurnal: журнал работает на http://%s:%u/ (данные: %s)\n", host.c_str(), srv.port(),
              o.data.c_str());
  if (!hints.empty()) {
    std::printf("Демонстрационная школа. Вход (пароль у всех: %s):\n", kDemoPassword);
    for (const auto& h : hints) {
      std::printf("  %-14s %-22s %s%s%s\n", h.role.c_str(), h.login.c_str(), h.full_name.c_str(),
                  h.note.empty() ? "" : " — ", h.note.c_str());
    }
  } else if (o.demo) {
    std::printf("Демонстрационная школа уже создана в %s; пароль демо-пользователей: %s\n",
                o.data.c_str(), kDemoPassword);
  }
  std::fflush(stdout);

  // Sessions that expire while their socket is idle end here (their sockets
  // close through on_ended); a busy socket is checked on every request.
  std::atomic<bool> sweeping{true};
  std::thread sweeper([&] {
    while (sweeping.load()) {
      for (int i = 0; i < 300 && sweeping.load(); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
      sessions.sweep(std::chrono::system_clock::now());
    }
  });
  std::thread signal_waiter([&] {
    int sig = 0;
    sigwait(&signals, &sig);
    logger->info("signal {}: stopping", sig);
    srv.stop();
  });
  srv.run();
  // run() returned: either a signal arrived or the server stopped itself.
  control.stop();  // waits for a backup in progress
  pthread_kill(signal_waiter.native_handle(), SIGTERM);
  signal_waiter.join();
  sweeping = false;
  sweeper.join();
  (*engine)->stop();
  sessions.on_ended({});
  logger->info("stopped at log position {}", (*log)->head_position());
  return 0;
}

}  // namespace zhurnal::cli
