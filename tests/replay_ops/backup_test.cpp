// `zhurnal backup` and `zhurnal restore` as real processes. The "server" is
// this test process: it holds the log, the credentials and the views open
// (their RocksDB locks), serves the control socket and keeps appending, as
// `zhurnal serve` does. The restored copy must verify, hold a prefix of the
// original log event for event, and let a user sign in with her password.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>

#include "ops_support.hpp"
#include "support/temp_dir.hpp"
#include "zhurnal/auth/credential_store.hpp"
#include "zhurnal/events/kv_store.hpp"
#include "zhurnal/server/control_socket.hpp"

namespace zhurnal::replay_ops {
namespace {

using zhurnal::testing::TempDir;

auth::CredentialStore::Options fast_hashes() {
  auth::CredentialStore::Options o;
  o.params = auth::HashParams::fast_for_tests();
  return o;
}

class BackupTest : public ::testing::Test {
 protected:
  // The data directory of a server: a log with events, a password, a view row.
  void make_data() {
    log_ = open_log(data() / "log");
    ASSERT_TRUE(log_);
    ASSERT_TRUE(append_commands(*log_, 0, 40));
    auto creds = events::KvStore::open({(data() / "credentials").string(), true, true});
    ASSERT_TRUE(creds) << creds.error().to_string();
    credentials_ = std::move(*creds);
    auth::CredentialStore store(credentials_.get(), fast_hashes());
    ASSERT_TRUE(store.set_password("teacher-0042", "ivanova.mp", "Вишня-2025-сад"));
    auto views = events::KvStore::open({(data() / "views").string(), false, true});
    ASSERT_TRUE(views) << views.error().to_string();
    views_ = std::move(*views);
    events::KvBatch b;
    b.put("_meta/journal", "1 40 1");
    ASSERT_TRUE(views_->write(b).is_ok());
  }
  void close_data() {
    socket_.reset();
    if (log_) log_->close();
    log_.reset();
    credentials_.reset();
    views_.reset();
  }
  void TearDown() override { close_data(); }

  fs::path data() const { return dir_.path() / "data"; }
  fs::path backups() const { return dir_.path() / "backups"; }
  CliResult backup(unsigned keep = 7) {
    return run_zhurnal({"backup", "--data", data().string(), "--out", backups().string(), "--keep",
                        std::to_string(keep)},
                       dir_.path());
  }
  CliResult restore(const fs::path& into) {
    return run_zhurnal({"restore", "--from", backups().string(), "--data", into.string()},
                       dir_.path());
  }
  // The restored log equals the original's prefix; returns its head.
  uint64_t expect_prefix(const fs::path& restored) {
    auto copy = open_log(restored / "log", false);
    EXPECT_TRUE(copy);
    if (!copy) return 0;
    auto a = copy->read_all(1, 1 << 20);
    auto b = log_->read_all(1, 1 << 20);
    EXPECT_TRUE(a && b);
    if (!a || !b) return 0;
    EXPECT_LE(a->size(), b->size());
    for (size_t i = 0; i < a->size() && i < b->size(); ++i) {
      EXPECT_EQ((*a)[i].hash, (*b)[i].hash) << "position " << i + 1;
      EXPECT_EQ((*a)[i].payload, (*b)[i].payload) << "position " << i + 1;
    }
    return a->size();
  }

