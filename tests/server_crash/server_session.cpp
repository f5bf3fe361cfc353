#include "server_session.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>
#include <cstdlib>
#include <stdexcept>
#include <thread>

#include "ws_frames.hpp"

namespace zhurnal::server_crash {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

using bench::describe_error;
using bench::field;
using bench::is_ok;
using bench::is_push;

std::string request(const std::string& id, const std::string& name, const std::string& body) {
  return "{\"id\":" + bench::json_string(id) + ",\"" + name + "\":" + body + "}";
}

}  // namespace

const char* kind_name(CommandKind kind) {
  switch (kind) {
    case CommandKind::kPostMark: return "postMark";
    case CommandKind::kCorrectMark: return "correctMark";
    case CommandKind::kCancelMark: return "cancelMark";
    case CommandKind::kRecordAttendance: return "recordAttendance";
    case CommandKind::kAssignHomework: return "assignHomework";
  }
  return "?";
}

size_t Ledger::count(SentCommand::State state) const {
  return static_cast<size_t>(std::count_if(commands.begin(), commands.end(),
                                           [&](const SentCommand& c) { return c.state == state; }));
}

std::vector<size_t> Ledger::acked(int cycle) const {
  std::vector<size_t> out;
  for (size_t i = 0; i < commands.size(); ++i) {
    if (commands[i].state == SentCommand::State::kAcked && (cycle < 0 || commands[i].cycle == cycle)) {
      out.push_back(i);
    }
  }
  return out;
}

uint64_t health_head(uint16_t port) {
  asio::io_context io;
  beast::tcp_stream stream(io);
  stream.expires_after(10s);
  stream.connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  http::request<http::empty_body> req(http::verb::get, "/health", 11);
  req.set(http::field::host, "127.0.0.1");
  http::write(stream, req);
  beast::flat_buffer buffer;
  http::response<http::string_body> res;
  http::read(stream, buffer, res);
  const std::string head = field(res.body(), "head");
  if (res.result() != http::status::ok || head.empty()) {
    throw std::runtime_error("GET /health: " + std::to_string(res.result_int()) + " " + res.body());
  }
  return std::stoull(head);
}

ServerSession::ServerSession(uint16_t port, const bench::WsSchool& school, Ledger& ledger,
                             std::mt19937_64& rng, int cycle)
    : port_(port), school_(school), ledger_(ledger), rng_(rng), cycle_(cycle),
      endpoint_(asio::ip::make_address("127.0.0.1"), port) {
  lessons_of_.resize(school_.teachers.size());
  for (size_t h = 0; h < school_.hot.size(); ++h) {
    for (const bench::WsLesson& l : school_.hot[h].lessons) {
      lessons_of_[l.teacher].push_back({h, l.lesson_id});
    }
  }
}

ServerSession::~ServerSession() {
  for (auto& t : teacher_sockets_) t.socket->close();
  for (auto& p : parent_sockets_) p->close();
  io_.stop();
}

void ServerSession::run_until(const std::function<bool()>& done, std::chrono::milliseconds timeout,
                              const std::string& what) {
  const auto deadline = Clock::now() + timeout;
  while (!done()) {
    if (Clock::now() > deadline) throw std::runtime_error("timed out: " + what);
    io_.run_one_for(5ms);
  }
}

ServerSession::Socket ServerSession::open_socket(std::function<void(std::string_view)> on_message) {
  auto socket = std::make_shared<bench::WsClient>(io_, 0);
  bool done = false;
  std::string failure;
  socket->connect(
      endpoint_,
      [&](bool ok, const std::string& what) {
        done = true;
        if (!ok) failure = what;
      },
      std::move(on_message));
  run_until([&] { return done; }, 30s, "WebSocket connect");
  if (!failure.empty()) throw std::runtime_error("WebSocket connect: " + failure);
  return socket;
}

