// State shared by every session of one server: options, context, the
// request handler, the hub, the worker pool and the open sessions (for
// graceful shutdown and revocation).
//
// Thread safety: the session registry is guarded by a mutex; everything else
// is set at construction.
#pragma once

#include <boost/asio/thread_pool.hpp>

#include <atomic>
#include <map>
#include <memory>
#include <mutex>

#include "connection.hpp"
#include "hub.hpp"
#include "peer_limits.hpp"
#include "request_handler.hpp"
#include "zhurnal/server/server.hpp"

namespace zhurnal::server::internal {

struct SharedState {
  SharedState(ServerOptions o, ServerContext c)
      : options(std::move(o)), context(std::move(c)), workers(options.worker_threads),
        commands(2), hub(context, workers), handler(context, hub, workers, commands) {}

  ServerOptions options;
  ServerContext context;
  boost::asio::thread_pool workers;
  // Commands decided again after waiting for a lesson's lock, and their
  // answers: not queued behind the workers' diary renders and sign-ins.
  boost::asio::thread_pool commands;
  Hub hub;
  RequestHandler handler;
  std::atomic<uint64_t> next_connection_id{1};
  std::atomic<bool> stopping{false};

  std::mutex sessions_mu;
  std::map<uint64_t, std::weak_ptr<Connection>> sessions;
  // Connections not signed in, per peer address (slowloris cap).
  PeerLimits peers{options.max_anonymous_per_address};

  void add(const std::shared_ptr<Connection>& c) {
    std::lock_guard lock(sessions_mu);
    sessions[c->id()] = c;
  }
  void remove(uint64_t id) {
    std::lock_guard lock(sessions_mu);
    sessions.erase(id);
  }
  // Closes the connections signed in with `token` (the session ended).
  void close_token(const std::string& token, const std::string& reason) {
    std::vector<std::shared_ptr<Connection>> hit;
    {
      std::lock_guard lock(sessions_mu);
      for (auto& [id, w] : sessions) {
        if (auto s = w.lock(); s && s->token() == token) hit.push_back(std::move(s));
      }
    }
    for (auto& s : hit) {
      hub.drop(s->id());
      s->set_identity("", "");
      s->close(reason);
    }
  }

  void close_all(const std::string& reason) {
    std::vector<std::shared_ptr<Connection>> open;
    {
      std::lock_guard lock(sessions_mu);
      for (auto& [id, w] : sessions) {
        if (auto s = w.lock()) open.push_back(std::move(s));
      }
    }
    for (auto& s : open) s->close(reason);
  }
};

}  // namespace zhurnal::server::internal
