#include "ws_bench.hpp"

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

namespace zhurnal::bench {
namespace {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

constexpr double kLatencyGoalMs = 5.0;    // p99, the issue's goal at 1,000 posts/s and 10,000 sockets
constexpr double kIdleGoalKib = 16.0;     // per idle connection
constexpr int kMaxInFlight = 30;          // per teacher socket (the server refuses over 32)
constexpr int kConnectWindow = 200;       // connects + handshakes at once
constexpr int kSubscribeWindow = 400;     // sockets authenticating/subscribing at once
constexpr size_t kRecentPushes = 16;

// The value of "key":"value" (or "key":number) in a frame; empty when absent.
std::string field(std::string_view frame, std::string_view key) {
  const std::string pattern = "\"" + std::string(key) + "\":";
  const size_t at = frame.find(pattern);
  if (at == std::string_view::npos) return {};
  size_t begin = at + pattern.size();
  if (begin < frame.size() && frame[begin] == '"') {
    const size_t end = frame.find('"', begin + 1);
    return std::string(frame.substr(begin + 1, end - begin - 1));
  }
  size_t end = begin;
  while (end < frame.size() && frame[end] != ',' && frame[end] != '}') ++end;
  return std::string(frame.substr(begin, end - begin));
}

bool is_push(std::string_view frame) { return frame.starts_with("{\"push\""); }
bool is_ok(std::string_view frame) { return frame.find("\"ok\":true") != std::string_view::npos; }

std::string describe_error(std::string_view frame) {
  return field(frame, "code") + " (" + field(frame, "message") + ")";
}

std::string json_string(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out + "\"";
}

double mib(uint64_t kib) { return kib / 1024.0; }

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

