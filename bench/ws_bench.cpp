#include "ws_bench.hpp"

#include "ws_run.hpp"

namespace zhurnal::bench::ws_internal {

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
  if (m.measured) {
    answer_ms_.push_back(std::chrono::duration<double, std::milli>(Clock::now() - m.sent).count());
  }
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
       << school_.teachers.size() << " teachers x " << o_.teacher_sockets << " sockets, "
       << (o_.class_bursts ? "class by class (--class-bursts)" : "round-robin over the classes")
       << (o_.whole_pushes ? ", whole diary in every push (--whole-pushes)" : ", diary patches")
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
  // The write side's share: a command is answered once durable and folded
  // into the journal's state; the push also waits for the views and the
  // diary's rendering.
  std::sort(answer_ms_.begin(), answer_ms_.end());
  std::snprintf(line, sizeof line,
                "teacher's send -> answer (durable, folded): p50 %.2f ms, p99 %.2f ms, max %.2f ms "
                "(%zu answers)\n",
                percentile(answer_ms_, 0.5), percentile(answer_ms_, 0.99),
                answer_ms_.empty() ? 0.0 : answer_ms_.back(), answer_ms_.size());
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

}  // namespace zhurnal::bench::ws_internal

namespace zhurnal::bench {

using ws_internal::raise_fd_limit;
using ws_internal::WsRun;

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
  so.class_bursts = o.class_bursts;
  const WsSchool school = prepare_ws_school(so, binary, out);
  out << "generated in " << school.generate_seconds << " s: " << school.events << " events; "
      << school.teachers.size() << " teachers, " << school.hot_parents << " hot parents, "
      << school.parents.size() - school.hot_parents << " cold parents" << std::endl;

  const std::filesystem::path log_path = scratch.path() / "server.log";
  {
    Stopwatch watch;
    // Every socket comes from 127.0.0.1 and stays anonymous until its turn
    // to authenticate: the per-address cap on anonymous connections (an
    // abuse limit for the Internet side) would refuse the load generator.
    ServerProcess server(binary, so.data, log_path, {"--max-anonymous-per-address", "0"});
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