void ServerSession::sign_in(size_t parents) {
  std::vector<std::string> logins;
  for (const bench::WsPerson& t : school_.teachers) logins.push_back(t.login);
  parents = std::min(parents, school_.hot_parents);
  for (size_t p = 0; p < parents; ++p) {
    parents_.push_back(p);
    logins.push_back(school_.parents[p].login);
  }
  std::string answer;
  auto control = open_socket([&](std::string_view frame) {
    if (!is_push(frame)) answer.assign(frame);
  });
  std::vector<std::string> tokens;
  for (const std::string& login : logins) {
    for (int attempt = 0;; ++attempt) {
      answer.clear();
      control->send(request("in", "signIn",
                            "{\"login\":" + bench::json_string(login) + ",\"password\":" +
                                bench::json_string(bench::kWsDemoPassword) + "}"));
      run_until([&] { return !answer.empty(); }, 60s, "sign-in of " + login);
      if (is_ok(answer)) break;
      const std::string code = field(answer, "code");
      if ((code != "busy" && code != "rate_limited") || attempt >= 20) {
        throw std::runtime_error("sign-in of " + login + ": " + describe_error(answer));
      }
      const int wait_s = std::max(1, std::atoi(field(answer, "retryAfterSeconds").c_str()));
      std::this_thread::sleep_for(std::chrono::seconds(wait_s));
    }
    tokens.push_back(field(answer, "token"));
  }
  control->close();
  teacher_tokens_.assign(tokens.begin(), tokens.begin() + school_.teachers.size());
  parent_tokens_.assign(tokens.begin() + school_.teachers.size(), tokens.end());

  // Two sockets per teacher: commands of one teacher on two connections.
  constexpr size_t kSocketsPerTeacher = 2;
  for (size_t t = 0; t < school_.teachers.size(); ++t) {
    for (size_t k = 0; k < kSocketsPerTeacher; ++k) {
      const size_t index = teacher_sockets_.size();
      teacher_sockets_.push_back({nullptr, t, false, 0});
      teacher_sockets_[index].socket =
          open_socket([this, index](std::string_view frame) { on_teacher_frame(index, frame); });
      teacher_sockets_[index].socket->send(request("a", "authenticate", bench::json_string(teacher_tokens_[t])));
    }
  }
  run_until(
      [&] {
        return std::all_of(teacher_sockets_.begin(), teacher_sockets_.end(),
                           [](const TeacherSocket& s) { return s.ready; });
      },
      30s, "teacher sockets authenticate");
}

void ServerSession::on_teacher_frame(size_t index, std::string_view frame) {
  TeacherSocket& s = teacher_sockets_[index];
  if (is_push(frame)) return;
  const std::string id = field(frame, "id");
  if (id == "a") {
    if (!is_ok(frame)) throw std::runtime_error("teacher authenticate: " + describe_error(frame));
    s.ready = true;
    return;
  }
  if (auto r = retries_.find(id); r != retries_.end()) {
    const SentCommand& c = ledger_.commands[r->second];
    ++retries_answered_;
    const std::string what = std::string("retry of ") + kind_name(c.kind) + " " + c.command_id;
    if (!is_ok(frame)) {
      retry_problems_.push_back(what + " refused: " + describe_error(frame));
    } else if (field(frame, "duplicate") != "true") {
      retry_problems_.push_back(what + " was not answered as a duplicate: " + std::string(frame));
    } else if (field(frame, "firstPosition") != std::to_string(c.first_position) ||
               field(frame, "lastPosition") != std::to_string(c.last_position)) {
      retry_problems_.push_back(what + " answered positions " + field(frame, "firstPosition") + ".." +
                                field(frame, "lastPosition") + ", acknowledged " +
                                std::to_string(c.first_position) + ".." +
                                std::to_string(c.last_position));
    }
    retries_.erase(r);
    return;
  }
  auto p = pending_.find(id);
  if (p == pending_.end()) throw std::runtime_error("teacher socket: unexpected answer " + std::string(frame));
  SentCommand& c = ledger_.commands[p->second];
  pending_.erase(p);
  --s.in_flight;
  MarkFacts* mark = c.mark_id.empty() ? nullptr : &ledger_.marks[c.mark_id];
  if (mark) mark->busy = false;
  if (is_ok(frame)) {
    c.state = SentCommand::State::kAcked;
    c.first_position = std::stoull(field(frame, "firstPosition"));
    c.last_position = std::stoull(field(frame, "lastPosition"));
    ++stats_.acked;
    if (field(frame, "duplicate") != "false") {
      throw std::runtime_error("a fresh command id answered as a duplicate: " + std::string(frame));
    }
    if (mark) {
      if (c.kind == CommandKind::kPostMark) mark->posted = true;
      if (c.kind == CommandKind::kCorrectMark) mark->corrected = true;
      if (c.kind == CommandKind::kCancelMark) mark->cancelled = true;
    }
  } else {
    c.state = SentCommand::State::kRejected;
    c.error_code = field(frame, "code");
    ++stats_.rejected;
    ++stats_.rejections[c.error_code];
  }
}

