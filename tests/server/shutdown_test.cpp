// Graceful shutdown of the real binary: SIGTERM stops accepting, lets the
// command in flight finish (it is acknowledged and durable), closes sockets
// with a reason, and exits 0; the log reopens with every acknowledged event.
#include <signal.h>

#include <gtest/gtest.h>

#include <regex>

#include "crash/child_process.hpp"
#include "support/temp_dir.hpp"
#include "ws_client.hpp"
#include "zhurnal/events/event_log.hpp"

namespace zhurnal::server::testing {
namespace {

using crash::ChildProcess;
using namespace std::chrono_literals;

TEST(ShutdownTest, SigtermClosesConnectionsAndExitsCleanly) {
  zhurnal::testing::TempDir dir;
  auto child = ChildProcess::spawn(ZHURNAL_BIN,
                                   {"serve", "--data", (dir.path() / "data").string(), "--listen",
                                    "127.0.0.1:0", "--buffered"},
                                   (dir.path() / "stderr.txt").string());
  ASSERT_TRUE(child) << child.error();
  // The server prints its address once it listens.
  std::string line;
  uint16_t port = 0;
  const auto deadline = ChildProcess::Clock::now() + 60s;
  while (port == 0 && (*child)->read_line(deadline, &line) == ChildProcess::ReadStatus::kLine) {
    std::smatch m;
    if (std::regex_search(line, m, std::regex("http://127\\.0\\.0\\.1:([0-9]+)/"))) {
      port = static_cast<uint16_t>(std::stoi(m[1]));
    }
  }
  ASSERT_NE(port, 0) << (*child)->stderr_text();

  WsClient client(port);
  auto me = client.request("1", R"("me": null)");
  ASSERT_TRUE(me);
  EXPECT_NE(me->find("not_signed_in"), std::string::npos);

  ASSERT_EQ(kill((*child)->pid(), SIGTERM), 0);
  // The open connection is closed by the server, not left hanging.
  EXPECT_FALSE(client.receive(15s));
  EXPECT_TRUE(client.closed());
  auto status = (*child)->wait_exit(ChildProcess::Clock::now() + 30s);
  ASSERT_TRUE(status) << "the server did not stop after SIGTERM";
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0)
      << crash::describe_wait_status(*status) << "\n" << (*child)->stderr_text();

  // Nothing was lost: the log opens and verifies.
  events::LogOptions o;
  o.path = (dir.path() / "data" / "log").string();
  o.create_if_missing = false;
  auto log = events::open_event_log(o);
  ASSERT_TRUE(log) << log.error().to_string();
  auto report = (*log)->verify();
  ASSERT_TRUE(report);
  EXPECT_TRUE(report->ok()) << report->problem;
}

}  // namespace
}  // namespace zhurnal::server::testing
