// Abuse resistance of the running server (issue #8): oversized frames and
// bodies, a flood from one connection, slowloris connections and sign-in
// floods. Each test shows the defence working AND a second, well-behaved
// client getting its answers meanwhile. Limits are set small so that every
// test takes a few seconds; peer addresses are told apart by binding the
// attackers' sockets to other loopback addresses (127.0.0.0/8).
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "server_fixture.hpp"

namespace zhurnal::server::testing {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// A blocking TCP socket from a chosen loopback address, with a receive
// timeout so that no read blocks forever.
struct RawSocket {
  RawSocket(uint16_t port, const std::string& from, std::chrono::milliseconds timeout = 5s)
      : socket(ioc) {
    socket.open(tcp::v4());
    socket.bind({net::ip::make_address(from), 0});
    timeval tv{static_cast<time_t>(timeout.count() / 1000),
               static_cast<suseconds_t>(timeout.count() % 1000 * 1000)};
    setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    socket.connect({net::ip::make_address("127.0.0.1"), port});
  }
  bool write(const std::string& bytes) {
    beast::error_code ec;
    net::write(socket, net::buffer(bytes), ec);
    return !ec;
  }
  // Everything until the peer closes (or the timeout): what the server said.
  std::string read_until_closed(bool* closed) {
    std::string all;
    char buf[4096];
    for (;;) {
      beast::error_code ec;
      const size_t n = socket.read_some(net::buffer(buf), ec);
      all.append(buf, n);
      if (ec) {
        *closed = ec == net::error::eof || ec == net::error::connection_reset;
        return all;
      }
    }
  }
  net::io_context ioc;
  tcp::socket socket;
};

// A blocking WebSocket client from a chosen loopback address (the fixture's
// WsClient always connects from 127.0.0.1).
struct Ws {
  Ws(uint16_t port, const std::string& from) : raw(port, from), ws(std::move(raw.socket)) {
    ws.handshake("127.0.0.1:" + std::to_string(port), "/ws");
    ws.text(true);
  }
  std::optional<std::string> request(const std::string& id, const std::string& body) {
    beast::error_code ec;
    ws.write(net::buffer(R"({"id":")" + id + R"(",)" + body + "}"), ec);
    while (!ec) {
      beast::flat_buffer b;
      ws.read(b, ec);
      if (ec) break;
      std::string f = beast::buffers_to_string(b.data());
      if (f.find(R"("id":")" + id + "\"") != std::string::npos) return f;
    }
    return std::nullopt;
  }
  RawSocket raw;
  websocket::stream<tcp::socket> ws;
};

std::string sign_in_body(const std::string& login, const std::string& password) {
  return R"("signIn":{"login":")" + login + R"(","password":")" + password + R"("})";
}

class AbuseTest : public ServerFixture {
 protected:
  // Restarts the server with `o` and a rate limiter with `lo`.
  void restart(ServerOptions o, auth::RateLimiter::Options lo = {}) {
    stop_server();
    limiter_ = std::make_unique<auth::RateLimiter>(lo);
    authenticator_ = std::make_unique<auth::Authenticator>(*credentials_, sessions_, *limiter_);
    auth_port_ = std::make_unique<SessionAuth>(*authenticator_, sessions_);
    o.port = 0;
    server_ = std::make_unique<Server>(o, ServerContext{log_.get(), journal_.get(), engine_.get(),
                                                        views_.get(), auth_port_.get(), &metrics_,
                                                        nullptr});
    sessions_.on_ended([this](const std::string& token, auth::EndReason) { server_->end_session(token); });
    ASSERT_TRUE(server_->listen());
    port_ = server_->port();
    thread_ = std::thread([this] { server_->run(); });
  }

  // The well-behaved client's request: answered, and within `limit`.
  void expect_served(WsClient& c, const std::string& id, std::chrono::milliseconds limit = 1000ms) {
    const auto start = Clock::now();
    auto r = c.request(id, R"("me": null)", 5s);
    const auto took = Clock::now() - start;
    ASSERT_TRUE(r) << "no answer to " << id;
    EXPECT_NE(r->find(R"("ok":true)"), std::string::npos) << *r;
    EXPECT_LT(took, limit) << id << " took "
                           << std::chrono::duration_cast<std::chrono::milliseconds>(took).count()
                           << " ms";
  }

  std::unique_ptr<auth::RateLimiter> limiter_;
};

