#include "abuse_bench.hpp"

#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "bench_support.hpp"
#include "ws_client.hpp"
#include "ws_server.hpp"

namespace zhurnal::bench {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

constexpr char kDemoPassword[] = "zhurnal-demo";

void raise_fd_limit(size_t needed) {
  rlimit r{};
  if (::getrlimit(RLIMIT_NOFILE, &r) != 0) throw std::runtime_error("getrlimit failed");
  r.rlim_cur = r.rlim_max;
  (void)::setrlimit(RLIMIT_NOFILE, &r);
  if (r.rlim_cur < needed) {
    throw std::runtime_error("the file descriptor limit is " + std::to_string(r.rlim_cur) +
                             ", the run needs about " + std::to_string(needed) +
                             "; raise it (ulimit -Hn) or lower --slowloris");
  }
}

// A blocking WebSocket from a chosen loopback address; every read gives up
// after `timeout` (SO_RCVTIMEO), so nothing blocks forever.
class SyncWs {
 public:
  SyncWs(uint16_t port, const std::string& from, std::chrono::seconds timeout = std::chrono::seconds(10))
      : ws_(ioc_) {
    auto& s = ws_.next_layer();
    s.open(tcp::v4());
    s.bind({net::ip::make_address(from), 0});
    timeval tv{static_cast<time_t>(timeout.count()), 0};
    setsockopt(s.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    s.connect({net::ip::make_address("127.0.0.1"), port});
    ws_.handshake("127.0.0.1:" + std::to_string(port), "/ws");
    ws_.text(true);
  }
  // The response to `id`, or "" when the connection failed or timed out.
  std::string request(const std::string& id, const std::string& body) {
    beast::error_code ec;
    ws_.write(net::buffer(R"({"id":")" + id + R"(",)" + body + "}"), ec);
    while (!ec) {
      beast::flat_buffer b;
      ws_.read(b, ec);
      if (ec) break;
      std::string f = beast::buffers_to_string(b.data());
      if (f.find(R"("id":")" + id + "\"") != std::string::npos) return f;
    }
    return {};
  }
  websocket::stream<tcp::socket>& stream() { return ws_; }

 private:
  net::io_context ioc_;
  websocket::stream<tcp::socket> ws_;
};

std::string sign_in_body(const std::string& login, const std::string& password) {
  return R"("signIn":{"login":")" + login + R"(","password":")" + password + R"("})";
}

// The value of "code" in an error response, or "ok".
std::string code_of(const std::string& frame) {
  if (frame.empty()) return "no answer";
  if (frame.find(R"("ok":true)") != std::string::npos) return "ok";
  const std::string key = R"("code":")";
  const size_t at = frame.find(key);
  if (at == std::string::npos) return "?";
  const size_t start = at + key.size();
  return frame.substr(start, frame.find('"', start) - start);
}

// Thread-safe counts by name, printed "name n, name n".
class Tally {
 public:
  void add(const std::string& what, uint64_t n = 1) {
    std::lock_guard lock(mu_);
    counts_[what] += n;
  }
  std::string text() const {
    std::lock_guard lock(mu_);
    std::ostringstream s;
    for (const auto& [k, v] : counts_) s << (s.tellp() > 0 ? ", " : "") << k << " " << v;
    return s.str();
  }

 private:
  mutable std::mutex mu_;
  std::map<std::string, uint64_t> counts_;
};

struct Latency {
  double p50 = 0, p99 = 0, max = 0;  // microseconds
  size_t n = 0;
};

Latency summarize(std::vector<double> us) {
  Latency l;
  if (us.empty()) return l;
  std::sort(us.begin(), us.end());
  l.n = us.size();
  l.p50 = us[us.size() / 2];
  l.p99 = us[std::min(us.size() - 1, us.size() * 99 / 100)];
  l.max = us.back();
  return l;
}

// The demo's sign-in hints from the server's output: "  role  login  name".
std::vector<std::string> demo_logins(const std::filesystem::path& log_path) {
  std::ifstream in(log_path);
  std::vector<std::string> logins;
  bool hints = false;
  for (std::string line; std::getline(in, line);) {
    if (line.find("Демонстрационная школа. Вход") != std::string::npos) {
      hints = true;
      continue;
    }
    if (!hints) continue;
    if (line.rfind("  ", 0) != 0) break;
    std::istringstream words(line);
    std::string role, login;
    words >> role >> login;
    if (!login.empty()) logins.push_back(login);
  }
  return logins;
}

// An attack on its own thread until stop(); `body` loops while running().
class Attack {
 public:
  template <typename F>
  explicit Attack(F body) : thread_([this, body = std::move(body)]() mutable { body(*this); }) {}
  ~Attack() { stop(); }
  bool running() const { return !stop_.load(); }
  void stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }

 private:
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

