#include "websocket_session.hpp"

#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>

#include "refusal.hpp"

namespace zhurnal::server::internal {

namespace beast = boost::beast;
namespace websocket = beast::websocket;

WebSocketSession::WebSocketSession(boost::asio::ip::tcp::socket&& socket,
                                   std::shared_ptr<SharedState> state, std::string address,
                                   AnonymousSlot slot)
    : ws_(std::move(socket)),
      state_(std::move(state)),
      work_(boost::asio::make_strand(state_->workers.get_executor())),
      throttle_timer_(ws_.get_executor()),
      anonymous_timer_(ws_.get_executor()),
      slot_(std::move(slot)),
      id_(state_->next_connection_id.fetch_add(1)),
      address_(std::move(address)) {}

WebSocketSession::~WebSocketSession() {
  if (accepted_) state_->context.metrics->connections.fetch_sub(1, std::memory_order_relaxed);
}

void WebSocketSession::run(beast::http::request<beast::http::string_body> request) {
  websocket::stream_base::timeout timeout{};
  timeout.handshake_timeout = state_->options.handshake_timeout;
  timeout.idle_timeout = state_->options.idle_timeout;
  timeout.keep_alive_pings = true;
  ws_.set_option(timeout);
  ws_.read_message_max(state_->options.max_frame_bytes);
  ws_.set_option(websocket::stream_base::decorator(
      [](websocket::response_type& res) { res.set(beast::http::field::server, "zhurnal"); }));
  ws_.async_accept(request, beast::bind_front_handler(&WebSocketSession::on_accept, shared_from_this()));
}

void WebSocketSession::on_accept(beast::error_code ec) {
  if (ec) return;
  accepted_ = true;
  state_->context.metrics->connections.fetch_add(1, std::memory_order_relaxed);
  state_->context.metrics->connections_total.fetch_add(1, std::memory_order_relaxed);
  state_->add(shared_from_this());
  tokens_ = std::max(1.0, state_->options.request_burst);
  refilled_ = last_request_ = std::chrono::steady_clock::now();
  arm_anonymous_timer();
  do_read();
}

void WebSocketSession::read_when_allowed() {
  if (closing_ || closed_) return;  // async_close reads the peer's close frame itself
  const double rate = state_->options.requests_per_second;
  if (rate <= 0) return do_read();
  const auto now = std::chrono::steady_clock::now();
  const double elapsed = std::chrono::duration<double>(now - refilled_).count();
  tokens_ = std::min(std::max(1.0, state_->options.request_burst), tokens_ + elapsed * rate);
  refilled_ = now;
  tokens_ -= 1;  // the frame just read
  if (tokens_ >= 0) return do_read();
  // Over the rate: stop reading until a token is due. The client's further
  // frames wait in the TCP buffers (its writes block); nothing grows here.
  throttle_timer_.expires_after(std::chrono::duration_cast<std::chrono::steady_clock::duration>(
      std::chrono::duration<double>(-tokens_ / rate)));
  throttle_timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
    if (ec || self->closing_ || self->closed_) return;
    self->do_read();
  });
}

void WebSocketSession::arm_anonymous_timer() {
  const auto timeout = state_->options.anonymous_idle_timeout;
  if (timeout.count() <= 0) return;
  // Signed in: look again a timeout later (it may sign out meanwhile).
  const auto at = user_id().empty() ? last_request_ + timeout
                                    : std::chrono::steady_clock::now() + timeout;
  anonymous_timer_.expires_at(at);
  anonymous_timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
    if (ec || self->closing_ || self->closed_) return;
    self->on_anonymous_timer();
  });
}

void WebSocketSession::on_anonymous_timer() {
  const auto timeout = state_->options.anonymous_idle_timeout;
  if (user_id().empty() && in_flight_.load() == 0 &&
      std::chrono::steady_clock::now() >= last_request_ + timeout) {
    if (state_->context.logger) {
      state_->context.logger->info("connection {} from {} closed: not signed in for {} s", id_,
                                   address_, timeout.count());
    }
    close_with(websocket::close_code::policy_error, "Время ожидания входа истекло");
    return;
  }
  arm_anonymous_timer();
}

void WebSocketSession::do_read() {
  ws_.async_read(buffer_, beast::bind_front_handler(&WebSocketSession::on_read, shared_from_this()));
}

