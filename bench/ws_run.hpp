// The state of one `zhurnal-bench ws` run (ws_bench.hpp): the sockets, the
// marks in flight and the figures. The setup phases (sign-in, connecting
// and subscribing the parents, connecting the teachers) are in
// ws_setup.cpp; the load, drain and report in ws_bench.cpp.
#pragma once

#include <sys/resource.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/steady_timer.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "bench_support.hpp"
#include "ws_client.hpp"
#include "ws_school.hpp"
#include "ws_server.hpp"

#include "ws_bench.hpp"
#include "ws_frames.hpp"

namespace zhurnal::bench::ws_internal {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

inline constexpr double kLatencyGoalMs = 5.0;    // p99, the goal at 1,000 posts/s and 10,000 sockets
inline constexpr double kIdleGoalKib = 16.0;     // per idle connection
inline constexpr int kMaxInFlight = 30;          // per teacher socket (the server refuses over 32)
inline constexpr int kConnectWindow = 200;       // connects + handshakes at once
inline constexpr int kSubscribeWindow = 400;     // sockets authenticating/subscribing at once
inline constexpr size_t kRecentPushes = 16;

// Frame helpers: ws_frames.hpp.
using bench::describe_error;
using bench::field;
using bench::is_ok;
using bench::is_push;
using bench::json_string;
inline double mib(uint64_t kib) { return kib / 1024.0; }

struct Mark {
  Clock::time_point sent;
  uint64_t position = 0;  // from the answer; 0 until then
  size_t hot = 0;
  bool measured = false;
  bool done = false;
};

struct HotState {
  std::deque<size_t> pending;  // marks not yet seen in a push, oldest first
  std::deque<std::pair<uint64_t, Clock::time_point>> pushes;  // recent (position, receipt)
};

class WsRun {
 public:
  WsRun(const WsBenchOptions& o, const WsSchool& school, ServerProcess& server, std::ostream& out)
      : o_(o), school_(school), server_(server), out_(out),
        endpoint_(asio::ip::make_address("127.0.0.1"), server.port()) {}

  void run();

 private:
  // Runs the io_context until `done()` holds; throws after `timeout_s`.
  void run_until(const std::function<bool()>& done, double timeout_s, const std::string& what);
  void sign_in();
  void connect_parents();
  void subscribe_parents();
  void connect_teachers();
  void load();
  void drain();
  void report();

  void on_parent_message(size_t i, std::string_view frame);
  void on_mark_answer(size_t mark, uint64_t position);
  void resolve(size_t mark, Clock::time_point received);
  void send_mark();

  const WsBenchOptions& o_;
  const WsSchool& school_;
  ServerProcess& server_;
  std::ostream& out_;
  asio::io_context io_;
  // Keeps io_ from stopping when a phase leaves no operation pending (a
  // stopped io_context would ignore the next phase's run_one_for calls).
  asio::executor_work_guard<asio::io_context::executor_type> work_{io_.get_executor()};
  asio::ip::tcp::endpoint endpoint_;

  std::vector<std::string> teacher_tokens_, parent_tokens_;
  size_t sign_in_retries_ = 0;
  std::vector<std::shared_ptr<WsClient>> parents_;    // [0, hot) hot sockets, then cold
  std::vector<std::vector<std::shared_ptr<WsClient>>> teacher_sockets_;
  std::vector<size_t> teacher_next_;
  std::vector<int> parent_state_;  // 0 connected, 1 asked, 2 subscribed, 3 initial push in
  size_t connected_ = 0, subscribed_ = 0, initial_pushes_ = 0;
  std::vector<HotState> hot_;
  std::vector<Mark> marks_;
  size_t measured_ = 0, resolved_ = 0, cold_pushes_ = 0, hot_pushes_ = 0;
  std::map<std::string, size_t> rejected_;
  size_t throttled_ = 0;
  std::vector<double> latency_ms_;
  std::vector<double> answer_ms_;  // measured marks: send -> the command's answer

  struct Rss {
    uint64_t start = 0, signed_in = 0, connected = 0, subscribed = 0, after_load = 0;
  } rss_;
  double sign_in_seconds_ = 0, connect_seconds_ = 0, subscribe_seconds_ = 0;
  double load_seconds_ = 0, server_cpu_ = 0, client_cpu_ = 0;
  uint64_t marks_sent_ = 0;
};

}  // namespace zhurnal::bench::ws_internal
