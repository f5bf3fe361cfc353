// One life of the `zhurnal serve` child, seen from its clients: teachers
// signing in and posting marks, corrections, cancellations, absences and
// homework through the ordinary `command` request on several sockets with
// several commands in flight each (so that commits group), and parents
// following their children's diaries. Every command and its answer go into
// the Ledger.
//
// Checks made through the protocol (each returns problems as sentences, none
// when all is well):
//   - retry_acknowledged: acknowledged commands sent again under their
//     command ids are answered "duplicate":true with the original positions,
//     and the log head (GET /health) does not move;
//   - subscribe_parents: each diary's first push shows every acknowledged
//     mark of the child, with its acknowledged correction or cancellation.
//
// Errors of the machinery (a socket that cannot connect, a sign-in refused,
// a timeout) throw std::runtime_error. Thread safety: none; everything runs on
// the calling thread, which runs the io_context.
#pragma once

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "ledger.hpp"
#include "ws_client.hpp"
#include "ws_school.hpp"

namespace zhurnal::server_crash {

// The week of the marks: all hot lessons are in the demo's first week.
inline constexpr char kDiaryDate[] = "2026-09-02";

struct LoadStats {
  size_t sent = 0, acked = 0, rejected = 0;
  size_t pushes = 0;
  std::map<std::string, size_t> rejections;  // by error code
};

// GET /health of the server on 127.0.0.1:port: its log head. Throws on failure.
uint64_t health_head(uint16_t port);

class ServerSession {
 public:
  ServerSession(uint16_t port, const bench::WsSchool& school, Ledger& ledger, std::mt19937_64& rng,
                int cycle);
  ~ServerSession();
  ServerSession(const ServerSession&) = delete;
  ServerSession& operator=(const ServerSession&) = delete;

  // Signs in the teachers and `parents` parents (one at a time: each costs a
  // production password hash and the server refuses too many at once from
  // one address), then opens and authenticates the teachers' sockets.
  void sign_in(size_t parents);
  std::vector<std::string> retry_acknowledged(const std::vector<size_t>& commands);
  std::vector<std::string> subscribe_parents();

  // Sends commands, keeping `window` in flight per teacher socket, until
  // `stop()` returns true (checked between io events, at least every 5 ms).
  void run_load(size_t window, const std::function<bool()>& stop);
  // After the server died: reads what the sockets still hold (answers
  // written before the kill are acknowledgements), until every socket is
  // closed or `wait` passes; then marks the commands still in flight
  // kUnanswered and closes everything.
  void drain(std::chrono::milliseconds wait);
  // While the server lives: waits until every command sent has its answer.
  void settle(std::chrono::milliseconds wait);

  const LoadStats& stats() const { return stats_; }

 private:
  using Socket = std::shared_ptr<bench::WsClient>;
  void run_until(const std::function<bool()>& done, std::chrono::milliseconds timeout,
                 const std::string& what);
  Socket open_socket(std::function<void(std::string_view)> on_message);
  // Sends one command on the socket; false when its teacher has no lessons.
  bool send_next(size_t socket);
  void on_teacher_frame(size_t socket, std::string_view frame);
  void on_parent_frame(size_t parent, std::string_view frame);

  uint16_t port_;
  const bench::WsSchool& school_;
  Ledger& ledger_;
  std::mt19937_64& rng_;
  int cycle_;
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_{io_.get_executor()};
  boost::asio::ip::tcp::endpoint endpoint_;

  std::vector<std::string> teacher_tokens_;
  std::vector<size_t> parents_;  // indexes into school_.parents that signed in
  std::vector<std::string> parent_tokens_;
  struct TeacherSocket {
    Socket socket;
    size_t teacher = 0;
    bool ready = false;
    size_t in_flight = 0;
  };
  std::vector<TeacherSocket> teacher_sockets_;
  std::map<std::string, size_t> pending_;  // request id -> ledger index
  // Retries: request id -> ledger index, and their answers.
  std::map<std::string, size_t> retries_;
  std::vector<std::string> retry_problems_;
  size_t retries_answered_ = 0;
  // Parents: their sockets, and the first push of each subscription.
  std::vector<Socket> parent_sockets_;
  std::map<std::string, std::string> first_push_;  // request id "s<parent>-<child>" -> frame
  std::map<std::string, std::string> subscription_request_;  // subscription id -> request id
  std::vector<std::string> parent_problems_;
  // (hot student, lesson) pairs of each teacher, for choosing commands.
  std::vector<std::vector<std::pair<size_t, std::string>>> lessons_of_;
  uint64_t request_seq_ = 0;
  LoadStats stats_;
};

}  // namespace zhurnal::server_crash
