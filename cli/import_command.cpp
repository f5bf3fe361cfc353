#include "import_command.hpp"

#include <cstdio>
#include <optional>
#include <string>

#include "control_client.hpp"
#include "zhurnal/replay/data_dir.hpp"

namespace zhurnal::cli {
namespace {

constexpr int kCannotRead = 2;  // import_cli.hpp's exit codes

// The server's run of the import; nullopt when no server listens on the
// data directory's control socket.
std::optional<int> import_through_server(const import::ImportCliOptions& o,
                                         const std::optional<import::ImportFile>& students,
                                         const std::optional<import::ImportFile>& teachers) {
  bool failed = false;
  auto server = ControlConnection::open(replay::data_paths(o.data_dir).control_socket, &failed);
  if (!server) return failed ? std::optional<int>(kCannotRead) : std::nullopt;
  std::fprintf(stderr, "zhurnal import: сервер работает; списки проверяет%s он сам\n",
               o.apply ? " и записывает" : "");
  std::string request = "import\t" + control_field(o.school_id) + "\t" + control_field(o.actor) +
                        "\t" + control_field(o.date) + "\t" + (o.open_classes ? "1" : "0") + "\t" +
                        (o.apply ? "1" : "0");
  for (const auto* file : {&students, &teachers}) {
    request += "\t" + (*file ? control_field((*file)->name) : std::string()) + "\t" +
               (*file ? std::to_string((*file)->bytes.size()) : std::string("-1"));
  }
  request += "\n";
  // A server that refuses the request may close before the files are all
  // sent: its answer is read either way.
  (void)(server->send(request) && (!students || server->send(students->bytes)) &&
         (!teachers || server->send(teachers->bytes)));
  return relay_answer(*server, "zhurnal import", kCannotRead);
}

}  // namespace

int run_import_command(const import::ImportCliOptions& o, std::shared_ptr<spdlog::logger> logger) {
  std::optional<import::ImportFile> students, teachers;
  if (const int code = import::read_import_files(o, &students, &teachers); code != 0) return code;
  if (auto answered = import_through_server(o, students, teachers)) return *answered;
  return import::run_import(o, students, teachers, std::move(logger));
}

}  // namespace zhurnal::cli
