#include "ops_commands.hpp"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <memory>
#include <optional>

#include "control_client.hpp"
#include "zhurnal/events/event_log.hpp"
#include "zhurnal/events/kv_store.hpp"
#include "zhurnal/events/log_reader.hpp"
#include "zhurnal/replay/backup.hpp"
#include "zhurnal/replay/data_dir.hpp"
#include "zhurnal/replay/export.hpp"
#include "zhurnal/replay/log_summary.hpp"
#include "zhurnal/replay/progress.hpp"

namespace zhurnal::cli {
namespace {

namespace fs = std::filesystem;

int fail(const std::string& what, const events::Status& s) {
  std::fprintf(stderr, "zhurnal: %s: %s\n", what.c_str(), s.to_string().c_str());
  return 2;
}

int64_t now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

uint64_t dir_bytes(const fs::path& dir) {
  uint64_t total = 0;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    if (it->is_regular_file(ec)) total += it->file_size(ec);
  }
  return total;
}

// A part of the data directory, for a progress line.
std::string part_label(const std::string& part) {
  if (part == "log") return "журнал событий";
  if (part == "credentials") return "учётные данные";
  if (part == "views") return "представления";
  return part;
}

// Renders a backup's or restore's progress: one bar per part.
class PartProgress {
 public:
  explicit PartProgress(const replay::DataPaths& paths) : paths_(paths) {}
  void operator()(const std::string& part, uint64_t bytes) {
    if (part != part_) {
      if (progress_) progress_->finish(last_);
      part_ = part;
      last_ = 0;
      const fs::path dir = part == "log" ? fs::path(paths_.log) : fs::path(paths_.data) / part;
      progress_ = std::make_unique<replay::Progress>(part_label(part), dir_bytes(dir));
      progress_->count_bytes();
    }
    if (bytes > 0) last_ = bytes;
    progress_->update(last_);
  }
  void finish() {
    if (progress_) progress_->finish(last_);
    progress_.reset();
  }