void WebSocketSession::on_read(beast::error_code ec, std::size_t) {
  if (ec) {
    // message_too_big: Beast fails the connection with close code 1009.
    if (ec == websocket::error::message_too_big) {
      state_->context.metrics->bad_requests.fetch_add(1, std::memory_order_relaxed);
    }
    on_closed();
    return;
  }
  if (!ws_.got_text()) {
    buffer_.consume(buffer_.size());
    state_->context.metrics->bad_requests.fetch_add(1, std::memory_order_relaxed);
    on_send(std::make_shared<const std::string>(
        error_frame("", "bad_request", "Ожидается текстовый кадр с JSON")));
    read_when_allowed();
    return;
  }
  std::string frame = beast::buffers_to_string(buffer_.data());
  buffer_.consume(buffer_.size());
  // An idle connection does not keep a large frame's buffer.
  if (buffer_.capacity() > 64 * 1024) buffer_.shrink_to_fit();
  last_request_ = std::chrono::steady_clock::now();
  if (in_flight_.load() >= state_->options.max_requests_in_flight) {
    // Refused without being handled; the id is echoed so the client knows
    // which request to send again.
    on_send(std::make_shared<const std::string>(refusal_frame(
        frame, "too_many_requests", "Слишком много запросов, подождите ответа", 1)));
    read_when_allowed();
    return;
  }
  ++in_flight_;
  const uint64_t seq = next_request_++;
  boost::asio::post(work_, [self = shared_from_this(), frame = std::move(frame), seq] {
    self->state_->handler.handle(self, frame, [self, seq](std::string response) {
      --self->in_flight_;
      boost::asio::post(self->ws_.get_executor(),
                        [self, seq, response = std::make_shared<const std::string>(
                                        std::move(response))]() mutable {
                          self->on_response(seq, std::move(response));
                        });
    });
    // Signed in: no longer counted against its address's anonymous cap.
    if (self->slot_.held() && !self->user_id().empty()) self->slot_.release();
  });
  read_when_allowed();
}

void WebSocketSession::on_response(uint64_t seq, std::shared_ptr<const std::string> response) {
  // A command's answer can come after the answers of requests sent after
  // it: hold those until it does, so answers go out in request order.
  answers_.emplace(seq, std::move(response));
  while (!answers_.empty() && answers_.begin()->first == next_answer_) {
    on_send(std::move(answers_.begin()->second));
    answers_.erase(answers_.begin());
    ++next_answer_;
    state_->hub.start_initial(id_);  // a subscription's pushes follow its response
  }
}

void WebSocketSession::send(std::shared_ptr<const std::string> frame) {
  boost::asio::post(ws_.get_executor(),
                    beast::bind_front_handler(&WebSocketSession::on_send, shared_from_this(),
                                              std::move(frame)));
}

void WebSocketSession::on_send(std::shared_ptr<const std::string> frame) {
  if (closing_ || closed_) return;
  if (queued_bytes_ + frame->size() > state_->options.max_send_queue_bytes) {
    // A slow reader: drop it rather than hold memory or other clients back.
    state_->context.metrics->slow_consumers_closed.fetch_add(1, std::memory_order_relaxed);
    if (state_->context.logger) state_->context.logger->warn("connection {} too slow, closed", id_);
    closing_ = true;
    beast::error_code ignored;
    beast::get_lowest_layer(ws_).socket().close(ignored);
    return;
  }
  queued_bytes_ += frame->size();
  queue_.push_back(std::move(frame));
  if (queue_.size() == 1) do_write();
}

void WebSocketSession::do_write() {
  ws_.text(true);
  ws_.async_write(boost::asio::buffer(*queue_.front()),
                  beast::bind_front_handler(&WebSocketSession::on_write, shared_from_this()));
}

void WebSocketSession::on_write(beast::error_code ec, std::size_t) {
  if (ec) {
    on_closed();
    return;
  }
  queued_bytes_ -= queue_.front()->size();
  queue_.pop_front();
  if (!queue_.empty()) {
    do_write();
  } else if (closing_) {
    do_close();
  }
}

void WebSocketSession::close(const std::string& reason) {
  boost::asio::post(ws_.get_executor(), [self = shared_from_this(), reason] {
    self->close_with(websocket::close_code::going_away, reason);
  });
}

void WebSocketSession::close_with(websocket::close_code code, std::string reason) {
  if (closing_ || closed_) return;
  closing_ = true;
  close_code_ = code;
  close_reason_ = std::move(reason);
  if (queue_.empty()) do_close();  // else after the last write
}

void WebSocketSession::do_close() {
  ws_.async_close(websocket::close_reason(close_code_, close_reason_),
                  [self = shared_from_this()](beast::error_code) { self->on_closed(); });
}

void WebSocketSession::on_closed() {
  if (closed_) return;
  closed_ = true;
  throttle_timer_.cancel();
  anonymous_timer_.cancel();
  state_->hub.drop(id_);
  state_->remove(id_);
}

}  // namespace zhurnal::server::internal
