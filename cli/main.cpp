// zhurnal: one binary, subcommands. main() wires components explicitly.
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <cstdio>

#include "demo_log.hpp"
#include "help_ru.hpp"
#include "import_command.hpp"
#include "ops_commands.hpp"
#include "replay_commands.hpp"
#include "school_command.hpp"
#include "serve.hpp"
#include "zhurnal/allocator.hpp"
#include "zhurnal/events/event_log.hpp"
#include "zhurnal/import/import_cli.hpp"
#include "zhurnal/replay/log_summary.hpp"

int main(int argc, char** argv) {
  zhurnal::configure_allocator();
  CLI::App app{"zhurnal: электронный журнал (журнал событий с цепочкой хешей)"};
  app.require_subcommand(1);

  std::string data = "demo-data";
  auto* demo = app.add_subcommand(
      "demo-log", "для разработчиков: записать события демонстрационного урока и показать их");
  demo->add_option("--data", data, "каталог данных")->capture_default_str();

  zhurnal::cli::ServeOptions serve_options;
  auto* serve = app.add_subcommand("serve", "запустить журнал: HTTP и WebSocket");
  serve->add_option("--data", serve_options.data, "каталог данных")->capture_default_str();
  serve->add_option("--listen", serve_options.listen, "АДРЕС:ПОРТ для подключений")
      ->capture_default_str();
  serve->add_option("--web", serve_options.web, "каталог веб-страниц");
  serve->add_flag("--demo", serve_options.demo,
                  "создать демонстрационную школу в пустом каталоге данных");
  serve
      ->add_option("--demo-weeks", serve_options.demo_weeks,
                   "недель уроков в демонстрационной школе")
      ->capture_default_str();
  serve->add_flag("--buffered", serve_options.buffered,
                  "подтверждать запись до fsync (только для тестов и замеров)");
  serve
      ->add_option("--reserve-mib", serve_options.reserve_mib,
                   "отклонять команды, пока на диске каталога данных свободно меньше (МиБ)")
      ->capture_default_str();
  serve
      ->add_option("--rebuild-memory-mib", serve_options.rebuild_memory_mib,
                   "строки, которые догоняющая свёртка представлений и «журнал на момент» "
                   "держат в памяти между пакетными загрузками (МиБ; процессу нужно примерно "
                   "вдвое-втрое больше)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  // Abuse limits (docs/protocol.md, "Limits and closing").
  serve
      ->add_option("--http-request-timeout", serve_options.http_request_timeout_s,
                   "секунд на весь HTTP-запрос или переход на WebSocket")
      ->capture_default_str();
  serve
      ->add_option("--anonymous-idle-timeout", serve_options.anonymous_idle_timeout_s,
                   "секунд, которые WebSocket без входа может молчать")
      ->capture_default_str();
  serve
      ->add_option("--max-anonymous-per-address", serve_options.max_anonymous_per_address,
                   "соединений без входа с одного адреса (0: без ограничения)")
      ->capture_default_str();
  serve
      ->add_option("--requests-per-second", serve_options.requests_per_second,
                   "кадров в секунду на соединение сверх пачки (0: без ограничения)")
      ->capture_default_str();
  serve
      ->add_option("--request-burst", serve_options.request_burst,
                   "кадров, которые соединение может прислать сразу, до ограничения скорости")
      ->capture_default_str();
  serve
      ->add_option("--max-concurrent-hashes", serve_options.max_concurrent_hashes,
                   "одновременных вычислений хеша пароля (0: половина ядер, не меньше 1)")
      ->capture_default_str();
  serve
      ->add_option("--max-waiting-sign-ins", serve_options.max_waiting_sign_ins,
                   "входов в очереди на хеш до ответа `busy` (0: вдвое больше хешей)")
      ->capture_default_str();

  auto* replay = app.add_subcommand("replay", "инструменты проверяющего: журнал событий целиком");
  replay->require_subcommand(1);
  auto* verify = replay->add_subcommand(
      "verify", "проверить цепочку хешей, индексы и квитанции; сводка журнала событий");
  verify->add_option("--data", data, "каталог данных")->required();
  zhurnal::cli::ReplayCliOptions replay_options;
  const auto replay_commands = zhurnal::cli::add_replay_commands(*replay, replay_options);
  zhurnal::cli::OpsCliOptions ops_options;
  const auto ops_commands = zhurnal::cli::add_ops_commands(app, *replay, ops_options);

  zhurnal::import::ImportCliOptions import_options;
  auto* import = zhurnal::import::add_import_subcommand(app, import_options);

  zhurnal::cli::SchoolCliOptions school_options;
  auto* school_create = zhurnal::cli::add_school_commands(app, school_options);

  zhurnal::cli::russian_help(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help exits 0; a mistake in the arguments exits 2, as the commands'
    // own refusals do (CLI11's codes are 100 and up).
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }

  auto logger = spdlog::stderr_color_mt("zhurnal");
  if (demo->parsed()) return zhurnal::cli::run_demo_log(data, logger);
  if (serve->parsed()) return zhurnal::cli::run_serve(serve_options, logger);
  if (verify->parsed()) return zhurnal::cli::run_verify_command(data);
  if (ops_commands.export_log->parsed() || ops_commands.backup->parsed() ||
      ops_commands.restore->parsed()) {
    return zhurnal::cli::run_ops_command(ops_commands, ops_options);
  }
  if (replay_commands.rebuild->parsed() || replay_commands.as_of->parsed() ||
      replay_commands.history->parsed()) {
    return zhurnal::cli::run_replay_command(replay_commands, replay_options);
  }
  if (import->parsed()) return zhurnal::cli::run_import_command(import_options, logger);
  if (school_create->parsed()) return zhurnal::cli::run_school_create(school_options, logger);
  return 0;
}
