// Setting up a new school (`zhurnal school create`): set_up_school() on a
// fresh log with a recording credential store, then the real binary, on a
// directory of its own and beside a running server's control socket. The
// password it prints must sign the administrator in.
#include "zhurnal/server/school_setup.hpp"

#include <gtest/gtest.h>
#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>
#include <sys/wait.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "crash/child_process.hpp"
#include "support/temp_dir.hpp"
#include "zhurnal/auth/authenticator.hpp"
#include "zhurnal/auth/credential_store.hpp"
#include "zhurnal/auth/rate_limiter.hpp"
#include "zhurnal/auth/session_manager.hpp"
#include "zhurnal/commands/journal.hpp"
#include "zhurnal/events/event_log.hpp"
#include "zhurnal/events/kv_store.hpp"
#include "zhurnal/server/control_socket.hpp"

namespace zhurnal::server::testing {
namespace {

namespace fs = std::filesystem;

using CliResult = crash::ChildProcess::Run;

CliResult run_cli(const std::vector<std::string>& args, const fs::path& scratch) {
  auto r = crash::ChildProcess::run(ZHURNAL_BIN, args, (scratch / "stderr.txt").string(),
                                    std::chrono::minutes(1));
  if (!r) ADD_FAILURE() << r.error();
  return r.value_or(CliResult{});
}

// The password line of the report.
std::string password_in(const std::string& out) {
  const std::string mark = "пароль: ";
  const size_t at = out.find(mark);
  if (at == std::string::npos) return {};
  const size_t start = at + mark.size();
  return out.substr(start, out.find('\n', start) - start);
}

std::vector<std::string> create_args(const fs::path& data, const std::string& login) {
  return {"school",        "create", "--data",        data.string(),  "--id",
          "sch2",          "--name", "МАОУ СОШ № 12", "--admin-name", "Иванова Анна Андреевна",
          "--admin-login", login};
}

class SchoolSetupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    events::LogOptions options;
    options.path = (dir_.path() / "log").string();
    auto log = events::open_event_log(options);
    ASSERT_TRUE(log) << log.error().to_string();
    log_ = std::move(*log);
    auto journal = commands::Journal::open({log_.get(), {}, nullptr, 8});
    ASSERT_TRUE(journal);
    journal_ = std::move(*journal);
  }

  // Records what the credential store was asked to do; `fail_issue` makes
  // issuing fail as a storage fault would.
  CredentialActions recording() {
    return {[this](const std::string& user,
                   const std::string& login) -> std::expected<std::string, std::string> {
              if (fail_issue_) return std::unexpected(std::string("диск недоступен"));
              logins_[user] = login;
              return "pw-" + login;
            },
            [this](const std::string& user) -> std::expected<void, std::string> {
              revoked_.push_back(user);
              logins_.erase(user);
              return {};
            }};
  }

  SchoolSetup setup(const std::string& login = "ivanova.aa") const {
    SchoolSetup s;
    s.school_id = "sch2";
    s.name = "МАОУ СОШ № 12";
    s.time_zone = "Asia/Yekaterinburg";
    s.admin_name = "Иванова Анна Андреевна";
    s.admin_login = login;
    return s;
  }

  zhurnal::testing::TempDir dir_;
  std::unique_ptr<events::EventLog> log_;
  std::unique_ptr<commands::Journal> journal_;
  std::map<std::string, std::string> logins_;
  std::vector<std::string> revoked_;
  bool fail_issue_ = false;
};

TEST_F(SchoolSetupTest, RegistersTheSchoolItsAdministratorAndHerLogin) {
  const SchoolSetupResult r = set_up_school(*journal_, recording(), setup());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(password_in(r.out), "pw-ivanova.aa") << r.out;
  auto school = journal_->school_info("sch2");
  ASSERT_TRUE(school);
  EXPECT_EQ(school->name, "МАОУ СОШ № 12");
  EXPECT_EQ(school->time_zone, "Asia/Yekaterinburg");
  auto admin = journal_->user_info("sch2-admin");
  ASSERT_TRUE(admin);
  EXPECT_EQ(admin->school_id, "sch2");
  EXPECT_EQ(admin->roles, std::vector<std::string>{"administrator"});
  EXPECT_TRUE(admin->has_credentials);
  EXPECT_EQ(logins_["sch2-admin"], "ivanova.aa");
  EXPECT_EQ(log_->head_position(), 3u);  // school, user, login
}

TEST_F(SchoolSetupTest, ARerunNeverIssuesASecondPasswordUnlessAsked) {
  ASSERT_EQ(set_up_school(*journal_, recording(), setup()).exit_code, 0);
  const uint64_t head = log_->head_position();
  SchoolSetupResult r = set_up_school(*journal_, recording(), setup());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("уже есть логин"), std::string::npos) << r.err;
  EXPECT_EQ(password_in(r.out), "");
  EXPECT_EQ(log_->head_position(), head);

  // A login is never issued twice: the new one needs a new name, and the
  // old one stays until it is given.
  SchoolSetup again = setup();
  again.new_password = true;
  r = set_up_school(*journal_, recording(), again);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("логин ivanova.aa уже выдавался"), std::string::npos) << r.err;
  EXPECT_EQ(log_->head_position(), head);
  EXPECT_TRUE(revoked_.empty());

  again.admin_login = "ivanova.ab";
  r = set_up_school(*journal_, recording(), again);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(password_in(r.out), "pw-ivanova.ab");
  EXPECT_EQ(logins_["sch2-admin"], "ivanova.ab");
  EXPECT_TRUE(journal_->user_info("sch2-admin")->has_credentials);
}

