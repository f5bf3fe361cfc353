// `zhurnal import` beside a running server: the test holds the log and the
// Journal open (as `zhurnal serve` does, so the command cannot open them) and
// serves the control socket; the real binary hands the files to it. Also the
// socket's answers to malformed import requests, and the server's one import
// at a time.
#include <gtest/gtest.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "crash/child_process.hpp"
#include "import_support.hpp"
#include "zhurnal/import/import_cli.hpp"
#include "zhurnal/server/control_socket.hpp"

namespace zhurnal::import::testing {
namespace {

namespace fs = std::filesystem;

using CliResult = crash::ChildProcess::Run;

class ImportServerTest : public ImportFixture {
 protected:
  void SetUp() override {
    ImportFixture::SetUp();
    // The server's layout: DATA/log (here the fixture's log) and
    // DATA/control.sock.
    fs::create_directory(data());
    fs::create_directory_symlink(dir_.path(), data() / "log");
    start_server(journal_.get());
  }
  void TearDown() override { control_.reset(); }

  fs::path data() const { return files_.path() / "data"; }

  void start_server(commands::Journal* journal) {
    control_.reset();
    control_ = std::make_unique<server::ControlSocket>(
        (data() / "control.sock").string(),
        server::ControlSocket::Stores{log_.get(), nullptr, nullptr, journal, nullptr, &imports_},
        std::make_shared<spdlog::logger>("control-test",
                                         std::make_shared<spdlog::sinks::null_sink_mt>()));
    ASSERT_TRUE(control_->start());
  }

  std::string write(const std::string& name, const std::string& bytes) {
    const std::string path = (files_.path() / name).string();
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
  }

  CliResult import(bool apply, const std::string& students_file = "students.csv") {
    std::vector<std::string> args = {"import",
                                     "--data",
                                     data().string(),
                                     "--school",
                                     "sch1",
                                     "--as",
                                     "secretary",
                                     "--students",
                                     write("s.csv", data_file(students_file).bytes),
                                     "--teachers",
                                     write("t.csv", data_file("teachers.csv").bytes),
                                     "--date",
                                     "25.08.2026"};
    if (apply) args.push_back("--apply");
    auto r = crash::ChildProcess::run(ZHURNAL_BIN, args, (files_.path() / "stderr.txt").string(),
                                      std::chrono::minutes(1));
    if (!r) ADD_FAILURE() << r.error();
    return r.value_or(CliResult{});
  }

  // One raw request on the control socket; everything the server answered.
  std::string raw(const std::string& request, bool close_write = true) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    const std::string path = (data() / "control.sock").string();
    std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    EXPECT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0) << strerror(errno);
    EXPECT_EQ(::send(fd, request.data(), request.size(), MSG_NOSIGNAL), ssize_t(request.size()));
    if (close_write) ::shutdown(fd, SHUT_WR);
    std::string answer;
    char buf[4096];
    ssize_t n;
    while ((n = ::recv(fd, buf, sizeof buf, 0)) > 0) answer.append(buf, static_cast<size_t>(n));
    ::close(fd);
    return answer;
  }

  zhurnal::testing::TempDir files_;
  ServerImports imports_;
  std::unique_ptr<server::ControlSocket> control_;
};

