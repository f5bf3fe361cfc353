// Disk full, on the real binary: `zhurnal serve --data` on a 64 MiB tmpfs
// that a ballast file fills. Commands are refused with `no_space` and a
// Russian message and write nothing; reads and subscriptions go on; once the
// ballast is deleted, writes resume and the subscription gets the new mark;
// after a clean stop `zhurnal replay verify` passes, every acknowledged mark
// and only those is in the log, and `zhurnal replay rebuild` finds every
// projection equal to a rebuild from the log and not behind it.
//
// Two runs (docs/design.md, "Disk full"): with a reserve (`--reserve-mib 8`)
// the server refuses commands before anything hits ENOSPC; with no reserve
// (`--reserve-mib 0`) the log, the view store and RocksDB's own files hit
// ENOSPC themselves, and the server must still neither abort nor lose or
// half-write anything, and must resume by itself once space is freed.
//
// The tmpfs is mounted in a private mount namespace of this test process
// (unshare(CLONE_NEWNS)), so it disappears with the process whatever happens.
// Mounting needs root or CAP_SYS_ADMIN: without it the test is skipped.
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "commands/journal_fixture.hpp"
#include "crash/child_process.hpp"
#include "schema/journal.capnp.h"
#include "schema/message_reader.hpp"
#include "ws_client.hpp"
#include "zhurnal/auth/credential_store.hpp"
#include "zhurnal/events/kv_store.hpp"

namespace zhurnal::faults::testing {
namespace {

namespace fs = std::filesystem;
using crash::ChildProcess;
using server::testing::json_field;
using server::testing::WsClient;
using namespace std::chrono_literals;

constexpr char kPassword[] = "пароль-2026";
constexpr const char* kFsSize = "size=64m";

std::string mark_json(const std::string& request_id, const std::string& mark_id,
                      const std::string& student) {
  return R"("command": {"commandId": ")" + request_id + R"(", "command": {"postMark": {"markId": ")" +
         mark_id + R"(", "lessonId": "l-math", "studentId": ")" + student +
         R"(", "value": {"numeric": 4}, "workTypeId": "oral", "comment": ""}}})";
}

bool accepted(const std::optional<std::string>& r) {
  return r && r->find(R"("ok":true)") != std::string::npos;
}

// Writes zeros to `path` until the filesystem refuses (ENOSPC); returns the
// bytes written.
size_t fill_with_ballast(const fs::path& path) {
  FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return 0;
  std::vector<char> block(1 << 16, 0);
  size_t total = 0;
  for (;;) {
    const size_t n = std::fwrite(block.data(), 1, block.size(), f);
    total += n;
    if (n < block.size() || std::fflush(f) != 0) break;
  }
  std::fclose(f);  // the last partial block may fail too: the disk is full
  return total;
}

class DiskFullTest : public commands::testing::JournalFixture {
 protected:
  void SetUp() override {
    if (geteuid() != 0) GTEST_SKIP() << "needs root (CAP_SYS_ADMIN) to mount a size-limited tmpfs";
    // Before any thread exists (unshare(CLONE_NEWNS) refuses a process whose
    // threads share its filesystem context): a private mount namespace.
    if (unshare(CLONE_NEWNS) != 0 || mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) {
      GTEST_SKIP() << "cannot make a private mount namespace: " << std::strerror(errno);
    }
    mount_point_ = fs::path(root_.str()) / "fs";
    fs::create_directories(mount_point_);
    if (mount("zhurnal-disk-full", mount_point_.c_str(), "tmpfs", 0, kFsSize) != 0) {
      GTEST_SKIP() << "cannot mount a tmpfs (" << std::strerror(errno) << ")";
    }
    mounted_ = true;
    JournalFixture::SetUp();  // the seeded school, in a log under /tmp
  }

  void TearDown() override {
    server_.reset();
    if (mounted_) umount2(mount_point_.c_str(), MNT_DETACH);
  }

  // Moves the seeded log onto the small filesystem and gives the staff
  // passwords in the server's credential store there.
  void prepare_data() {
    journal_.reset();
    log_.reset();
    data_ = mount_point_ / "data";
    fs::create_directories(data_);
    fs::copy(dir_.path(), data_ / "log", fs::copy_options::recursive);
    auto store = events::KvStore::open({(data_ / "credentials").string(), true, true});
    ASSERT_TRUE(store) << store.error().to_string();
    auth::CredentialStore credentials(store->get(), {auth::HashParams::fast_for_tests(), 2});
    for (const char* user : {"t-math", "director"}) {
      ASSERT_TRUE(credentials.set_password(user, user, kPassword));
    }
  }