TEST_F(AbuseTest, OversizedFrameFailsTheConnectionWith1009BeforeItsPayloadArrives) {
  ServerOptions o;
  o.max_frame_bytes = 64 * 1024;
  restart(o);
  auto good = signed_in("t-math");

  // A frame header announcing 1 GiB, then 4 KiB of it: the server must not
  // wait for (or allocate) the gigabyte.
  Ws big(port_, "127.0.0.2");
  std::string header = {'\x81', '\xFF'};
  const uint64_t length = 1ull << 30;
  for (int i = 7; i >= 0; --i) header.push_back(static_cast<char>((length >> (8 * i)) & 0xFF));
  header += std::string(4, '\x5a');  // masking key
  net::write(big.ws.next_layer(), net::buffer(header + std::string(4096, 'a')));
  beast::flat_buffer b;
  beast::error_code ec;
  big.ws.read(b, ec);
  // The close frame arrived (our echo of it may meet a socket already shut:
  // `closed` or a broken pipe).
  EXPECT_TRUE(ec) << "the connection stayed open";
  EXPECT_EQ(big.ws.reason().code, websocket::close_code::too_big);
  expect_served(*good, "during-big");

  // A complete message one byte over the limit: the same.
  Ws over(port_, "127.0.0.2");
  over.ws.write(net::buffer(R"({"id":"1","me":null,"pad":")" + std::string(64 * 1024, 'a') + "\"}"),
                ec);
  over.ws.read(b, ec);
  EXPECT_EQ(over.ws.reason().code, websocket::close_code::too_big);
  expect_served(*good, "after-big");
}

TEST_F(AbuseTest, OversizedHttpBodyAndHeadersAreRefusedWithAStableCode) {
  restart({});
  auto good = signed_in("t-math");
  RawSocket body(port_, "127.0.0.3");
  body.write("POST /health HTTP/1.1\r\nHost: x\r\nContent-Length: 100000000\r\n\r\n" +
             std::string(70 * 1024, 'a'));
  bool closed = false;
  const std::string answer = body.read_until_closed(&closed);
  EXPECT_NE(answer.find("HTTP/1.1 413"), std::string::npos) << answer;
  EXPECT_NE(answer.find(R"({"error":"body_too_large"})"), std::string::npos) << answer;
  EXPECT_TRUE(closed);

  RawSocket headers(port_, "127.0.0.3");
  headers.write("GET /health HTTP/1.1\r\nHost: x\r\nX-Pad: " + std::string(20 * 1024, 'a') + "\r\n\r\n");
  const std::string refused = headers.read_until_closed(&closed);
  EXPECT_NE(refused.find("HTTP/1.1 431"), std::string::npos) << refused;
  EXPECT_NE(refused.find(R"({"error":"headers_too_large"})"), std::string::npos) << refused;
  expect_served(*good, "after-http");
}

TEST_F(AbuseTest, FloodFromOneConnectionIsThrottledWhileOthersAreServed) {
  ServerOptions o;
  o.requests_per_second = 200;
  o.request_burst = 20;
  restart(o);
  auto good = signed_in("t-rus");
  auto flood = signed_in("t-math");
  constexpr int kFlood = 400;
  const auto start = Clock::now();
  std::thread flooder([&] {
    for (int i = 0; i < kFlood; ++i) flood->send(R"({"id":"f)" + std::to_string(i) + R"(","me":null})");
  });
  // The well-behaved client is answered promptly throughout.
  for (int i = 0; i < 20; ++i) expect_served(*good, "g" + std::to_string(i), 500ms);
  flooder.join();
  int answered = 0;
  while (answered < kFlood) {
    auto f = flood->receive(5s);
    if (!f) break;
    ++answered;
  }
  EXPECT_EQ(answered, kFlood);
  // 380 requests past the burst at 200 a second take at least 1.9 s.
  EXPECT_GE(Clock::now() - start, 1800ms);
}

TEST_F(AbuseTest, RequestsOverTheInFlightLimitAreRefusedWithTheirId) {
  ServerOptions o;
  o.requests_per_second = 0;
  o.max_requests_in_flight = 2;
  restart(o);
  auto good = signed_in("t-rus");
  auto flood = signed_in("t-math");
  for (int i = 0; i < 200; ++i) flood->send(R"({"id":"f)" + std::to_string(i) + R"(","me":null})");
  int refused = 0, with_id = 0;
  for (int i = 0; i < 200; ++i) {
    auto f = flood->receive(5s);
    ASSERT_TRUE(f);
    if (f->find(R"("code":"too_many_requests")") == std::string::npos) continue;
    ++refused;
    if (f->find(R"("id":"f)") != std::string::npos &&
        f->find(R"("retryAfterSeconds":1)") != std::string::npos &&
        f->find("Слишком много запросов, подождите ответа") != std::string::npos) {
      ++with_id;
    }
  }
  EXPECT_GT(refused, 0);
  EXPECT_EQ(with_id, refused);
  expect_served(*good, "after-flood");
}

