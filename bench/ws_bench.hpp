// `zhurnal-bench ws`: end to end over WebSocket against a real
// `zhurnal serve`, started by the benchmark as a child process on a free
// loopback port over a freshly generated demo school (ws_school.hpp).
//
// Phases:
//   1. sign-in: teachers and parents sign in (argon2id, production cost on
//      the server); server RSS is read afterwards (the baseline);
//   2. connect: N parent sockets open (WebSocket handshake, anonymous);
//      RSS again;
//   3. subscribe: each socket `authenticate`s with its parent's token and
//      subscribes to a child's diary, with `patches` as the parent's page
//      does (unless --whole-pushes); every initial push is awaited; RSS
//      again. (RSS after - baseline) / N is the memory per idle connection;
//   4. load: teachers post marks (postMark, one per command, sync
//      durability) at a fixed rate, spread over the hot students, each
//      followed by exactly one socket. For every mark: the time from the
//      teacher's send (the frame queued on her socket) to the parent
//      socket's receipt of a diary push whose position is at or past the
//      mark's (the position comes from the command's answer). Marks of the
//      first `warmup` seconds are not counted;
//   5. drain: waits for the last pushes, then stops the server (SIGTERM).
//
// Everything talks to 127.0.0.1 only and stops by itself. The load generator
// is one thread (one io_context); it raises its own RLIMIT_NOFILE to the hard
// limit, which the server inherits.
#pragma once

#include <ostream>
#include <string>

namespace zhurnal::bench {

struct WsBenchOptions {
  int sockets = 1'000;      // parent sockets, hot ones included
  int hot = 100;            // hot students (one socket each), marks spread over them
  int cold_parents = 16;    // signed-in parents whose tokens the idle sockets share
  int teachers = 8;         // teachers posting marks (at most)
  int teacher_sockets = 4;  // connections per teacher (her token reused)
  bool class_bursts = false;  // WsSchoolOptions::class_bursts
  bool whole_pushes = false;  // subscribe without `patches`: every push is the whole diary
  double rate = 1'000;      // marks per second
  double seconds = 15;      // load duration, warmup included
  double warmup = 3;        // seconds of load not counted
  int weeks = 2;            // demo weeks generated
  std::string dir;          // parent of the scratch directory; empty: system temp dir
  std::string zhurnal;      // path of the zhurnal binary; empty: ../cli/zhurnal
  bool keep = false;        // keep the scratch directory (server log, data) for inspection
};

// Runs the phases, printing progress and a Markdown summary to `out`.
// Throws std::runtime_error on any failure (server, a rejected request, a
// socket that could not connect, pushes that never came).
void run_ws_bench(const WsBenchOptions& options, std::ostream& out);

}  // namespace zhurnal::bench