  void start_server(int reserve_mib) {
    auto child = ChildProcess::spawn(
        ZHURNAL_BIN, {"serve", "--data", data_.string(), "--listen", "127.0.0.1:0", "--reserve-mib",
                      std::to_string(reserve_mib)},
        (fs::path(root_.str()) / "stderr.txt").string());
    ASSERT_TRUE(child) << child.error();
    server_ = std::move(*child);
    std::string line;
    const auto deadline = ChildProcess::Clock::now() + 60s;
    while (port_ == 0 && server_->read_line(deadline, &line) == ChildProcess::ReadStatus::kLine) {
      std::smatch m;
      if (std::regex_search(line, m, std::regex("http://127\\.0\\.0\\.1:([0-9]+)/"))) {
        port_ = static_cast<uint16_t>(std::stoi(m[1]));
      }
    }
    ASSERT_NE(port_, 0) << server_->stderr_text();
  }

  std::unique_ptr<WsClient> signed_in(const std::string& user) {
    auto c = std::make_unique<WsClient>(port_);
    auto r = c->request("in", R"("signIn": {"login": ")" + user + R"(", "password": ")" + kPassword + "\"}");
    EXPECT_TRUE(accepted(r)) << (r ? *r : "no response");
    return c;
  }

  zhurnal::testing::TempDir root_;
  fs::path mount_point_, data_;
  bool mounted_ = false;
  std::unique_ptr<ChildProcess> server_;
  uint16_t port_ = 0;

  // Runs `zhurnal ARGS...` to its end; returns its exit code (-1: no exit)
  // and its standard output in *out.
  int run_tool(const std::vector<std::string>& args, std::string* out) {
    auto child = ChildProcess::spawn(ZHURNAL_BIN, args, (fs::path(root_.str()) / "tool.txt").string());
    if (!child) {
      *out = child.error();
      return -1;
    }
    std::string line;
    const auto deadline = ChildProcess::Clock::now() + 60s;
    while ((*child)->read_line(deadline, &line) == ChildProcess::ReadStatus::kLine) *out += line + "\n";
    auto status = (*child)->wait_exit(deadline);
    *out += (*child)->stderr_text();
    if (!status || !WIFEXITED(*status)) return -1;
    return WEXITSTATUS(*status);
  }

  void run_scenario(int reserve_mib);
};

TEST_F(DiskFullTest, RefusesCommandsBelowTheReserveKeepsReadsAndResumes) { run_scenario(8); }

TEST_F(DiskFullTest, SurvivesENOSPCWithoutAReserveAndResumes) { run_scenario(0); }