TEST_F(ImportServerTest, RunningServerChecksThenWritesThenFindsNothingNew) {
  const uint64_t head = log_->head_position();
  CliResult r = import(false);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.err.find("сервер работает; списки проверяет он сам"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("строка 3: перевести"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Проверка без записи: ничего не записано"), std::string::npos) << r.out;
  EXPECT_EQ(log_->head_position(), head) << "a dry run wrote to the log";

  // Written through the server's Journal, as the server's own commands are.
  r = import(true);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("Записано команд: 8"), std::string::npos) << r.out;
  EXPECT_EQ(log_->head_position(), head + 8);
  const auto written = events_after(head);
  ASSERT_EQ(written.size(), 8u);
  for (const auto& e : written) EXPECT_EQ(e.actor, "secretary");

  // The server's state of the school caught up with what it wrote itself:
  // every row is now unchanged.
  r = import(true);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("без изменений 7"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Записывать нечего: всё уже есть в журнале"), std::string::npos) << r.out;
  EXPECT_EQ(log_->head_position(), head + 8) << "a repeated import wrote again";
}

TEST_F(ImportServerTest, FileErrorsExitOneAndWriteNothing) {
  const uint64_t head = log_->head_position();
  CliResult r = import(true, "students_errors.csv");
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("Найдены ошибки: ничего не записано"), std::string::npos) << r.out;
  EXPECT_EQ(log_->head_position(), head);
}

TEST_F(ImportServerTest, MalformedRequestsAreRefusedAndTheSocketStillServes) {
  const uint64_t head = log_->head_position();
  EXPECT_EQ(raw("import\tsch1\n").rfind("error\tbad_request\t", 0), 0u);
  EXPECT_EQ(raw("restore\t/tmp\n").rfind("error\tbad_request\t", 0), 0u);
  // Flags other than 0 and 1, no file at all, a file over the limit.
  EXPECT_EQ(raw("import\tsch1\tsecretary\t\t2\t0\ts\t1\tt\t-1\nx").rfind("error\tbad_request", 0),
            0u);
  EXPECT_EQ(raw("import\tsch1\tsecretary\t\t0\t0\ts\t-1\tt\t-1\n").rfind("error\tbad_request", 0),
            0u);
  EXPECT_EQ(raw("import\tsch1\tsecretary\t\t0\t1\ts\t99999999999\tt\t-1\n")
                .rfind("error\tbad_request", 0),
            0u);
  // Fewer bytes than announced, then the client hangs up.
  const std::string cut =
      raw("import\tsch1\tsecretary\t25.08.2026\t0\t1\ts.csv\t100\tt\t-1\nФамилия");
  EXPECT_NE(cut.find("error\tbad_request\tфайлы импорта пришли не целиком"), std::string::npos)
      << cut;
  EXPECT_EQ(log_->head_position(), head);

  // A well-formed request right after: the report, then the exit code.
  const std::string csv = data_file("students.csv").bytes;
  const std::string answer = raw("import\tsch1\tsecretary\t25.08.2026\t0\t0\tсписок.csv\t" +
                                 std::to_string(csv.size()) + "\t\t-1\n" + csv);
  EXPECT_EQ(answer.rfind("out\t", 0), 0u) << answer;
  EXPECT_NE(answer.find("Проверка без записи"), std::string::npos) << answer;
  EXPECT_NE(answer.find("\nexit\t0\n"), std::string::npos) << answer;
  EXPECT_EQ(log_->head_position(), head);
}

TEST_F(ImportServerTest, ServerWithoutAJournalRefusesImports) {
  start_server(nullptr);
  CliResult r = import(false);
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("сервер отказал: unavailable"), std::string::npos) << r.err;
}

// A sink that holds the thread that logs through it until released: the
// import logs once it has written, still inside ServerImports::run().
class HoldingSink : public spdlog::sinks::base_sink<std::mutex> {
 public:
  void wait_entered() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return entered_; });
  }
  void release() {
    std::lock_guard lock(mu_);
    released_ = true;
    cv_.notify_all();
  }

 protected:
  void sink_it_(const spdlog::details::log_msg&) override {
    std::unique_lock lock(mu_);
    entered_ = true;
    cv_.notify_all();
    cv_.wait(lock, [&] { return released_; });
  }
  void flush_() override {}

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool entered_ = false, released_ = false;
};

TEST_F(ImportServerTest, ImportsRunOneAtATimeAndAnotherIsBusyMeanwhile) {
  auto sink = std::make_shared<HoldingSink>();
  auto logger = std::make_shared<spdlog::logger>("holding", sink);
  const auto students = data_file("students.csv"), teachers = data_file("teachers.csv");
  ImportOptions o = options();
  o.today = "25.08.2026";
  const uint64_t head = log_->head_position();
  std::optional<ImportRunResult> first;
  std::thread writer([&] {
    first = imports_.run(*log_, journal_.get(), students, teachers, o, true, logger,
                         std::chrono::seconds(5));
  });
  sink->wait_entered();  // the first import has written and holds the queue
  auto busy = imports_.run(*log_, journal_.get(), students, teachers, o, false, nullptr,
                           std::chrono::milliseconds(200));
  EXPECT_FALSE(busy) << "a second import ran beside the first";
  sink->release();
  writer.join();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->exit_code, 0) << first->out << first->err;
  EXPECT_EQ(log_->head_position(), head + 8);
  // Once the first is done, the next one runs, on the state it left.
  auto next = imports_.run(*log_, journal_.get(), students, teachers, o, false, nullptr,
                           std::chrono::milliseconds(200));
  ASSERT_TRUE(next);
  EXPECT_EQ(next->exit_code, 0) << next->out << next->err;
  EXPECT_NE(next->out.find("без изменений 7"), std::string::npos) << next->out;
}

}  // namespace
}  // namespace zhurnal::import::testing