TEST_F(SchoolSetupTest, ASchoolOfTheSameIdWithAnotherNameIsRefusedAndNothingWritten) {
  ASSERT_EQ(set_up_school(*journal_, recording(), setup()).exit_code, 0);
  const uint64_t head = log_->head_position();
  SchoolSetup other = setup("petrov.ii");
  other.name = "Гимназия № 2";
  const SchoolSetupResult r = set_up_school(*journal_, recording(), other);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("уже есть: «МАОУ СОШ № 12»"), std::string::npos) << r.err;
  EXPECT_EQ(log_->head_position(), head);
}

TEST_F(SchoolSetupTest, RefusalsOfTheJournalAreReportedAndWriteNothing) {
  SchoolSetup bad = setup();
  bad.time_zone = "Mars/Base";
  SchoolSetupResult r = set_up_school(*journal_, recording(), bad);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("Неизвестный часовой пояс: Mars/Base"), std::string::npos) << r.err;
  EXPECT_EQ(log_->head_position(), 0u);

  bad = setup("и");  // a login the journal refuses: the school stays, a rerun completes it
  r = set_up_school(*journal_, recording(), bad);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("логин не выдан"), std::string::npos) << r.err;
  r = set_up_school(*journal_, recording(), setup());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("уже зарегистрирована"), std::string::npos) << r.out;
  EXPECT_EQ(password_in(r.out), "pw-ivanova.aa");
}

TEST_F(SchoolSetupTest, APasswordNotSavedIsReportedAndANewOneCanBeIssued) {
  fail_issue_ = true;
  SchoolSetupResult r = set_up_school(*journal_, recording(), setup());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("пароль не сохранён: диск недоступен"), std::string::npos) << r.err;
  EXPECT_EQ(password_in(r.out), "");
  fail_issue_ = false;
  SchoolSetup again = setup("ivanova.ab");
  again.new_password = true;
  r = set_up_school(*journal_, recording(), again);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(revoked_, std::vector<std::string>{"sch2-admin"});
  EXPECT_EQ(password_in(r.out), "pw-ivanova.ab");
}

// The real binary on a directory nobody has created yet: the password it
// prints opens the credential store it wrote.
TEST(SchoolCreateCliTest, AFreshDirectoryGetsTheSchoolAndAWorkingPassword) {
  zhurnal::testing::TempDir dir;
  const fs::path data = dir.path() / "new-server";
  const CliResult r = run_cli(create_args(data, "ivanova.aa"), dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const std::string password = password_in(r.out);
  ASSERT_EQ(password.size(), 10u) << r.out;

  auto store = events::KvStore::open({(data / "credentials").string(), true, false});
  ASSERT_TRUE(store);
  auth::CredentialStore credentials(store->get(), {});
  auto user = credentials.check("ivanova.aa", password);
  ASSERT_TRUE(user) << user.error().code_name();
  EXPECT_EQ(*user, "sch2-admin");
  EXPECT_FALSE(credentials.check("ivanova.aa", password + "x"));
}

// Beside a running server (which holds the log's lock, so the command could
// not open it): the server writes the school and issues the password.
TEST_F(SchoolSetupTest, ARunningServerSetsTheSchoolUpThroughItsControlSocket) {
  const fs::path data = dir_.path() / "data";
  fs::create_directory(data);
  auto creds = events::KvStore::open({(dir_.path() / "credentials").string(), true, true});
  ASSERT_TRUE(creds);
  auth::CredentialStore credentials(
      creds->get(), auth::CredentialStore::Options{auth::HashParams::fast_for_tests(), 2});
  auth::SessionManager sessions;
  auth::RateLimiter limiter;
  auth::Authenticator authenticator(credentials, sessions, limiter);
  ControlSocket control(
      (data / "control.sock").string(),
      ControlSocket::Stores{log_.get(), nullptr, nullptr, journal_.get(), &authenticator},
      std::make_shared<spdlog::logger>("control-test",
                                       std::make_shared<spdlog::sinks::null_sink_mt>()));
  ASSERT_TRUE(control.start());

  CliResult r = run_cli(create_args(data, "ivanova.aa"), dir_.path());
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.err.find("сервер работает; школу создаёт он сам"), std::string::npos) << r.err;
  auto user = credentials.check("ivanova.aa", password_in(r.out));
  ASSERT_TRUE(user) << user.error().code_name() << "\n" << r.out;
  EXPECT_EQ(*user, "sch2-admin");
  EXPECT_TRUE(journal_->user_info("sch2-admin")->has_credentials);

  // The refusal comes back with the command's exit code.
  r = run_cli(create_args(data, "ivanova.aa"), dir_.path());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("уже есть логин"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace zhurnal::server::testing