void DiskFullTest::run_scenario(int reserve_mib) {
  ASSERT_NO_FATAL_FAILURE(prepare_data());
  ASSERT_NO_FATAL_FAILURE(start_server(reserve_mib));
  auto teacher = signed_in("t-math");
  auto director = signed_in("director");
  const std::string students[] = {"s1", "s2", "s3", "s4"};

  std::set<std::string> acknowledged;  // mark ids the server accepted
  int seq = 0;
  auto post = [&](const std::string& mark_id) {
    const std::string id = "disk-" + std::to_string(++seq);
    auto r = teacher->request(id, mark_json(id, mark_id, students[seq % 4]), 30s);
    if (accepted(r)) acknowledged.insert(mark_id);
    return r;
  };
  auto first = post("before-1");
  ASSERT_TRUE(accepted(first)) << "a mark on an empty disk: " << (first ? *first : "no response");

  // The director follows the register of 5А in mathematics.
  auto sub = director->request(
      "sub", R"("subscribe": {"register": {"classId": "c5a", "subjectId": "math", "periodId": "q1"}})");
  ASSERT_TRUE(accepted(sub)) << (sub ? *sub : "no response");
  ASSERT_TRUE(director->wait_push("before-1"));

  // Fill the disk, then post until the server refuses.
  const size_t ballast = fill_with_ballast(mount_point_ / "ballast");
  EXPECT_GT(ballast, 10u << 20) << "the tmpfs should have had room for the ballast";
  // The log's guard measures free space at most every 20 ms
  // (events/internal/disk_space.hpp) and answers from its last measurement
  // in between: give it the time to see the ballast.
  std::this_thread::sleep_for(100ms);
  std::optional<std::string> refusal;
  int accepted_while_full = 0;
  for (int i = 0; i < 500 && !refusal; ++i) {
    auto r = post("full-" + std::to_string(i));
    ASSERT_TRUE(r) << "no answer while the disk is full\n" << server_->stderr_text();
    if (!accepted(r)) refusal = r;
    else ++accepted_while_full;
  }
  ASSERT_TRUE(refusal) << "500 marks accepted on a full disk";
  // With a reserve nothing reaches the disk: the very first command is
  // refused. Without one, the log takes marks until its own write fails.
  if (reserve_mib > 0) {
    EXPECT_EQ(accepted_while_full, 0);
  }
  EXPECT_EQ(json_field(*refusal, "code"), "no_space") << *refusal;
  EXPECT_NE(refusal->find("Диск сервера заполнен"), std::string::npos) << *refusal;
  // Refused again, not half-written, while the disk stays full. (Without a
  // reserve the store's recovery can free a little, e.g. a preallocated WAL,
  // so a later mark may fit: only the answer is checked there.)
  auto again = post("full-again");
  ASSERT_TRUE(again) << "no answer while the disk is full";
  if (reserve_mib > 0) {
    ASSERT_FALSE(accepted(again)) << *again;
    EXPECT_EQ(json_field(*again, "code"), "no_space") << *again;
  }

  // Reads go on: the register, the log, a new subscription.
  auto reg = director->request(
      "reg", R"("register": {"classId": "c5a", "subjectId": "math", "periodId": "q1"})");
  ASSERT_TRUE(accepted(reg)) << (reg ? *reg : "no response");
  EXPECT_NE(reg->find("before-1"), std::string::npos);
  auto me = teacher->request("me", R"("me": null)");
  EXPECT_TRUE(accepted(me)) << (me ? *me : "no response");
  auto observer = signed_in("director");
  auto sub2 = observer->request(
      "sub2", R"("subscribe": {"register": {"classId": "c5a", "subjectId": "math", "periodId": "q1"}})");
  EXPECT_TRUE(accepted(sub2)) << (sub2 ? *sub2 : "no response");
  EXPECT_TRUE(observer->wait_push("before-1"));

  // Free the space: writes resume (the log reopens at most once a second).
  ASSERT_TRUE(fs::remove(mount_point_ / "ballast"));
  std::optional<std::string> resumed;
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  for (int i = 0; std::chrono::steady_clock::now() < deadline; ++i) {
    auto r = post("after-" + std::to_string(i));
    if (accepted(r)) {
      resumed = r;
      break;
    }
    ASSERT_TRUE(r) << "no answer after the space was freed";
    EXPECT_EQ(json_field(*r, "code"), "no_space") << *r;
    std::this_thread::sleep_for(200ms);  // a retry interval, as a client would wait
  }
  ASSERT_TRUE(resumed) << "writes did not resume within 60 s of freeing the space\n"
                       << server_->stderr_text();
  EXPECT_TRUE(director->wait_push("after-", 20s))
      << "the subscription from before the disk filled did not get the new mark";
  ASSERT_TRUE(accepted(post("after-more")));
  // The projections caught up with everything the log accepted.
  EXPECT_TRUE(director->wait_push("after-more", 20s)) << server_->stderr_text();

  // A clean stop, then the log on disk: verified, and nothing acknowledged lost.
  ASSERT_EQ(kill(server_->pid(), SIGTERM), 0);
  auto status = server_->wait_exit(ChildProcess::Clock::now() + 30s);
  ASSERT_TRUE(status) << "the server did not stop";
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0)
      << crash::describe_wait_status(*status) << "\n" << server_->stderr_text();

  // DISK_FULL_SHOW_LOG=1 prints what the server logged (ENOSPC, recovery).
  if (std::getenv("DISK_FULL_SHOW_LOG")) std::fputs(server_->stderr_text().c_str(), stderr);
  std::string out;
  EXPECT_EQ(run_tool({"replay", "verify", "--data", data_.string()}, &out), 0) << out;
  // Every projection equals a rebuild from the log, and none is behind it.
  out.clear();
  EXPECT_EQ(run_tool({"replay", "rebuild", "--data", data_.string()}, &out), 0) << out;
  EXPECT_EQ(out.find("behind the log"), std::string::npos) << out;

  events::LogOptions lo;
  lo.path = (data_ / "log").string();
  lo.create_if_missing = false;
  auto log = events::open_event_log(lo);
  ASSERT_TRUE(log) << log.error().to_string();
  std::set<std::string> stored;
  for (uint64_t next = 1;;) {
    auto batch = (*log)->read_all(next, 1000);
    ASSERT_TRUE(batch);
    if (batch->empty()) break;
    for (const events::RecordedEvent& e : *batch) {
      next = e.position + 1;
      if (e.type != "MarkPosted") continue;
      schema::BoundedMessageReader reader(e.payload);
      stored.insert(reader.root<schema::JournalEvent>().getMarkPosted().getMarkId().cStr());
    }
  }
  for (const std::string& id : acknowledged) EXPECT_TRUE(stored.count(id)) << "lost: " << id;
  EXPECT_EQ(stored.size(), acknowledged.size()) << "a refused mark was written";
}

}  // namespace
}  // namespace zhurnal::faults::testing
