#include "school_command.hpp"

#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <string>

#include "control_client.hpp"
#include "zhurnal/auth/credential_store.hpp"
#include "zhurnal/auth/password.hpp"
#include "zhurnal/commands/journal.hpp"
#include "zhurnal/events/event_log.hpp"
#include "zhurnal/events/kv_store.hpp"
#include "zhurnal/replay/data_dir.hpp"

namespace zhurnal::cli {
namespace {

namespace fs = std::filesystem;

constexpr char kWho[] = "zhurnal school create";
constexpr int kFailed = 2;

void print(const server::SchoolSetupResult& r) {
  std::fwrite(r.out.data(), 1, r.out.size(), stdout);
  if (!r.err.empty()) std::fprintf(stderr, "%s: %s\n", kWho, r.err.c_str());
}

// The server's run; nullopt when no server listens on the directory.
std::optional<int> create_through_server(const SchoolCliOptions& o) {
  bool failed = false;
  auto server = ControlConnection::open(replay::data_paths(o.data).control_socket, &failed);
  if (!server) return failed ? std::optional<int>(kFailed) : std::nullopt;
  std::fprintf(stderr, "%s: сервер работает; школу создаёт он сам\n", kWho);
  const server::SchoolSetup& s = o.setup;
  const std::string request = "school\t" + control_field(s.school_id) + "\t" +
                              control_field(s.name) + "\t" + control_field(s.time_zone) + "\t" +
                              control_field(o.bells) + "\t" + std::to_string(s.lesson_minutes) +
                              "\t" + control_field(s.admin_id) + "\t" +
                              control_field(s.admin_name) + "\t" + control_field(s.admin_login) +
                              "\t" + (s.new_password ? "1" : "0") + "\n";
  (void)server->send(request);
  return relay_answer(*server, kWho, kFailed);
}

// No server: the command opens the log and the credential store itself.
int create_directly(const SchoolCliOptions& o, std::shared_ptr<spdlog::logger> logger) {
  std::error_code ec;
  fs::create_directories(o.data, ec);
  const replay::DataPaths paths = replay::data_paths(o.data);
  events::LogOptions lo;
  lo.path = paths.log;
  lo.logger = logger;
  auto log = events::open_event_log(lo);
  if (!log) {
    std::fprintf(stderr, "%s: не удалось открыть журнал событий %s: %s\n", kWho, o.data.c_str(),
                 log.error().to_string().c_str());
    return kFailed;
  }
  auto store = events::KvStore::open({paths.credentials, true, true});
  if (!store) {
    std::fprintf(stderr, "%s: не удалось открыть хранилище паролей %s: %s\n", kWho,
                 paths.credentials.c_str(), store.error().to_string().c_str());
    return kFailed;
  }
  auth::CredentialStore credentials(store->get(), {});
  auto journal = commands::Journal::open({log->get(), {}, logger, 8});
  if (!journal) {
    std::fprintf(stderr, "%s: не удалось открыть журнал: %s\n", kWho,
                 journal.error().to_string().c_str());
    return kFailed;
  }
  server::CredentialActions actions{
      [&credentials](const std::string& user,
                     const std::string& login) -> std::expected<std::string, std::string> {
        std::string password = auth::generate_initial_password();
        if (auto set = credentials.set_password(user, login, password, /*initial=*/true); !set) {
          return std::unexpected(set.error().message_ru);
        }
        return password;
      },
      [&credentials](const std::string& user) -> std::expected<void, std::string> {
        if (auto removed = credentials.remove(user); !removed) {
          return std::unexpected(removed.error().message_ru);
        }
        return {};
      }};
  const server::SchoolSetupResult result = server::set_up_school(**journal, actions, o.setup);
  print(result);
  return result.exit_code;
}

}  // namespace

CLI::App* add_school_commands(CLI::App& app, SchoolCliOptions& o) {
  auto* school = app.add_subcommand("school", "школы на сервере");
  school->require_subcommand(1);
  auto* create = school->add_subcommand(
      "create", "зарегистрировать школу и её первого администратора; показать его пароль");
  create->add_option("--data", o.data, "каталог данных сервера (создаётся, если его нет)")
      ->required();
  create->add_option("--id", o.setup.school_id, "id школы, например sch2")->required();
  create->add_option("--name", o.setup.name, "название школы")->required();
  create->add_option("--time-zone", o.setup.time_zone, "часовой пояс (IANA)")
      ->default_val("Asia/Yekaterinburg")
      ->capture_default_str();
  create->add_option("--bells", o.bells,
                     "начала уроков через запятую (по умолчанию 08:30,09:20,10:20,11:20,12:20,"
                     "13:10,14:00)");
  create->add_option("--lesson-minutes", o.setup.lesson_minutes, "минут в уроке")
      ->capture_default_str();
  create->add_option("--admin-name", o.setup.admin_name, "ФИО администратора")->required();
  create->add_option("--admin-login", o.setup.admin_login, "логин администратора")->required();
  create->add_option("--admin-id", o.setup.admin_id,
                     "id администратора (по умолчанию <школа>-admin)");
  create->add_flag("--new-password", o.setup.new_password,
                   "у администратора уже есть логин: отозвать его и выдать новый с новым паролем");
  return create;
}

int run_school_create(SchoolCliOptions o, std::shared_ptr<spdlog::logger> logger) {
  for (size_t at = 0; at < o.bells.size();) {
    const size_t comma = std::min(o.bells.find(',', at), o.bells.size());
    o.setup.bells.push_back(o.bells.substr(at, comma - at));
    at = comma + 1;
  }
  if (auto answered = create_through_server(o)) return *answered;
  return create_directly(o, std::move(logger));
}

}  // namespace zhurnal::cli