class AbuseRun {
 public:
  AbuseRun(const AbuseBenchOptions& o, uint16_t port, std::vector<std::string> logins,
           std::ostream& out)
      : o_(o), port_(port), logins_(std::move(logins)), out_(out) {}

  void run() {
    probe_ = std::make_unique<SyncWs>(port_, "127.0.0.1");
    const std::string in = probe_->request("in", sign_in_body(logins_[0], kDemoPassword));
    if (code_of(in) != "ok") throw std::runtime_error("probe sign-in failed: " + in);
    token_ = field(in, "token");
    (void)measure(50);  // warm up
    const Latency base = measure(o_.probe_requests);
    report("baseline (no attack)", base, base, "");

    {
      Tally t;
      Attack a([&](Attack& self) { oversized(self, t); });
      const Latency l = measure(o_.probe_requests);
      a.stop();
      report("oversized frames and bodies", l, base, t.text());
    }
    {
      Tally t;
      Attack a([&](Attack& self) { flood(self, t); });
      std::this_thread::sleep_for(std::chrono::milliseconds(300));  // the flood is under way
      const Latency l = measure(o_.probe_requests);
      a.stop();
      report("flood from one connection", l, base, t.text());
    }
    {
      Tally t;
      std::atomic<int> open{0};
      Attack a([&](Attack& self) { slowloris(self, t, open); });
      const auto deadline = Clock::now() + std::chrono::seconds(30);
      while (open.load() < o_.slowloris && Clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
      const int held = open.load();
      const Latency l = measure(o_.probe_requests);
      a.stop();
      report(std::to_string(o_.slowloris) + " slowloris connections", l, base,
             "open when measuring " + std::to_string(held) + "; " + t.text());
    }
    {
      Tally t, owner;
      std::vector<std::unique_ptr<Attack>> attacks;
      for (int k = 0; k < 4; ++k) {
        attacks.push_back(std::make_unique<Attack>([&, k](Attack& self) { sign_in_flood(self, t, k); }));
      }
      attacks.push_back(std::make_unique<Attack>([&](Attack& self) { guess_one(self, t); }));
      std::vector<double> owner_us;
      Attack signer([&](Attack& self) { owner_sign_ins(self, owner, owner_us); });
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
      const Latency l = measure(o_.probe_requests);
      for (auto& a : attacks) a->stop();
      signer.stop();
      const Latency s = summarize(owner_us);
      std::ostringstream extra;
      extra << t.text() << "; the owner's own sign-ins meanwhile: " << owner.text() << " of "
            << owner_us.size() << " (p50 " << static_cast<int>(s.p50 / 1000) << " ms, max "
            << static_cast<int>(s.max / 1000) << " ms)";
      report("sign-in flood", l, base, extra.str());
    }
    // The baseline again, so that the machine's own drift during the run
    // (other processes on a shared machine) shows next to the ratios.
    std::this_thread::sleep_for(std::chrono::seconds(1));  // the last hashes finish
    report("baseline again (after the attacks)", measure(o_.probe_requests), base, "");
    out_ << "\n| phase | probe requests | p50 µs | p99 µs | max µs | p50 / baseline | p99 / "
            "baseline |\n|---|---|---|---|---|---|---|\n"
         << table_.str() << std::endl;
  }

 private:
  static std::string field(const std::string& json, const std::string& name) {
    const std::string key = "\"" + name + "\":\"";
    const size_t at = json.find(key);
    if (at == std::string::npos) return {};
    const size_t start = at + key.size();
    return json.substr(start, json.find('"', start) - start);
  }

  // The probe's round trips (µs), one request at a time.
  Latency measure(int n) {
    std::vector<double> us;
    us.reserve(n);
    // Paced below the server's per-connection rate (100 a second by
    // default), as a person's page is: the latency is the server's, not
    // the throttle's.
    const auto period = std::chrono::duration_cast<Clock::duration>(
        std::chrono::duration<double>(1.0 / o_.probe_rate));
    auto next = Clock::now();
    for (int i = 0; i < n; ++i) {
      std::this_thread::sleep_until(next);
      next += period;
      const std::string id = "p" + std::to_string(++probe_seq_);
      const auto start = Clock::now();
      const std::string r = probe_->request(id, R"("me":null)");
      if (code_of(r) != "ok") throw std::runtime_error("probe request failed: " + code_of(r) + " " + r);
      us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count());
    }
    return summarize(std::move(us));
  }

  void report(const std::string& phase, const Latency& l, const Latency& base,
              const std::string& attack) {
    char line[256];
    std::snprintf(line, sizeof line, "| %s | %zu | %.0f | %.0f | %.0f | %.2f | %.2f |\n",
                  phase.c_str(), l.n, l.p50, l.p99, l.max, l.p50 / base.p50, l.p99 / base.p99);
    table_ << line;
    out_ << phase << ": p50 " << static_cast<int>(l.p50) << " µs, p99 " << static_cast<int>(l.p99)
         << " µs, max " << static_cast<int>(l.max) << " µs";
    if (!attack.empty()) out_ << "\n  attack: " << attack;
    out_ << std::endl;
  }