 private:
  replay::DataPaths paths_;
  std::string part_;
  uint64_t last_ = 0;
  std::unique_ptr<replay::Progress> progress_;
};

void print_set(const char* what, const replay::BackupSet& s, const std::string& dir) {
  std::printf("%s %u в %s: событий в журнале %llu, %.1f МиБ, %s\n", what, s.id, dir.c_str(),
              static_cast<unsigned long long>(s.head_position), s.bytes / (1024.0 * 1024.0),
              s.has_views ? "с представлениями" : "без представлений");
}

// The server's answer to a backup request over its control socket; nullopt
// when no server listens there (no socket file, or a stale one).
std::optional<int> backup_through_server(const replay::DataPaths& paths, const std::string& out,
                                         unsigned keep) {
  bool failed = false;
  auto server = ControlConnection::open(paths.control_socket, &failed);
  if (!server) return failed ? std::optional<int>(2) : std::nullopt;
  std::fprintf(stderr, "zhurnal: сервер работает; резервную копию делает он сам\n");
  if (!server->send("backup\t" + out + "\t" + std::to_string(keep) + "\n")) {
    std::fprintf(stderr, "zhurnal: сервер закрыл управляющий сокет\n");
    return 2;
  }
  PartProgress progress(paths);
  while (auto f = server->line()) {
    if ((*f)[0] == "progress" && f->size() == 3) {
      progress((*f)[1], std::strtoull((*f)[2].c_str(), nullptr, 10));
    } else if ((*f)[0] == "ok" && f->size() == 5) {
      progress.finish();
      replay::BackupSet s;
      s.id = static_cast<uint32_t>(std::strtoul((*f)[1].c_str(), nullptr, 10));
      s.head_position = std::strtoull((*f)[2].c_str(), nullptr, 10);
      s.bytes = std::strtoull((*f)[3].c_str(), nullptr, 10);
      s.has_views = (*f)[4] == "1";
      print_set("резервная копия", s, out);
      return 0;
    } else if ((*f)[0] == "error" && f->size() == 3) {
      progress.finish();
      std::fprintf(stderr, "zhurnal: сервер не смог сделать резервную копию: %s: %s\n",
                   (*f)[1].c_str(), (*f)[2].c_str());
      return 2;
    }
  }
  std::fprintf(stderr,
               "zhurnal: сервер закрыл управляющий сокет, не ответив (см. журнал "
               "сервера)\n");
  return 2;
}

int backup_offline(const replay::DataPaths& paths, const std::string& out, unsigned keep) {
  events::LogOptions lo;
  lo.path = paths.log;
  lo.create_if_missing = false;
  auto log = events::open_event_log(lo);
  if (!log) {
    if (log.error().code() == events::StatusCode::kInUse) {
      std::fprintf(stderr,
                   "zhurnal: каталог %s занят работающим сервером, но его управляющий сокет %s "
                   "не отвечает; перезапустите сервер этой версии или остановите его на время "
                   "копирования\n",
                   paths.data.c_str(), paths.control_socket.c_str());
      return 2;
    }
    return fail("не удалось открыть журнал событий " + paths.log, log.error());
  }
  auto credentials = events::KvStore::open({paths.credentials, true, false});
  if (!credentials) {
    return fail("не удалось открыть учётные данные " + paths.credentials, credentials.error());
  }
  std::unique_ptr<events::KvStore> views;
  std::error_code ec;
  if (fs::exists(paths.views, ec)) {
    auto v = events::KvStore::open({paths.views, false, false});
    if (!v) return fail("не удалось открыть представления " + paths.views, v.error());
    views = std::move(*v);
  }
  PartProgress progress(paths);
  auto set = replay::backup_data({log->get(), credentials->get(), views.get()}, {out, keep},
                                 [&](const std::string& part, uint64_t b) { progress(part, b); });
  progress.finish();
  if (!set) return fail("резервное копирование не удалось", set.error());
  print_set("резервная копия", *set, out);
  return 0;
}

int run_backup(const OpsCliOptions& o) {
  const replay::DataPaths paths = replay::data_paths(o.data);
  std::error_code ec;
  if (!fs::exists(paths.log, ec)) {
    std::fprintf(stderr, "zhurnal: в %s нет каталога данных с журналом событий\n", o.data.c_str());
    return 2;
  }
  const std::string out = fs::absolute(o.out, ec).lexically_normal().string();
  if (out.find_first_of("\t\n\r") != std::string::npos) {
    std::fprintf(stderr, "zhurnal: в имени каталога копий есть табуляция или перевод строки\n");
    return 2;
  }
  if (auto answered = backup_through_server(paths, out, o.keep)) return *answered;
  return backup_offline(paths, out, o.keep);
}

int run_restore(const OpsCliOptions& o) {
  if (o.list) {
    auto sets = replay::list_backups(o.from);
    if (!sets) return fail("не удалось прочитать список копий в " + o.from, sets.error());
    for (const replay::BackupSet& s : *sets) {
      char when[32] = "?";
      std::time_t t = s.created_s;
      std::tm tm{};
      if (localtime_r(&t, &tm)) std::strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &tm);
      std::printf("%u  %s  событий %llu  %.1f МиБ%s%s\n", s.id, when,
                  static_cast<unsigned long long>(s.head_position), s.bytes / (1024.0 * 1024.0),
                  s.has_views ? "  с представлениями" : "", s.complete ? "" : "  НЕПОЛНАЯ");
    }
    return 0;
  }
  if (o.data.empty()) {
    std::fprintf(stderr, "zhurnal: для восстановления нужен --data НОВЫЙ_КАТАЛОГ (или --list)\n");
    return 2;
  }
  PartProgress progress(replay::data_paths(o.data));
  auto set = replay::restore_data(o.from, o.backup_id, o.data,
                                  [&](const std::string& part, uint64_t b) { progress(part, b); });
  progress.finish();
  if (!set) return fail("восстановление не удалось", set.error());
  print_set("восстановлена копия", *set, o.data);
  std::printf("проверка восстановленного журнала событий...\n");
  std::fflush(stdout);
  return run_verify_command(o.data);
}