TEST_F(AbuseTest, SlowlorisConnectionsAreClosedAndCappedPerAddress) {
  ServerOptions o;
  o.http_request_timeout = 1s;
  o.anonymous_idle_timeout = 1s;
  o.max_anonymous_per_address = 8;
  restart(o);
  auto good = signed_in("t-math");

  // Headers a byte at a time: closed once the request timeout passes.
  RawSocket trickle(port_, "127.0.0.4", 200ms);
  const std::string request = "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n";
  const auto start = Clock::now();
  bool closed = false;
  for (size_t i = 0; i < request.size() && !closed; ++i) {
    if (!trickle.write(request.substr(i, 1))) break;
    (void)trickle.read_until_closed(&closed);  // waits 200 ms unless the server closed
  }
  EXPECT_TRUE(closed);
  EXPECT_LT(Clock::now() - start, 3s);

  // An upgraded connection that never signs in: closed with 1008.
  Ws idle(port_, "127.0.0.4");
  beast::flat_buffer b;
  beast::error_code ec;
  idle.ws.read(b, ec);
  EXPECT_EQ(ec, websocket::error::closed) << ec.message();
  EXPECT_EQ(idle.ws.reason().code, websocket::close_code::policy_error);
  EXPECT_EQ(std::string(idle.ws.reason().reason.c_str()), "Время ожидания входа истекло");

  // Eight half-open connections of one address; the ninth is closed at once.
  std::vector<std::unique_ptr<RawSocket>> held;
  for (int i = 0; i < 8; ++i) {
    held.push_back(std::make_unique<RawSocket>(port_, "127.0.0.5"));
    held.back()->write("GET / HTTP/1.1\r\n");
  }
  std::this_thread::sleep_for(100ms);  // let the server accept them
  // Closed within the read's 500 ms wait, while the idle timeout (1 s)
  // closes none of the eight yet: closed for the cap, not for idling.
  RawSocket ninth(port_, "127.0.0.5", 500ms);
  (void)ninth.read_until_closed(&closed);
  EXPECT_TRUE(closed);
  // Meanwhile: the signed-in client, and a new one from another address.
  expect_served(*good, "during-slowloris");
  auto fresh = signed_in("t-rus");
  expect_served(*fresh, "fresh-during-slowloris");
}

TEST_F(AbuseTest, SignInFloodsAreThrottledAndTheOwnerStillSignsIn) {
  ServerOptions o;
  o.requests_per_second = 0;
  restart(o);
  auto other = signed_in("t-rus");
  auto owner_first = signed_in("t-math");  // the owner's address (127.0.0.1) is now trusted

  // One account from one address: five wrong passwords, then rate_limited.
  Ws one(port_, "127.0.0.6");
  std::string last;
  for (int i = 0; i < 200; ++i) {
    auto r = one.request("a" + std::to_string(i), sign_in_body("t-math", "guess-" + std::to_string(i)));
    ASSERT_TRUE(r);
    last = *r;
    if (i < 5) {
      EXPECT_NE(r->find(R"("code":"bad_credentials")"), std::string::npos) << *r;
    }
  }
  EXPECT_NE(last.find(R"("code":"rate_limited")"), std::string::npos) << last;
  EXPECT_EQ(last.find(R"("retryAfterSeconds":0)"), std::string::npos) << last;
  EXPECT_NE(last.find("Слишком много попыток входа. Повторите через"), std::string::npos) << last;
  // The owner at another address is not locked out.
  {
    Ws owner(port_, "127.0.0.9");
    auto r = owner.request("in", sign_in_body("t-math", kPassword));
    ASSERT_TRUE(r);
    EXPECT_NE(r->find(R"("ok":true)"), std::string::npos) << *r;
  }
  expect_served(*other, "during-one-account");

  // Many accounts from one address: the address is locked after 20.
  Ws many(port_, "127.0.0.7");
  for (int i = 0; i < 300; ++i) {
    auto r = many.request("m" + std::to_string(i), sign_in_body("user" + std::to_string(i), "guess"));
    ASSERT_TRUE(r);
    last = *r;
  }
  EXPECT_NE(last.find(R"("code":"rate_limited")"), std::string::npos) << last;
  expect_served(*other, "during-many-accounts");

  // A distributed guess at one account (30 addresses, 2 each): the login
  // locks for new addresses, not for the owner's trusted one.
  for (int a = 0; a < 30; ++a) {
    Ws bot(port_, "127.0.1." + std::to_string(a + 1));
    for (int i = 0; i < 2; ++i) (void)bot.request("b", sign_in_body("t-math", "guess"));
  }
  {
    Ws stranger(port_, "127.0.2.1");
    auto r = stranger.request("in", sign_in_body("t-math", kPassword));
    ASSERT_TRUE(r);
    EXPECT_NE(r->find(R"("code":"rate_limited")"), std::string::npos) << *r;
  }
  auto owner = signed_in("t-math");  // from 127.0.0.1, where t-math signed in before
  expect_served(*owner, "owner-after-distributed");
  expect_served(*other, "after-sign-in-floods");
}