  TempDir dir_;
  std::unique_ptr<events::EventLog> log_;
  std::unique_ptr<events::KvStore> credentials_, views_;
  std::unique_ptr<server::ControlSocket> socket_;
};

TEST_F(BackupTest, RunningServerBacksUpWhileAppendingAndTheCopyRestores) {
  ASSERT_NO_FATAL_FAILURE(make_data());
  socket_ = std::make_unique<server::ControlSocket>(
      (data() / "control.sock").string(),
      server::ControlSocket::Stores{log_.get(), credentials_.get(), views_.get()},
      spdlog::null_logger_mt("control-test"));
  ASSERT_TRUE(socket_->start());
  EXPECT_EQ(fs::status(data() / "control.sock").permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);

  Appender appender(*log_, 1000);
  const uint64_t head_before = log_->head_position();
  CliResult b = backup();
  const int appended_during = appender.appended();
  appender.stop();
  ASSERT_EQ(b.exit_code, 0) << b.out << b.err;
  EXPECT_NE(b.err.find("сервер работает"), std::string::npos) << b.err;
  EXPECT_NE(b.out.find("резервная копия 1 в "), std::string::npos) << b.out;

  // Restore refuses a data directory that is not empty.
  CliResult refused = restore(data());
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_NE(refused.err.find("не пуст: восстанавливать можно только в новый или пустой каталог"),
            std::string::npos)
      << refused.err;

  const fs::path copy = dir_.path() / "restored";
  CliResult r = restore(copy);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("цепочка хешей:   в порядке"), std::string::npos) << r.out;
  const uint64_t restored_head = expect_prefix(copy);
  EXPECT_GE(restored_head, head_before);
  EXPECT_LE(restored_head, log_->head_position());
  std::printf("backup while appending: head %llu at start, %llu restored, %d appends during\n",
              static_cast<unsigned long long>(head_before),
              static_cast<unsigned long long>(restored_head), appended_during);

  // The password still works on the restored credentials; the views came too.
  {
    auto creds = events::KvStore::open({(copy / "credentials").string(), true, false});
    ASSERT_TRUE(creds) << creds.error().to_string();
    auth::CredentialStore store(creds->get(), fast_hashes());
    auto user = store.check("ivanova.mp", "Вишня-2025-сад");
    ASSERT_TRUE(user);
    EXPECT_EQ(*user, "teacher-0042");
    EXPECT_FALSE(store.check("ivanova.mp", "не тот пароль"));
    auto views = events::KvStore::open({(copy / "views").string(), false, false});
    ASSERT_TRUE(views);
    auto meta = (*views)->get("_meta/journal");
    ASSERT_TRUE(meta && meta->has_value());
    EXPECT_EQ(**meta, "1 40 1");
  }

  // Daily backups with --keep 2: only the newest two stay.
  ASSERT_EQ(backup(2).exit_code, 0);
  ASSERT_EQ(backup(2).exit_code, 0);
  CliResult list = run_zhurnal({"restore", "--from", backups().string(), "--list"}, dir_.path());
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_EQ(list.out.rfind("2  ", 0), 0u) << list.out;
  EXPECT_NE(list.out.find("\n3  "), std::string::npos) << list.out;
  EXPECT_EQ(std::count(list.out.begin(), list.out.end(), '\n'), 2) << list.out;
}

// Two runs never write one backup directory at once (a cron job and one
// started by hand): the second stops with in_use and writes nothing.
TEST_F(BackupTest, ASecondRunOnTheSameDirectoryStopsInUse) {
  ASSERT_NO_FATAL_FAILURE(make_data());
  close_data();
  CliResult first = backup();
  ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
  const int fd = ::open((backups() / "LOCK").c_str(), O_RDWR | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::flock(fd, LOCK_EX | LOCK_NB), 0);
  CliResult b = backup();
  EXPECT_NE(b.exit_code, 0);
  EXPECT_NE(b.err.find("in_use: каталог "), std::string::npos) << b.err;
  EXPECT_NE(b.err.find(" занят другим копированием или восстановлением"), std::string::npos)
      << b.err;
  CliResult r = restore(dir_.path() / "restored");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find(" занят другим копированием или восстановлением"), std::string::npos)
      << r.err;
  EXPECT_FALSE(fs::exists(dir_.path() / "restored" / "log"));
  ::close(fd);
  r = restore(dir_.path() / "restored");
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
}

TEST_F(BackupTest, StoppedServerIsBackedUpByTheCommandItself) {
  ASSERT_NO_FATAL_FAILURE(make_data());
  close_data();
  CliResult b = backup();
  ASSERT_EQ(b.exit_code, 0) << b.out << b.err;
  EXPECT_EQ(b.err.find("сервер работает"), std::string::npos) << b.err;
  const fs::path copy = dir_.path() / "restored";
  CliResult r = restore(copy);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  log_ = open_log(data() / "log", false);
  ASSERT_TRUE(log_);
  EXPECT_EQ(expect_prefix(copy), log_->head_position());
}

}  // namespace
}  // namespace zhurnal::replay_ops