  struct Rss {
    uint64_t start = 0, signed_in = 0, connected = 0, subscribed = 0, after_load = 0;
  } rss_;
  double sign_in_seconds_ = 0, connect_seconds_ = 0, subscribe_seconds_ = 0;
  double load_seconds_ = 0, server_cpu_ = 0, client_cpu_ = 0;
  uint64_t marks_sent_ = 0;
};

void WsRun::run_until(const std::function<bool()>& done, double timeout_s,
                      const std::string& what) {
  const auto deadline = Clock::now() + std::chrono::duration<double>(timeout_s);
  while (!done()) {
    io_.run_one_for(std::chrono::milliseconds(50));
    if (Clock::now() > deadline) throw std::runtime_error("timed out: " + what);
  }
}

void WsRun::sign_in() {
  // Everyone who signs in, on a few connections; the server handles one
  // request of a connection at a time and hashes two passwords at once.
  std::vector<const WsPerson*> people;
  for (const WsPerson& p : school_.teachers) people.push_back(&p);
  for (const WsPerson& p : school_.parents) people.push_back(&p);
  std::vector<std::string> tokens(people.size());
  size_t answered = 0;
  const size_t per_conn = 16;
  std::vector<std::shared_ptr<WsClient>> conns;
  Stopwatch watch;
  for (size_t first = 0; first < people.size(); first += per_conn) {
    auto c = std::make_shared<WsClient>(io_, static_cast<int>(conns.size()));
    conns.push_back(c);
    const size_t last = std::min(people.size(), first + per_conn);
    c->connect(
        endpoint_,
        [this, c, first, last, &people](bool ok, const std::string& what) {
          if (!ok) throw std::runtime_error("sign-in connection: " + what);
          for (size_t k = first; k < last; ++k) {
            c->send("{\"id\":\"" + std::to_string(k) + "\",\"signIn\":{\"login\":" +
                    json_string(people[k]->login) + ",\"password\":\"" + kWsDemoPassword +
                    "\"}}");
          }
        },
        [&](std::string_view frame) {
          if (is_push(frame)) return;
          const size_t k = std::stoul(field(frame, "id"));
          if (!is_ok(frame)) {
            throw std::runtime_error("sign-in of " + people.at(k)->login + ": " +
                                     describe_error(frame));
          }
          tokens.at(k) = field(frame, "token");
          ++answered;
        });
  }
  run_until([&] { return answered == people.size(); }, 60 + people.size() * 2.0, "sign-in");
  sign_in_seconds_ = watch.seconds();
  teacher_tokens_.assign(tokens.begin(), tokens.begin() + school_.teachers.size());
  parent_tokens_.assign(tokens.begin() + school_.teachers.size(), tokens.end());
  for (auto& c : conns) c->close();
  out_ << "signed in " << people.size() << " people (" << school_.teachers.size()
       << " teachers, " << school_.parents.size() << " parents) in " << sign_in_seconds_
       << " s" << std::endl;
}

void WsRun::connect_parents() {
  const size_t n = static_cast<size_t>(o_.sockets);
  parents_.resize(n);
  parent_state_.assign(n, -1);
  size_t next = 0, failed = 0;
  std::string first_failure;
  std::function<void()> start_one = [&] {
    if (next >= n) return;
    const size_t i = next++;
    auto c = std::make_shared<WsClient>(io_, static_cast<int>(i));
    parents_[i] = c;
    c->connect(
        endpoint_,
        [&, i](bool ok, const std::string& what) {
          if (!ok) {
            if (failed++ == 0) first_failure = what;
          } else {
            parent_state_[i] = 0;
            ++connected_;
          }
          start_one();
        },
        [this, i](std::string_view frame) { on_parent_message(i, frame); });
  };
  Stopwatch watch;
  for (int k = 0; k < kConnectWindow; ++k) start_one();
  run_until([&] { return connected_ + failed == n; }, 120 + n / 100.0, "connect");
  if (failed > 0) {
    throw std::runtime_error(std::to_string(failed) + " of " + std::to_string(n) +
                             " sockets failed to connect; first: " + first_failure);
  }
  connect_seconds_ = watch.seconds();
}

void WsRun::subscribe_parents() {
  const size_t n = parents_.size();
  const size_t hot = school_.hot.size();
  const size_t cold_parents = school_.parents.size() - school_.hot_parents;
  size_t next = 0;
  auto start_one = [&] {
    if (next >= n) return;
    const size_t i = next++;
    size_t parent;
    std::string student;
    if (i < hot) {
      parent = school_.hot[i].parent;
      student = school_.hot[i].student_id;
    } else {
      const size_t j = i - hot;
      parent = school_.hot_parents + j % cold_parents;
      const auto& children = school_.parents[parent].children;
      student = children[(j / cold_parents) % children.size()];
    }
    parent_state_[i] = 1;
    parents_[i]->send("{\"id\":\"a\",\"authenticate\":" + json_string(parent_tokens_[parent]) +
                      "}");
    parents_[i]->send(R"({"id":"s","subscribe":{"lastPosition":"0","diary":{"studentId":)" +
                      json_string(student) + ",\"date\":\"" + school_.diary_date + "\"}}}");
  };
  Stopwatch watch;
  for (int k = 0; k < kSubscribeWindow; ++k) start_one();
  size_t started_for = 0;
  run_until(
      [&] {
        // Keep the window full: one new socket per initial push received.
        while (started_for < initial_pushes_) {
          ++started_for;
          start_one();
        }
        return initial_pushes_ == n;
      },
      120 + n / 50.0, "subscribe and initial pushes");
  subscribe_seconds_ = watch.seconds();
}

void WsRun::on_parent_message(size_t i, std::string_view frame) {
  const auto received = Clock::now();
  if (!is_push(frame)) {
    if (!is_ok(frame)) {
      throw std::runtime_error("socket " + std::to_string(i) + ": " + field(frame, "id") + ": " +
                               describe_error(frame));
    }
    if (field(frame, "id") == "s") {
      parent_state_[i] = 2;
      ++subscribed_;
    }
    return;
  }
  const uint64_t position = std::stoull(field(frame, "position"));
  if (parent_state_[i] < 3) {  // the subscription's initial push
    parent_state_[i] = 3;
    ++initial_pushes_;
    parents_[i]->shrink();
    return;
  }
  if (i >= hot_.size()) {
    ++cold_pushes_;
    parents_[i]->shrink();
    return;
  }
  ++hot_pushes_;
  HotState& h = hot_[i];
  h.pushes.emplace_back(position, received);
  if (h.pushes.size() > kRecentPushes) h.pushes.pop_front();
  for (auto it = h.pending.begin(); it != h.pending.end();) {
    Mark& m = marks_[*it];
    if (m.position != 0 && m.position <= position) {
      resolve(*it, received);
      it = h.pending.erase(it);
    } else {
      ++it;
    }
  }
}

void WsRun::resolve(size_t mark, Clock::time_point received) {
  Mark& m = marks_[mark];
  if (m.done) return;
  m.done = true;
  if (!m.measured) return;
  ++resolved_;
  latency_ms_.push_back(std::chrono::duration<double, std::milli>(received - m.sent).count());
}

void WsRun::on_mark_answer(size_t mark, uint64_t position) {
  Mark& m = marks_[mark];
  m.position = position;
  // The push may have come before the answer.
  for (const auto& [pushed, received] : hot_[m.hot].pushes) {
    if (pushed >= position) {
      resolve(mark, received);
      auto& pending = hot_[m.hot].pending;
      pending.erase(std::find(pending.begin(), pending.end(), mark));
      return;
    }
  }
}

void WsRun::connect_teachers() {
  teacher_sockets_.resize(school_.teachers.size());
  teacher_next_.assign(school_.teachers.size(), 0);
  size_t ready = 0, wanted = 0;
  for (size_t t = 0; t < school_.teachers.size(); ++t) {
    for (int k = 0; k < o_.teacher_sockets; ++k) {
      auto c = std::make_shared<WsClient>(io_, static_cast<int>(wanted++));
      teacher_sockets_[t].push_back(c);
      WsClient* raw = c.get();
      c->connect(
          endpoint_,
          [this, c, t](bool ok, const std::string& what) {
            if (!ok) throw std::runtime_error("teacher socket: " + what);
            c->send("{\"id\":\"a\",\"authenticate\":" + json_string(teacher_tokens_[t]) + "}");
          },
          [this, raw, &ready](std::string_view frame) {
            if (is_push(frame)) return;
            const std::string id = field(frame, "id");
            if (id == "a") {
              if (!is_ok(frame)) throw std::runtime_error("teacher: " + describe_error(frame));
              ++ready;
              return;
            }
            --raw->in_flight;
            if (id.empty() || id[0] != 'm') {
              throw std::runtime_error("teacher socket: unexpected answer " + describe_error(frame));
            }
            const size_t mark = std::stoul(id.substr(1));
            if (is_ok(frame)) {
              on_mark_answer(mark, std::stoull(field(frame, "lastPosition")));
            } else {
              ++rejected_[field(frame, "code")];
              Mark& m = marks_[mark];
              m.done = true;
              auto& pending = hot_[m.hot].pending;
              pending.erase(std::find(pending.begin(), pending.end(), mark));
            }
          });
    }
  }
  run_until([&] { return ready == wanted; }, 60, "teacher sockets");
}

void WsRun::send_mark() {
  const size_t k = marks_.size();
  const size_t h = k % school_.hot.size();
  const WsHotStudent& student = school_.hot[h];
  const WsLesson& lesson = student.lessons[(k / school_.hot.size()) % student.lessons.size()];
  auto& sockets = teacher_sockets_[lesson.teacher];
  WsClient* socket = nullptr;
  for (size_t tries = 0; tries < sockets.size() && socket == nullptr; ++tries) {
    WsClient* c = sockets[teacher_next_[lesson.teacher]++ % sockets.size()].get();
    if (c->in_flight < kMaxInFlight) socket = c;
  }
  if (socket == nullptr) {
    ++throttled_;
    return;
  }
  static const char* kValues[] = {"5", "4", "3", "4", "5", "2"};
  Mark m;
  m.hot = h;
  m.sent = Clock::now();
  marks_.push_back(m);
  hot_[h].pending.push_back(k);
  ++socket->in_flight;
  ++marks_sent_;
  // The run's own id prefix keeps command and mark ids unique across runs.
  socket->send("{\"id\":\"m" + std::to_string(k) + "\",\"command\":{\"commandId\":\"wsb-c" +
               std::to_string(k) + "\",\"command\":{\"postMark\":{\"markId\":\"wsb-m" +
               std::to_string(k) + "\",\"lessonId\":" + json_string(lesson.lesson_id) +
               ",\"studentId\":" + json_string(student.student_id) + ",\"value\":{\"numeric\":" +
               kValues[k % 6] + "},\"workTypeId\":\"oral\",\"comment\":\"\"}}}}");
}

void WsRun::load() {
  hot_.resize(school_.hot.size());
  marks_.reserve(static_cast<size_t>(o_.rate * o_.seconds * 1.1) + 16);
  const double server_cpu_before = server_.cpu_seconds();
  const double client_cpu_before = process_cpu_seconds();
  const auto start = Clock::now();
  const auto warm = start + std::chrono::duration_cast<Clock::duration>(
                                std::chrono::duration<double>(o_.warmup));
  const auto end = start + std::chrono::duration_cast<Clock::duration>(
                               std::chrono::duration<double>(o_.seconds));
  asio::steady_timer timer(io_);
  bool running = true;
  std::function<void()> tick = [&] {
    const auto now = Clock::now();
    if (now >= end) {
      running = false;
      return;
    }
    const double elapsed = std::chrono::duration<double>(now - start).count();
    const auto due = static_cast<uint64_t>(elapsed * o_.rate);
    while (marks_sent_ < due) {
      const size_t before = marks_.size();
      send_mark();
      if (marks_.size() == before) break;  // every socket of that teacher is full
      marks_.back().measured = now >= warm;
      if (marks_.back().measured) ++measured_;
    }
    timer.expires_after(std::chrono::milliseconds(1));
    timer.async_wait([&](boost::system::error_code) { tick(); });
  };
  tick();
  run_until([&] { return !running; }, o_.seconds + 60, "load");
  load_seconds_ = std::chrono::duration<double>(Clock::now() - start).count();
  drain();
  server_cpu_ = server_.cpu_seconds() - server_cpu_before;
  client_cpu_ = process_cpu_seconds() - client_cpu_before;
}

void WsRun::drain() {
  const auto deadline = Clock::now() + std::chrono::seconds(20);
  auto all_done = [&] {
    for (const Mark& m : marks_) {
      if (!m.done) return false;
    }
    return true;
  };
  while (!all_done() && Clock::now() < deadline) io_.run_one_for(std::chrono::milliseconds(20));
}

void WsRun::run() {
  rss_.start = server_.rss_kib();
  sign_in();
  io_.run_for(std::chrono::milliseconds(500));
  rss_.signed_in = server_.rss_kib();
  out_ << "server RSS after sign-in: " << mib(rss_.signed_in) << " MiB, " << server_.threads()
       << " threads" << std::endl;

  connect_parents();
  io_.run_for(std::chrono::seconds(1));
  rss_.connected = server_.rss_kib();
  out_ << "connected " << parents_.size() << " sockets in " << connect_seconds_
       << " s; server RSS " << mib(rss_.connected) << " MiB" << std::endl;

  subscribe_parents();
  io_.run_for(std::chrono::seconds(2));
  rss_.subscribed = server_.rss_kib();
  out_ << "authenticated and subscribed " << parents_.size() << " sockets in "
       << subscribe_seconds_ << " s (initial pushes in); server RSS " << mib(rss_.subscribed)
       << " MiB" << std::endl;

  connect_teachers();
  out_ << "load: " << o_.rate << " marks/s for " << o_.seconds << " s (" << o_.warmup
       << " s warmup) over " << school_.hot.size() << " hot students, "
       << school_.teachers.size() << " teachers x " << o_.teacher_sockets << " sockets"
       << std::endl;
  load();
  rss_.after_load = server_.rss_kib();
  report();
}

double percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  const size_t i = std::min(sorted.size() - 1, static_cast<size_t>(p * sorted.size()));
  return sorted[i];
}

