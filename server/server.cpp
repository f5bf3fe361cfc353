#include "zhurnal/server/server.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <spdlog/spdlog.h>

#include <thread>
#include <vector>

#include "internal/http_session.hpp"
#include "internal/shared_state.hpp"

namespace zhurnal::server {

namespace net = boost::asio;
using tcp = net::ip::tcp;

struct Server::Impl {
  Impl(ServerOptions o, ServerContext c)
      : ioc(std::max(1, o.io_threads)),
        state(std::make_shared<internal::SharedState>(std::move(o), std::move(c))),
        acceptor(net::make_strand(ioc)) {}

  void accept() {
    acceptor.async_accept(net::make_strand(ioc), [this](boost::beast::error_code ec, tcp::socket s) {
      if (ec) {
        if (!acceptor.is_open()) return;  // stopped
      } else if (state->context.metrics->connections.load() >= state->options.max_connections) {
        boost::beast::error_code ignored;
        s.close(ignored);  // over the limit: refuse at once
      } else {
        // Frames go out when written: without this, a small push waits for
        // the ACK of the one before (Nagle), which the peer may delay 40 ms.
        boost::beast::error_code ignored;
        s.set_option(tcp::no_delay(true), ignored);
        std::make_shared<internal::HttpSession>(std::move(s), state)->run();
      }
      accept();
    });
  }

  net::io_context ioc;
  std::shared_ptr<internal::SharedState> state;
  tcp::acceptor acceptor;
  uint64_t listener_id = 0;
  std::atomic<bool> stopped{false};
  std::thread shutdown;  // the graceful stop sequence (see stop())
};

Server::Server(ServerOptions options, ServerContext context)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(context))) {
  impl_->listener_id = impl_->state->context.engine->add_listener(
      [state = impl_->state.get()](const projections::ChangeSet& c) { state->hub.on_changes(c); });
}

Server::~Server() {
  stop();
  if (impl_->shutdown.joinable()) impl_->shutdown.join();
  impl_->state->context.engine->remove_listener(impl_->listener_id);
  impl_->state->workers.join();
  impl_->state->commands.join();
}

bool Server::listen() {
  auto& log = impl_->state->context.logger;
  boost::beast::error_code ec;
  auto address = net::ip::make_address(impl_->state->options.address, ec);
  if (ec) {
    if (log) log->error("bad listen address {}", impl_->state->options.address);
    return false;
  }
  tcp::endpoint endpoint{address, impl_->state->options.port};
  auto& a = impl_->acceptor;
  if (a.open(endpoint.protocol(), ec); !ec) a.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) a.bind(endpoint, ec);
  if (!ec) a.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    if (log) log->error("cannot listen on {}:{}: {}", impl_->state->options.address,
                        impl_->state->options.port, ec.message());
    return false;
  }
  return true;
}

uint16_t Server::port() const {
  boost::beast::error_code ec;
  auto ep = impl_->acceptor.local_endpoint(ec);
  return ec ? 0 : ep.port();
}

void Server::run() {
  impl_->accept();
  std::vector<std::thread> threads;
  for (int i = 1; i < impl_->state->options.io_threads; ++i) {
    threads.emplace_back([this] { impl_->ioc.run(); });
  }
  impl_->ioc.run();
  for (auto& t : threads) t.join();
}

void Server::end_session(const std::string& token) {
  impl_->state->close_token(token, "Сеанс завершён");
}

void Server::stop() {
  if (impl_->stopped.exchange(true)) return;
  auto state = impl_->state;
  state->stopping = true;
  net::post(impl_->acceptor.get_executor(), [this] {
    boost::beast::error_code ignored;
    impl_->acceptor.close(ignored);  // no new connections
  });
  // Commands already handed to the workers finish (they are durable once
  // acknowledged); then sockets close with a reason, then the loop ends.
  impl_->shutdown = std::thread([this, state] {
    state->workers.join();  // waits for outstanding work (commands until answered), then ends the pool
    state->commands.join();
    state->close_all("Сервер останавливается");
    std::this_thread::sleep_for(std::chrono::milliseconds(500));  // let close frames go out
    impl_->ioc.stop();
  });
}

}  // namespace zhurnal::server
