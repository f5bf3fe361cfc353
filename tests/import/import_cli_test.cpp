// `zhurnal import` end to end: files on disk, the data directory closed by
// the fixture and opened by run_import(), exit codes and what is written.
#include "zhurnal/import/import_cli.hpp"

#include <gtest/gtest.h>

#include <CLI/CLI.hpp>
#include <filesystem>
#include <fstream>

#include "import_support.hpp"

namespace zhurnal::import::testing {
namespace {

class ImportCliTest : public ImportFixture {
 protected:
  std::string write(const std::string& name, const std::string& bytes) {
    const std::string path = (files_.path() / name).string();
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
  }

  ImportCliOptions cli(bool apply) {
    ImportCliOptions o;
    o.data_dir = dir_.str();
    o.school_id = "sch1";
    o.actor = "secretary";
    o.students_csv = write("students.csv", data_file("students.csv").bytes);
    o.teachers_csv = write("teachers.csv", data_file("teachers.csv").bytes);
    o.date = "25.08.2026";
    o.apply = apply;
    return o;
  }

  // Runs with the fixture's log closed (RocksDB allows one process, one
  // opener), then reopens it. Returns the exit code; `out` gets stdout.
  int run(const ImportCliOptions& o, std::string* out) {
    journal_.reset();
    log_.reset();
    ::testing::internal::CaptureStdout();
    const int code = run_import(o, nullptr);
    *out = ::testing::internal::GetCapturedStdout();
    open();
    return code;
  }

  zhurnal::testing::TempDir files_;
};

TEST_F(ImportCliTest, DryRunThenApplyThenRepeat) {
  const uint64_t head = log_->head_position();
  std::string out;
  EXPECT_EQ(run(cli(false), &out), 0) << out;
  EXPECT_NE(out.find("строка 3: перевести"), std::string::npos) << out;
  EXPECT_NE(out.find("Проверка без записи: ничего не записано"), std::string::npos) << out;
  EXPECT_EQ(log_->head_position(), head) << "a dry run wrote to the log";

  EXPECT_EQ(run(cli(true), &out), 0) << out;
  EXPECT_NE(out.find("Записано команд: 8"), std::string::npos) << out;
  EXPECT_EQ(log_->head_position(), head + 8);

  EXPECT_EQ(run(cli(true), &out), 0) << out;
  EXPECT_NE(out.find("без изменений 7"), std::string::npos) << out;
  EXPECT_NE(out.find("Записывать нечего: всё уже есть в журнале"), std::string::npos) << out;
  EXPECT_EQ(log_->head_position(), head + 8) << "a repeated import wrote again";
}

TEST_F(ImportCliTest, ErrorsExitOneAndWriteNothing) {
  const uint64_t head = log_->head_position();
  ImportCliOptions o = cli(true);
  o.students_csv = write("bad.csv", data_file("students_errors.csv").bytes);
  std::string out;
  EXPECT_EQ(run(o, &out), 1) << out;
  EXPECT_NE(out.find("строка 6: ОШИБКА — Орлова Вера, 14.03.2015, 7В: Класс «7В» не открыт"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("Найдены ошибки: ничего не записано"), std::string::npos) << out;
  EXPECT_EQ(log_->head_position(), head);
}

// The secretary names the directory the server runs on (`zhurnal serve
// --data DIR`), whose log is DIR/log.
TEST_F(ImportCliTest, TakesTheServersDataDirectory) {
  const std::filesystem::path data = files_.path() / "data";
  std::filesystem::create_directory(data);
  std::filesystem::create_directory_symlink(dir_.path(), data / "log");
  ImportCliOptions o = cli(false);
  o.data_dir = data.string();
  std::string out;
  EXPECT_EQ(run(o, &out), 0) << out;
  EXPECT_NE(out.find("Проверка без записи: ничего не записано"), std::string::npos) << out;
}

TEST_F(ImportCliTest, UnreadableInputsExitTwo) {
  std::string out;
  ImportCliOptions o = cli(false);
  o.students_csv = (files_.path() / "missing.csv").string();
  EXPECT_EQ(run(o, &out), 2);
  o = cli(false);
  o.data_dir = (files_.path() / "no-such-dir").string();
  EXPECT_EQ(run(o, &out), 2);
}

TEST_F(ImportCliTest, SubcommandOptionsParse) {
  CLI::App app;
  ImportCliOptions o;
  CLI::App* cmd = add_import_subcommand(app, o);
  const char* argv[] = {"zhurnal", "import",     "--data",         "d",      "--school",   "sch1",
                        "--as",    "secretary",  "--students",     "s.csv",  "--teachers", "t.csv",
                        "--date",  "01.09.2026", "--open-classes", "--apply"};
  app.parse(static_cast<int>(std::size(argv)), argv);
  EXPECT_TRUE(cmd->parsed());
  EXPECT_EQ(o.data_dir, "d");
  EXPECT_EQ(o.school_id, "sch1");
  EXPECT_EQ(o.actor, "secretary");
  EXPECT_EQ(o.students_csv, "s.csv");
  EXPECT_EQ(o.teachers_csv, "t.csv");
  EXPECT_EQ(o.date, "01.09.2026");
  EXPECT_TRUE(o.open_classes);
  EXPECT_TRUE(o.apply);
}

}  // namespace
}  // namespace zhurnal::import::testing