  // Frames announcing 1 GiB (refused with 1009 after the header) and HTTP
  // bodies over the limit (413), each on a fresh connection.
  void oversized(Attack& self, Tally& t) {
    for (uint64_t i = 0; self.running(); ++i) {
      try {
        if (i % 2 == 0) {
          SyncWs big(port_, "127.0.0.2", std::chrono::seconds(5));
          std::string header = {'\x81', '\xFF'};
          const uint64_t length = 1ull << 30;
          for (int b = 7; b >= 0; --b) header.push_back(static_cast<char>((length >> (8 * b)) & 0xFF));
          header += std::string(4, '\x5a');
          beast::error_code ec;
          net::write(big.stream().next_layer(), net::buffer(header + std::string(64 * 1024, 'a')), ec);
          beast::flat_buffer buf;
          big.stream().read(buf, ec);
          t.add(big.stream().reason().code == websocket::close_code::too_big ? "closed 1009"
                                                                             : "other");
        } else {
          net::io_context ioc;
          tcp::socket s(ioc);
          s.open(tcp::v4());
          s.bind({net::ip::make_address("127.0.0.2"), 0});
          s.connect({net::ip::make_address("127.0.0.1"), port_});
          beast::error_code ec;
          net::write(s,
                     net::buffer("POST /health HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000000\r\n\r\n" +
                                 std::string(128 * 1024, 'a')),
                     ec);
          char buf[512];
          const size_t n = s.read_some(net::buffer(buf), ec);
          t.add(std::string(buf, n).find(" 413 ") != std::string::npos ? "HTTP 413" : "other");
        }
      } catch (const std::exception&) {
        t.add("connection error");
      }
    }
  }