void WsRun::report() {
  std::sort(latency_ms_.begin(), latency_ms_.end());
  size_t rejected = 0;
  for (const auto& [code, n] : rejected_) rejected += n;
  // Measured marks accepted but never seen in a push (rejected ones are done).
  const size_t missing = static_cast<size_t>(std::count_if(
      marks_.begin(), marks_.end(), [](const Mark& m) { return m.measured && !m.done; }));
  const double p99 = percentile(latency_ms_, 0.99);
  const double idle_kib =
      (static_cast<double>(rss_.subscribed) - static_cast<double>(rss_.signed_in)) /
      parents_.size();
  const double bare_kib =
      (static_cast<double>(rss_.connected) - static_cast<double>(rss_.signed_in)) /
      parents_.size();
  char line[512];
  out_ << "\n| sockets | marks/s asked | marks/s sent | measured | p50 ms | p99 ms | p99.9 ms "
          "| max ms | no push | rejected | server CPU | bench CPU |\n"
       << "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n";
  std::snprintf(line, sizeof line,
                "| %zu | %.0f | %.0f | %zu | %.2f | %.2f | %.2f | %.2f | %zu | %zu | %.0f%% | "
                "%.0f%% |\n",
                parents_.size(), o_.rate, marks_sent_ / load_seconds_, resolved_,
                percentile(latency_ms_, 0.5), p99, percentile(latency_ms_, 0.999),
                latency_ms_.empty() ? 0.0 : latency_ms_.back(), missing, rejected,
                100 * server_cpu_ / load_seconds_, 100 * client_cpu_ / load_seconds_);
  out_ << line << "\n";
  out_ << "| server RSS | MiB |\n|---|---:|\n";
  std::snprintf(line, sizeof line,
                "| started | %.1f |\n| signed in (baseline) | %.1f |\n| + %zu sockets connected "
                "| %.1f |\n| + authenticated and subscribed | %.1f |\n| after the load | %.1f |\n",
                mib(rss_.start), mib(rss_.signed_in), parents_.size(), mib(rss_.connected),
                mib(rss_.subscribed), mib(rss_.after_load));
  out_ << line << "\n";
  std::snprintf(line, sizeof line,
                "per idle connection: %.1f KiB connected only, %.1f KiB authenticated with a "
                "diary subscription\n",
                bare_kib, idle_kib);
  out_ << line;
  std::snprintf(line, sizeof line,
                "phases: sign-in %.1f s, connect %.1f s, subscribe %.1f s; marks sent after the "
                "warmup %zu, with a push %zu; hot pushes %zu, pushes to idle sockets %zu, sends "
                "deferred (teacher sockets full) %zu\n",
                sign_in_seconds_, connect_seconds_, subscribe_seconds_, measured_, resolved_,
                hot_pushes_, cold_pushes_, throttled_);
  out_ << line;
  for (const auto& [code, n] : rejected_) out_ << "rejected " << code << ": " << n << "\n";
  std::snprintf(line, sizeof line, "goal p99 <= %.0f ms: %s (%.2f ms); goal <= %.0f KiB per idle "
                "connection: %s (%.1f KiB)\n",
                kLatencyGoalMs, p99 <= kLatencyGoalMs ? "met" : "MISSED", p99, kIdleGoalKib,
                idle_kib <= kIdleGoalKib ? "met" : "MISSED", idle_kib);
  out_ << line;
  if (o_.rate < 1000 || parents_.size() < 10'000) {
    out_ << "(the goals are stated for 1,000 marks/s and 10,000 sockets; this run is smaller)\n";
  }
  out_ << std::endl;
}

