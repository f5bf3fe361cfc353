// Crash cycles of the whole server (issue #8): the real `zhurnal serve`
// binary runs over a demo school (generated once by `zhurnal serve --demo`,
// bench/ws_school.cpp) with durable appends, three teachers post marks,
// corrections, cancellations, absences and homework through the `command`
// request on six sockets with several commands in flight each (so that kills
// land in group commits, projection applies and pushes), and two parents
// follow their children's diaries. After a random delay the server is killed
// with SIGKILL. All cycles share one data directory: every restart recovers
// from the previous kill.
//
// After each kill, on a copy of the data directory (so that the next server
// recovers the original itself): the full log audit (chain, stream index,
// receipts), every command the server acknowledged in the cycle found at its
// acknowledged positions with its command id, actor and event type, and every
// projection equal to a rebuild at its checkpoint with no stray rows.
// After each restart, through the protocol: the acknowledged commands of the
// previous cycle sent again are answered "duplicate":true with their original
// positions and the log head does not move; each diary's first push shows
// every acknowledged mark of the child with its acknowledged correction or
// cancellation. Every fifth cycle the kill lands while the server starts
// (RocksDB recovery, projection catch-up) instead of under load.
// At the end a last server accepts new commands, answers their retries as
// duplicates, stops on SIGTERM, and the real data directory passes the audit
// with every acknowledged command of the run and caught-up projections.
//
// Environment:
//   ZHURNAL_SCRASH_CYCLES  kill cycles (default 4; `server-crash-long`: 100)
//   ZHURNAL_SCRASH_SEED    reproduces the kill delays and command choices of
//                          a run (timing still differs); printed at the start
//   ZHURNAL_SCRASH_WEEKS   demo weeks of the school (default 1)
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <optional>
#include <random>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "crash/child_process.hpp"
#include "data_audit.hpp"
#include "server_session.hpp"
#include "support/env.hpp"
#include "support/temp_dir.hpp"
#include "ws_school.hpp"