  // One connection (the probe's session, authenticated) pipelining `me`
  // requests, 64 outstanding, as fast as the server reads them.
  void flood(Attack& self, Tally& t) {
    net::io_context io;
    auto c = std::make_shared<WsClient>(io, 0);
    bool authed = false;
    uint64_t sent = 0;
    auto top_up = [&] {
      while (c->in_flight < 64) {
        c->send(R"({"id":"f)" + std::to_string(++sent) + R"(","me":null})");
        ++c->in_flight;
      }
    };
    c->connect({net::ip::make_address("127.0.0.1"), port_},
               [&](bool ok, const std::string&) {
                 if (!ok) return t.add("connect failed");
                 c->send(R"({"id":"auth","authenticate":")" + token_ + "\"}");
               },
               [&](std::string_view frame) {
                 const std::string f(frame);
                 if (!authed) {
                   authed = true;
                   top_up();
                   return;
                 }
                 --c->in_flight;
                 t.add(code_of(f));
                 top_up();
               });
    while (self.running()) io.run_for(std::chrono::milliseconds(50));
    c->close();
    io.run_for(std::chrono::milliseconds(200));
  }

  // Connections that send an upgrade request one byte a second and never
  // finish it; reopened when the server drops them.
  void slowloris(Attack& self, Tally& t, std::atomic<int>& open) {
    static const std::string kRequest =
        "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nX-Slow: "
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    struct Conn {
      explicit Conn(net::io_context& io) : s(io) {}
      tcp::socket s;
      size_t sent = 0;
      bool up = false;
      char byte = 0;
      char sink[64];
    };
    net::io_context io;
    std::vector<std::unique_ptr<Conn>> conns;
    std::function<void(size_t)> start = [&](size_t i) {
      auto& c = conns[i];
      c = std::make_unique<Conn>(io);
      beast::error_code ec;
      c->s.open(tcp::v4(), ec);
      c->s.bind({net::ip::make_address("127.0.0." + std::to_string(10 + i % 4)), 0}, ec);
      Conn* raw = c.get();
      c->s.async_connect({net::ip::make_address("127.0.0.1"), port_}, [&, i, raw](beast::error_code ec) {
        if (conns[i].get() != raw) return;
        if (ec) {
          t.add("connect failed");
          return;
        }
        raw->up = true;
        ++open;
        raw->s.async_read_some(net::buffer(raw->sink), [&, i, raw](beast::error_code, size_t) {
          if (conns[i].get() != raw) return;
          // The server closed it (timeout or cap): count and reopen.
          raw->up = false;
          --open;
          t.add("dropped by the server");
          if (self.running()) start(i);
        });
      });
    };
    conns.resize(o_.slowloris);
    for (size_t i = 0; i < conns.size(); ++i) start(i);
    net::steady_timer tick(io);
    std::function<void()> drip = [&] {
      for (auto& c : conns) {
        if (!c || !c->up) continue;
        c->byte = kRequest[c->sent++ % kRequest.size()];
        beast::error_code ec;
        c->s.non_blocking(true);
        c->s.write_some(net::buffer(&c->byte, 1), ec);
      }
      tick.expires_after(std::chrono::seconds(1));
      tick.async_wait([&](beast::error_code ec) {
        if (!ec) drip();
      });
    };
    drip();
    while (self.running()) io.run_for(std::chrono::milliseconds(50));
    tick.cancel();
    for (auto& c : conns) {
      beast::error_code ec;
      if (c) c->s.close(ec);
    }
    io.run_for(std::chrono::milliseconds(200));
  }

  // Wrong passwords for ever new logins from ever new addresses
  // (127.0.(3+k).x): 19 attempts per address, so the address limit (20)
  // is never what stops them; each costs a hash unless refused `busy`.
  void sign_in_flood(Attack& self, Tally& t, int k) {
    for (int round = 0; self.running(); ++round) {
      try {
        SyncWs bot(port_, "127.0." + std::to_string(3 + k) + "." + std::to_string(round % 250 + 1));
        for (int j = 0; j < 19 && self.running(); ++j) {
          const std::string login = "bot" + std::to_string(k) + "-" + std::to_string(round) + "-" +
                                    std::to_string(j);
          t.add(code_of(bot.request("s", sign_in_body(login, "wrong-password"))));
        }
      } catch (const std::exception&) {
        t.add("connection error");
      }
    }
  }

  // One account (the probe's teacher) guessed from one address.
  void guess_one(Attack& self, Tally& t) {
    try {
      SyncWs guesser(port_, "127.0.0.6");
      for (int i = 0; self.running(); ++i) {
        t.add("one account: " + code_of(guesser.request("g", sign_in_body(logins_[0], "guess-" + std::to_string(i)))));
      }
    } catch (const std::exception&) {
      t.add("connection error");
    }
  }

  // The probe's teacher signing in again from her own address, as a user
  // would on another tab, every 200 ms.
  void owner_sign_ins(Attack& self, Tally& t, std::vector<double>& us) {
    while (self.running()) {
      try {
        SyncWs tab(port_, "127.0.0.1");
        const auto start = Clock::now();
        const std::string code = code_of(tab.request("in", sign_in_body(logins_[0], kDemoPassword)));
        us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count());
        t.add(code);
      } catch (const std::exception&) {
        t.add("connection error");
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
  }

  const AbuseBenchOptions& o_;
  const uint16_t port_;
  const std::vector<std::string> logins_;
  std::ostream& out_;
  std::unique_ptr<SyncWs> probe_;
  std::string token_;
  uint64_t probe_seq_ = 0;
  std::ostringstream table_;
};

}  // namespace

void run_abuse_bench(const AbuseBenchOptions& o, std::ostream& out) {
  if (o.probe_requests < 10 || o.slowloris < 1 || o.weeks < 1 || o.probe_rate <= 0) {
    throw std::runtime_error(
        "need --probe-requests >= 10, --probe-rate > 0, --slowloris >= 1, --weeks >= 1");
  }
  raise_fd_limit(static_cast<size_t>(o.slowloris) + 256);
  const std::filesystem::path binary = find_zhurnal_binary(o.zhurnal);
  ScratchDir scratch(scratch_parent(o.dir), "zhurnal-bench-abuse");
  out << "zhurnal-bench abuse\nmachine: " << machine_summary() << "\nload average "
      << load_average() << "; server " << binary.string() << " (default limits)" << std::endl;
  const std::filesystem::path log_path = scratch.path() / "server.log";
  {
    Stopwatch watch;
    ServerProcess server(binary, scratch.path() / "data", log_path,
                         {"--demo", "--demo-weeks", std::to_string(o.weeks), "--buffered"});
    out << "zhurnal serve pid " << server.pid() << " on 127.0.0.1:" << server.port()
        << " with the demo school, up in " << watch.seconds() << " s" << std::endl;
    std::vector<std::string> logins = demo_logins(log_path);
    if (logins.empty()) throw std::runtime_error("no demo sign-in hints in " + log_path.string());
    AbuseRun run(o, server.port(), std::move(logins), out);
    run.run();
    out << "server RSS at the end " << server.rss_kib() / 1024 << " MiB; stopped: " << server.stop()
        << std::endl;
  }
  if (o.keep) {
    const std::filesystem::path kept = scratch.path().string() + "-kept";
    std::filesystem::rename(scratch.path(), kept);
    std::filesystem::create_directories(scratch.path());
    out << "kept: " << kept.string() << std::endl;
  }
}

}  // namespace zhurnal::bench