void raise_fd_limit(size_t needed) {
  rlimit r{};
  if (::getrlimit(RLIMIT_NOFILE, &r) != 0) throw std::runtime_error("getrlimit failed");
  if (r.rlim_cur < r.rlim_max) {
    r.rlim_cur = r.rlim_max;
    if (::setrlimit(RLIMIT_NOFILE, &r) != 0) throw std::runtime_error("setrlimit failed");
  }
  if (r.rlim_cur < needed) {
    throw std::runtime_error("the file descriptor limit is " + std::to_string(r.rlim_cur) +
                             ", the run needs about " + std::to_string(needed) +
                             "; raise the hard limit (ulimit -Hn) or lower --sockets");
  }
}

}  // namespace

void run_ws_bench(const WsBenchOptions& o, std::ostream& out) {
  if (o.sockets < o.hot || o.hot < 1 || o.cold_parents < 1 || o.teachers < 1 ||
      o.teacher_sockets < 1 || o.rate <= 0 || o.seconds <= o.warmup) {
    throw std::runtime_error(
        "need --sockets >= --hot >= 1, --cold-parents, --teachers, --teacher-sockets >= 1, "
        "--rate > 0 and --seconds > --warmup");
  }
  raise_fd_limit(static_cast<size_t>(o.sockets) + o.teachers * o.teacher_sockets + 256);
  const std::filesystem::path binary = find_zhurnal_binary(o.zhurnal);
  ScratchDir scratch(scratch_parent(o.dir), "zhurnal-bench-ws");
  out << "zhurnal-bench ws\nmachine: " << machine_summary() << "\nload average "
      << load_average() << "; server " << binary.string() << "\nscratch: "
      << scratch.path().string() << std::endl;

  WsSchoolOptions so;
  so.data = scratch.path() / "data";
  so.weeks = o.weeks;
  so.hot_students = o.hot;
  so.cold_parents = o.cold_parents;
  so.teachers = o.teachers;
  const WsSchool school = prepare_ws_school(so, binary, out);
  out << "generated in " << school.generate_seconds << " s: " << school.events << " events; "
      << school.teachers.size() << " teachers, " << school.hot_parents << " hot parents, "
      << school.parents.size() - school.hot_parents << " cold parents" << std::endl;

  const std::filesystem::path log_path = scratch.path() / "server.log";
  {
    Stopwatch watch;
    ServerProcess server(binary, so.data, log_path);
    out << "zhurnal serve pid " << server.pid() << " on 127.0.0.1:" << server.port()
        << ", up in " << watch.seconds() << " s" << std::endl;
    WsRun run(o, school, server, out);
    run.run();
    out << "server stopped: " << server.stop() << std::endl;
  }
  if (o.keep) {
    const std::filesystem::path kept = scratch.path().string() + "-kept";
    std::filesystem::rename(scratch.path(), kept);
    std::filesystem::create_directories(scratch.path());
    out << "kept: " << kept.string() << std::endl;
  }
}

}  // namespace zhurnal::bench
