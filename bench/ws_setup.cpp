// The setup phases of `zhurnal-bench ws`: everyone signs in, the parents
// connect and subscribe to their children's diaries, the teachers connect.
#include "ws_run.hpp"

namespace zhurnal::bench::ws_internal {

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
    auto send_one = [c, &people](size_t k) {
      c->send("{\"id\":\"" + std::to_string(k) + "\",\"signIn\":{\"login\":" +
              json_string(people[k]->login) + ",\"password\":\"" + kWsDemoPassword + "\"}}");
    };
    c->connect(
        endpoint_,
        [c, first, last, send_one](bool ok, const std::string& what) {
          if (!ok) throw std::runtime_error("sign-in connection: " + what);
          for (size_t k = first; k < last; ++k) send_one(k);
        },
        [&, send_one](std::string_view frame) {
          if (is_push(frame)) return;
          const size_t k = std::stoul(field(frame, "id"));
          if (!is_ok(frame) && field(frame, "code") == "busy") {
            // The server hashes a bounded number of passwords at once and
            // refuses the rest with `busy`: ask again when it says.
            const std::string after = field(frame, "retryAfterSeconds");
            auto timer = std::make_shared<asio::steady_timer>(
                io_, std::chrono::seconds(after.empty() ? 1 : std::max(1, std::stoi(after))));
            timer->async_wait([timer, send_one, k](boost::system::error_code) { send_one(k); });
            ++sign_in_retries_;
            return;
          }
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
       << " s (" << sign_in_retries_ << " retried after `busy`)" << std::endl;
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
    // As the parent's page does: patches after the first whole diary.
    parents_[i]->send(std::string(R"({"id":"s","subscribe":{"lastPosition":"0",)") +
                      (o_.whole_pushes ? "" : R"("patches":true,)") + R"("diary":{"studentId":)" +
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

}  // namespace zhurnal::bench::ws_internal