TEST_F(AbuseTest, OwnerAtHerTrustedAddressSignsInWhileAFloodFillsTheHashingLine) {
  // One hashing slot and a line of two (one place kept for trusted pairs),
  // with a hash slow enough (16 MiB) that the flood always has a check
  // running and one waiting. A long wait bound, so that a loaded machine
  // cannot turn the owner's wait into `busy`.
  auth::CredentialStore::Options co{{2, 16u << 20}, 1, 2, std::chrono::milliseconds(10'000)};
  stop_server();
  credentials_ = std::make_unique<auth::CredentialStore>(creds_store_.get(), co);
  ServerOptions o;
  o.requests_per_second = 0;
  o.worker_threads = 8;  // more than the slot and the line hold
  auth::RateLimiter::Options lo;
  lo.per_address.max_failures = 1'000'000;  // the flood must not lock itself out
  restart(o, lo);
  auto other = signed_in("t-rus");
  auto owner_first = signed_in("t-math");  // 127.0.0.1 is now trusted for t-math

  // Six guessers for unknown logins (each checked against the dummy hash
  // at the slow cost) from six untrusted addresses, as fast as answered.
  std::atomic<bool> stop{false};
  std::atomic<int> busy{0}, wrong{0}, other_codes{0};
  std::vector<std::thread> flood;
  for (int k = 0; k < 6; ++k) {
    flood.emplace_back([&, k] {
      Ws bot(port_, "127.0.4." + std::to_string(k + 1));
      for (int i = 0; !stop; ++i) {
        auto r = bot.request("f", sign_in_body("nobody" + std::to_string(k) + "-" + std::to_string(i),
                                               "wrong-password"));
        if (!r) break;
        if (r->find(R"("code":"busy")") != std::string::npos) {
          ++busy;
        } else if (r->find(R"("code":"bad_credentials")") != std::string::npos) {
          ++wrong;
        } else {
          ++other_codes;
        }
      }
    });
  }
  auto stop_flood = [&] {
    stop = true;
    for (auto& t : flood) t.join();
  };
  // The line is full once guesses are refused `busy`.
  const auto deadline = Clock::now() + 10s;
  while (busy < 20 && Clock::now() < deadline) std::this_thread::sleep_for(5ms);
  if (busy < 20) stop_flood();
  ASSERT_GE(busy.load(), 20) << "the flood never filled the line";

  // The owner signs in again from her usual address, five times: each time
  // she gets the reserved place and the next free slot, never `busy`.
  for (int i = 0; i < 5; ++i) {
    const int busy_before = busy.load();
    WsClient tab(port_);
    auto r = tab.request("in", sign_in_body("t-math", kPassword), 15s);
    ASSERT_TRUE(r) << "no answer to the owner's sign-in " << i;
    EXPECT_NE(r->find(R"("ok":true)"), std::string::npos) << "owner's sign-in " << i << ": " << *r;
    // Meanwhile the line stayed full: the flood kept being refused.
    while (busy == busy_before && Clock::now() < deadline + 10s) std::this_thread::sleep_for(1ms);
    EXPECT_GT(busy.load(), busy_before) << "the flood stopped filling the line";
  }
  expect_served(*other, "during-flood");
  stop_flood();
  EXPECT_GT(wrong.load(), 0);  // the flood's checks ran too, at the untrusted share
  EXPECT_EQ(other_codes.load(), 0);
}

}  // namespace
}  // namespace zhurnal::server::testing