namespace zhurnal::server_crash {
namespace {

namespace fs = std::filesystem;
using crash::ChildProcess;
using Clock = ChildProcess::Clock;
using namespace std::chrono_literals;

constexpr uint64_t kDefaultCycles = 4;
constexpr int kStartupKillEvery = 5;   // cycles 4, 9, 14, ... kill during startup
constexpr int kMinKillDelayMs = 30;    // after the load starts
constexpr int kMaxKillDelayMs = 1200;
constexpr size_t kWindow = 4;          // commands in flight per teacher socket
constexpr size_t kParents = 2;         // parents signed in, following diaries
constexpr size_t kRetriesPerCycle = 40;
constexpr auto kStartTimeout = 180s;   // recovery and projection catch-up included

using zhurnal::testing::env_u64;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Starts `zhurnal serve` on `data`; *port is 0 when it did not announce its
// port before `deadline` (or died first).
std::unique_ptr<ChildProcess> spawn_server(const fs::path& data, const fs::path& stderr_path) {
  auto child = ChildProcess::spawn(
      ZHURNAL_BIN, {"serve", "--data", data.string(), "--listen", "127.0.0.1:0"},
      stderr_path.string());
  if (!child) throw std::runtime_error(child.error());
  return std::move(*child);
}

uint16_t wait_port(ChildProcess& server, Clock::time_point deadline) {
  static const std::regex kListening("http://127\\.0\\.0\\.1:([0-9]+)/");
  std::string line;
  while (server.read_line(deadline, &line) == ChildProcess::ReadStatus::kLine) {
    std::smatch m;
    if (std::regex_search(line, m, kListening)) return static_cast<uint16_t>(std::stoi(m[1]));
  }
  return 0;
}

// Copies the log and the view store (regular files only: the control socket
// stays behind) into `to`, replacing what was there.
void copy_stores(const fs::path& data, const fs::path& to) {
  fs::remove_all(to);
  for (const char* part : {"log", "views"}) {
    for (const fs::directory_entry& e : fs::recursive_directory_iterator(data / part)) {
      const fs::path target = to / fs::relative(e.path(), data);
      if (e.is_directory()) {
        fs::create_directories(target);
      } else if (e.is_regular_file()) {
        fs::create_directories(target.parent_path());
        fs::copy_file(e.path(), target);
      }
    }
  }
}

std::string join(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& l : lines) out += "  " + l + "\n";
  return out;
}

// Up to `n` of `from`, chosen at random (all when there are fewer).
std::vector<size_t> sample(std::vector<size_t> from, size_t n, std::mt19937_64& rng) {
  std::shuffle(from.begin(), from.end(), rng);
  if (from.size() > n) from.resize(n);
  return from;
}

TEST(ServerCrashTest, AcknowledgedCommandsSurviveSigkillUnderLoad) {
  const auto cycles = env_u64("ZHURNAL_SCRASH_CYCLES", kDefaultCycles);
  const auto weeks = env_u64("ZHURNAL_SCRASH_WEEKS", 1);
  const auto seed = env_u64("ZHURNAL_SCRASH_SEED", std::random_device{}());
  ASSERT_TRUE(cycles && weeks && seed) << "ZHURNAL_SCRASH_* must be decimal numbers";
  std::cout << "server crash cycles: " << *cycles << ", seed " << *seed
            << " (ZHURNAL_SCRASH_SEED=" << *seed << " to repeat the choices)" << std::endl;
  std::mt19937_64 rng(*seed);
  const auto run_start = Clock::now();

  zhurnal::testing::TempDir root;
  const fs::path data = root.path() / "data";
  bench::WsSchoolOptions so;
  so.data = data;
  so.weeks = static_cast<int>(*weeks);
  so.hot_students = 12;
  so.cold_parents = 0;
  so.teachers = 3;
  bench::WsSchool school;
  try {
    school = bench::prepare_ws_school(so, ZHURNAL_BIN, std::cout);
  } catch (const std::exception& e) {
    FAIL() << "preparing the demo school: " << e.what();
  }

  Ledger ledger;
  ledger.run_id = std::to_string(*seed % 1000000);
  int last_load_cycle = -1;
  double startup_s = 1.0;
  uint64_t load_kills = 0, startup_kills = 0;
  const fs::path copy = root.path() / "copy";

  for (int cycle = 0; cycle < static_cast<int>(*cycles); ++cycle) {
    SCOPED_TRACE("cycle " + std::to_string(cycle) + " of seed " + std::to_string(*seed));
    const auto cycle_start = Clock::now();
    const fs::path stderr_path = root.path() / ("server-" + std::to_string(cycle) + ".log");
    auto server = spawn_server(data, stderr_path);
    const bool startup_kill = cycle % kStartupKillEvery == kStartupKillEvery - 1;
    std::string line = "cycle " + std::to_string(cycle) + ": ";
    if (startup_kill) {
      // Somewhere in recovery, catch-up or just after listening.
      const auto delay = std::chrono::milliseconds(
          std::uniform_int_distribution<int>(0, static_cast<int>(startup_s * 1500))(rng));
      std::this_thread::sleep_for(delay);
      server->kill_now();
      ++startup_kills;
      line += "killed " + std::to_string(delay.count()) + " ms after the start";
    } else {
      const uint16_t port = wait_port(*server, Clock::now() + kStartTimeout);
      ASSERT_NE(port, 0) << "the server did not start after the previous kill:\n"
                         << server->stderr_text();
      startup_s = seconds_since(cycle_start);
      ServerSession session(port, school, ledger, rng, cycle);
      std::vector<std::string> problems;
      int delay_ms = 0;
      try {
        session.sign_in(kParents);
        if (last_load_cycle >= 0) {
          problems = session.retry_acknowledged(
              sample(ledger.acked(last_load_cycle), kRetriesPerCycle, rng));
        }
        for (std::string& p : session.subscribe_parents()) problems.push_back(std::move(p));
        delay_ms = std::uniform_int_distribution<int>(kMinKillDelayMs, kMaxKillDelayMs)(rng);
        const auto kill_at = Clock::now() + std::chrono::milliseconds(delay_ms);
        session.run_load(kWindow, [&] {
          if (Clock::now() < kill_at) return false;
          server->kill_now();
          return true;
        });
        session.drain(3s);
      } catch (const std::exception& e) {
        FAIL() << e.what() << "\nserver stderr:\n" << server->stderr_text();
      }
      ASSERT_TRUE(problems.empty()) << "after the restart:\n" << join(problems);
      ++load_kills;
      last_load_cycle = cycle;
      const LoadStats& st = session.stats();
      line += "startup " + std::to_string(startup_s).substr(0, 4) + " s, killed " +
              std::to_string(delay_ms) + " ms into the load: " + std::to_string(st.sent) +
              " commands sent, " + std::to_string(st.acked) + " acknowledged, " +
              std::to_string(st.rejected) + " rejected, " +
              std::to_string(st.sent - st.acked - st.rejected) + " unanswered, " +
              std::to_string(st.pushes) + " pushes";
      for (const auto& [code, n] : st.rejections) line += " [" + code + " " + std::to_string(n) + "]";
    }
    const auto status = server->wait_exit(Clock::now() + 30s);
    ASSERT_TRUE(status) << "the server did not die after SIGKILL";
    ASSERT_TRUE(WIFSIGNALED(*status) && WTERMSIG(*status) == SIGKILL)
        << "the server ended on its own: " << crash::describe_wait_status(*status) << "\n"
        << server->stderr_text();

    copy_stores(data, copy);
    const auto audit_start = Clock::now();
    // This cycle's acknowledgements (a startup kill re-checks the last load's).
    const AuditReport report = audit_data(copy, ledger, school,
                                          ledger.acked(last_load_cycle < 0 ? 0 : last_load_cycle), {});
    ASSERT_TRUE(report.problems.empty()) << "after the kill:\n" << join(report.problems);
    std::cout << line << "; head " << report.head << ", projections at >= " << report.min_checkpoint
              << ", " << report.acks_checked << " acknowledgements and " << report.view_rows
              << " view rows checked in " << std::to_string(seconds_since(audit_start)).substr(0, 4)
              << " s; cycle " << std::to_string(seconds_since(cycle_start)).substr(0, 4) << " s"
              << std::endl;
  }

  // The last server: recovers, answers retries, accepts new commands, stops.
  auto server = spawn_server(data, root.path() / "server-final.log");
  const uint16_t port = wait_port(*server, Clock::now() + kStartTimeout);
  ASSERT_NE(port, 0) << "the server did not start after the last kill:\n" << server->stderr_text();
  const int final_cycle = static_cast<int>(*cycles);
  {
    ServerSession session(port, school, ledger, rng, final_cycle);
    std::vector<std::string> problems;
    try {
      session.sign_in(kParents);
      std::vector<size_t> retry = ledger.acked(last_load_cycle);
      for (size_t i : sample(ledger.acked(), 100, rng)) retry.push_back(i);
      problems = session.retry_acknowledged(retry);
      for (std::string& p : session.subscribe_parents()) problems.push_back(std::move(p));
      session.run_load(kWindow, [&] { return session.stats().sent >= 24; });
      session.settle(60s);
      if (session.stats().acked == 0) problems.push_back("no new command was accepted after the restart");
      for (std::string& p : session.retry_acknowledged(ledger.acked(final_cycle))) {
        problems.push_back(std::move(p));
      }
    } catch (const std::exception& e) {
      FAIL() << e.what() << "\nserver stderr:\n" << server->stderr_text();
    }
    ASSERT_TRUE(problems.empty()) << "after the last restart:\n" << join(problems);
  }
  ::kill(server->pid(), SIGTERM);
  const auto status = server->wait_exit(Clock::now() + 60s);
  ASSERT_TRUE(status) << "the server did not stop on SIGTERM";
  ASSERT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0)
      << crash::describe_wait_status(*status) << "\n" << server->stderr_text();

  AuditOptions final_options;
  final_options.catch_up = true;
  const AuditReport report = audit_data(data, ledger, school, ledger.acked(), final_options);
  EXPECT_TRUE(report.problems.empty()) << "the final audit:\n" << join(report.problems);
  std::cout << "server crash run: " << *cycles << " cycles (" << load_kills << " under load, "
            << startup_kills << " during startup), " << ledger.commands.size()
            << " commands sent, " << ledger.acked().size() << " acknowledged (all found), "
            << ledger.count(SentCommand::State::kRejected) << " rejected, "
            << ledger.count(SentCommand::State::kUnanswered) << " unanswered at a kill; log head "
            << report.head << ", " << report.view_rows << " view rows equal to a rebuild; "
            << std::to_string(seconds_since(run_start)).substr(0, 5) << " s" << std::endl;
}

}  // namespace
}  // namespace zhurnal::server_crash