int run_export(const OpsCliOptions& o) {
  const replay::DataPaths paths = replay::data_paths(o.data);
  auto reader = events::LogReader::open({paths.log, {}});
  if (!reader) return fail("не удалось открыть журнал событий " + paths.log, reader.error());
  const bool to_stdout = o.out == "-";
  const std::string partial = o.out + ".partial";
  std::FILE* out = stdout;
  if (!to_stdout) {
    // Children's marks and absences: readable by the owner only.
    const int fd = ::open(partial.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0 || (out = ::fdopen(fd, "w")) == nullptr) {
      std::fprintf(stderr, "zhurnal: не удалось создать %s: %s\n", partial.c_str(),
                   std::strerror(errno));
      return 2;
    }
  }
  auto summary = replay::export_log(**reader, out, now_us());
  if (!to_stdout) {
    const bool closed = std::fclose(out) == 0;
    if (!summary || !closed) {
      ::unlink(partial.c_str());
      if (summary)
        return fail("выгрузка", {events::StatusCode::kIoError, "не удалось записать " + partial});
    } else if (::rename(partial.c_str(), o.out.c_str()) != 0) {
      std::fprintf(stderr, "zhurnal: не удалось переименовать %s: %s\n", partial.c_str(),
                   std::strerror(errno));
      return 2;
    }
  }
  if (!summary) {
    fail("выгрузка не удалась", summary.error());
    return summary.error().code() == events::StatusCode::kCorruption ? 1 : 2;
  }
  std::fprintf(stderr, "выгружено событий: %llu; хеш последнего: %s\n",
               static_cast<unsigned long long>(summary->events),
               events::to_hex(summary->last_hash).c_str());
  return 0;
}

}  // namespace

OpsCommands add_ops_commands(CLI::App& app, CLI::App& replay, OpsCliOptions& o) {
  OpsCommands c;
  c.export_log = replay.add_subcommand(
      "export", "весь журнал событий в JSON Lines с хешами, для независимой проверки");
  c.export_log->add_option("--data", o.data, "каталог данных")->required();
  c.export_log->add_option("--out", o.out, "файл (- для стандартного вывода)")->required();

  c.backup = app.add_subcommand(
      "backup",
      "согласованная резервная копия каталога данных, в том числе при работающем сервере");
  c.backup->add_option("--data", o.data, "каталог данных")->required();
  c.backup->add_option("--out", o.out, "каталог копий (инкрементные, несколько копий)")->required();
  c.backup->add_option("--keep", o.keep, "сколько копий хранить, начиная с новейшей")
      ->capture_default_str()
      ->check(CLI::Range(1u, 100000u));

  c.restore = app.add_subcommand("restore", "восстановить копию в новый каталог данных");
  c.restore->add_option("--from", o.from, "каталог копий")->required();
  c.restore->add_option("--data", o.data, "новый каталог данных (не существует или пуст)");
  c.restore->add_option("--backup-id", o.backup_id, "номер копии (по умолчанию: новейшая)");
  c.restore->add_flag("--list", o.list, "показать список копий и выйти");
  return c;
}

int run_ops_command(const OpsCommands& c, const OpsCliOptions& o) {
  if (c.export_log->parsed()) return run_export(o);
  if (c.backup->parsed()) return run_backup(o);
  if (c.restore->parsed()) return run_restore(o);
  return 2;
}

int run_verify_command(const std::string& data) {
  const replay::DataPaths paths = replay::data_paths(data);
  auto reader = events::LogReader::open({paths.log, {}});
  if (!reader) return fail("не удалось открыть журнал событий " + paths.log, reader.error());
  auto summary = replay::verify_log(**reader);
  if (!summary) return fail("проверка не удалась", summary.error());
  std::fputs(replay::format_summary(*summary).c_str(), stdout);
  if (!summary->verify.ok()) {
    std::fprintf(stderr, "zhurnal: журнал событий повреждён, позиция %llu: %s\n",
                 static_cast<unsigned long long>(summary->verify.first_bad_position),
                 summary->verify.problem.c_str());
    return 1;
  }
  return 0;
}

}  // namespace zhurnal::cli