bool ServerSession::send_next(size_t index) {
  TeacherSocket& s = teacher_sockets_[index];
  const auto& lessons = lessons_of_[s.teacher];
  if (lessons.empty()) return false;
  std::uniform_int_distribution<size_t> pick(0, lessons.size() - 1);
  const auto& [hot, lesson] = lessons[pick(rng_)];
  const std::string& student = school_.hot[hot].student_id;

  SentCommand c;
  c.teacher = s.teacher;
  c.hot = hot;
  c.cycle = cycle_;
  c.command_id = "sc-" + ledger_.run_id + "-" + std::to_string(ledger_.commands.size());
  std::string command;
  const int roll = std::uniform_int_distribution<int>(0, 99)(rng_);
  // Marks of this teacher that may be corrected or cancelled now.
  std::string target;
  if (roll >= 50 && roll < 75) {
    std::vector<const std::string*> candidates;
    for (const auto& [id, m] : ledger_.marks) {
      if (m.teacher == s.teacher && m.posted && !m.cancelled && !m.in_doubt && !m.busy) {
        candidates.push_back(&id);
      }
    }
    if (!candidates.empty()) {
      target = *candidates[std::uniform_int_distribution<size_t>(0, candidates.size() - 1)(rng_)];
    }
  }
  const std::pair<std::string, std::string> pair{lesson, student};
  if (!target.empty()) {
    MarkFacts& m = ledger_.marks[target];
    m.busy = true;
    c.mark_id = target;
    c.hot = m.hot;
    if (roll < 65) {
      c.kind = CommandKind::kCorrectMark;
      command = "{\"correctMark\":{\"markId\":" + bench::json_string(target) + ",\"value\":{\"numeric\":" +
                std::to_string(2 + roll % 4) + "},\"reason\":\"Ошибка при вводе\"}}";
    } else {
      c.kind = CommandKind::kCancelMark;
      command = "{\"cancelMark\":{\"markId\":" + bench::json_string(target) +
                ",\"reason\":\"Выставлена по ошибке\"}}";
    }
  } else if (roll >= 75 && roll < 88 && !ledger_.attendance_tried.count(pair)) {
    ledger_.attendance_tried.insert(pair);
    c.kind = CommandKind::kRecordAttendance;
    command = "{\"recordAttendance\":{\"lessonId\":" + bench::json_string(lesson) + ",\"studentId\":" +
              bench::json_string(student) + ",\"code\":\"" + (roll % 2 ? "absent" : "ill") + "\"}}";
  } else if (roll >= 88) {
    c.kind = CommandKind::kAssignHomework;
    command = "{\"assignHomework\":{\"lessonId\":" + bench::json_string(lesson) + ",\"text\":\"Упр. " +
              std::to_string(ledger_.commands.size()) + ", правило на с. 54\",\"dueDate\":\"2026-09-14\"}}";
  } else {
    c.kind = CommandKind::kPostMark;
    c.mark_id = "scm-" + ledger_.run_id + "-" + std::to_string(ledger_.commands.size());
    MarkFacts& m = ledger_.marks[c.mark_id];
    m.teacher = s.teacher;
    m.hot = hot;
    m.busy = true;
    command = "{\"postMark\":{\"markId\":" + bench::json_string(c.mark_id) + ",\"lessonId\":" + bench::json_string(lesson) +
              ",\"studentId\":" + bench::json_string(student) + ",\"value\":{\"numeric\":" +
              std::to_string(2 + roll % 4) + "},\"workTypeId\":\"oral\",\"comment\":\"\"}}";
  }
  c.body = "{\"commandId\":" + bench::json_string(c.command_id) + ",\"command\":" + command + "}";
  const std::string id = "c" + std::to_string(++request_seq_);
  pending_[id] = ledger_.commands.size();
  s.socket->send(request(id, "command", c.body));
  ++s.in_flight;
  ++stats_.sent;
  ledger_.commands.push_back(std::move(c));
  return true;
}

void ServerSession::run_load(size_t window, const std::function<bool()>& stop) {
  while (!stop()) {
    for (size_t i = 0; i < teacher_sockets_.size(); ++i) {
      while (teacher_sockets_[i].socket->open() && teacher_sockets_[i].in_flight < window &&
             send_next(i)) {
      }
    }
    io_.run_one_for(5ms);
  }
}

void ServerSession::settle(std::chrono::milliseconds wait) {
  run_until([&] { return pending_.empty(); }, wait, "answers to every command");
}

void ServerSession::drain(std::chrono::milliseconds wait) {
  const auto deadline = Clock::now() + wait;
  auto all_closed = [&] {
    return std::none_of(teacher_sockets_.begin(), teacher_sockets_.end(),
                        [](const TeacherSocket& s) { return s.socket->open(); });
  };
  while (!all_closed() && Clock::now() < deadline) io_.run_one_for(5ms);
  // Whatever was already read is in; nothing more can come from a dead server.
  io_.poll();
  for (const auto& [id, index] : pending_) {
    SentCommand& c = ledger_.commands[index];
    c.state = SentCommand::State::kUnanswered;
    if (!c.mark_id.empty()) {
      MarkFacts& m = ledger_.marks[c.mark_id];
      m.busy = false;
      m.in_doubt = true;
    }
  }
  pending_.clear();
}

std::vector<std::string> ServerSession::retry_acknowledged(const std::vector<size_t>& commands) {
  if (commands.empty()) return {};
  const uint64_t head_before = health_head(port_);
  retry_problems_.clear();
  retries_answered_ = 0;
  // Each retry goes to a socket of the teacher who sent the command, at most
  // kRetryWindow unanswered at a time (the server refuses a connection's
  // requests past 32 waiting: too_many_requests).
  constexpr size_t kRetryWindow = 16;
  for (size_t begin = 0; begin < commands.size(); begin += kRetryWindow) {
    const size_t end = std::min(commands.size(), begin + kRetryWindow);
    for (size_t k = begin; k < end; ++k) {
      const SentCommand& c = ledger_.commands[commands[k]];
      auto s = std::find_if(teacher_sockets_.begin(), teacher_sockets_.end(),
                            [&](const TeacherSocket& t) { return t.teacher == c.teacher; });
      const std::string id = "r" + std::to_string(++request_seq_);
      retries_[id] = commands[k];
      s->socket->send(request(id, "command", c.body));
    }
    run_until([&] { return retries_answered_ == end; }, 60s, "answers to the retries");
  }
  const uint64_t head_after = health_head(port_);
  if (head_after != head_before) {
    retry_problems_.push_back("the log head moved from " + std::to_string(head_before) + " to " +
                              std::to_string(head_after) + " while only retries were sent");
  }
  return retry_problems_;
}

void ServerSession::on_parent_frame(size_t parent, std::string_view frame) {
  (void)parent;
  if (is_push(frame)) {
    ++stats_.pushes;
    const std::string sub = field(frame, "subscription");
    if (!first_push_.count(sub)) first_push_[sub] = std::string(frame);
    return;
  }
  const std::string id = field(frame, "id");
  if (!is_ok(frame)) {
    parent_problems_.push_back("parent request " + id + " refused: " + describe_error(frame));
    subscription_request_[id] = "";
    return;
  }
  if (id.starts_with("s")) subscription_request_[id] = field(frame, "subscribed");
}

std::vector<std::string> ServerSession::subscribe_parents() {
  parent_problems_.clear();
  // request id -> hot student index
  std::map<std::string, size_t> wanted;
  for (size_t k = 0; k < parents_.size(); ++k) {
    const size_t p = parents_[k];
    auto socket = open_socket([this, k](std::string_view frame) { on_parent_frame(k, frame); });
    parent_sockets_.push_back(socket);
    socket->send(request("a", "authenticate", bench::json_string(parent_tokens_[k])));
    for (size_t h = 0; h < school_.hot.size(); ++h) {
      if (school_.hot[h].parent != p) continue;
      const std::string id = "s" + std::to_string(k) + "-" + std::to_string(h);
      wanted[id] = h;
      socket->send(request(id, "subscribe",
                           "{\"lastPosition\":\"0\",\"diary\":{\"studentId\":" +
                               bench::json_string(school_.hot[h].student_id) + ",\"date\":\"" + kDiaryDate +
                               "\"}}"));
    }
  }
  run_until(
      [&] {
        for (const auto& [id, h] : wanted) {
          auto s = subscription_request_.find(id);
          if (s == subscription_request_.end()) return false;
          if (!s->second.empty() && !first_push_.count(s->second)) return false;
        }
        return true;
      },
      60s, "diary subscriptions and their first pushes");
  // Every acknowledged mark of the child is in its diary, as acknowledged.
  for (const auto& [id, h] : wanted) {
    const std::string sub = subscription_request_[id];
    if (sub.empty()) continue;
    const std::string& frame = first_push_[sub];
    for (const auto& [mark_id, m] : ledger_.marks) {
      if (m.hot != h || !m.posted) continue;
      const size_t at = frame.find("\"markId\":" + bench::json_string(mark_id));
      if (at == std::string::npos) {
        parent_problems_.push_back("acknowledged mark " + mark_id + " is missing from the diary of " +
                                   school_.hot[h].student_id + " after the restart");
        continue;
      }
      if (m.in_doubt) continue;
      const std::string mark = frame.substr(at, frame.find("\"position\"", at) - at);
      const bool cancelled = mark.find("\"cancelled\":true") != std::string::npos;
      const bool corrected = mark.find("\"corrected\":true") != std::string::npos;
      if (cancelled != m.cancelled || corrected != m.corrected) {
        parent_problems_.push_back("mark " + mark_id + " in the diary of " +
                                   school_.hot[h].student_id + ": " + mark +
                                   " but acknowledged: corrected " + (m.corrected ? "yes" : "no") +
                                   ", cancelled " + (m.cancelled ? "yes" : "no"));
      }
    }
  }
  return parent_problems_;
}

}  // namespace zhurnal::server_crash
