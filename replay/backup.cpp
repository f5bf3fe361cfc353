#include "zhurnal/replay/backup.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <sstream>

#include "zhurnal/events/backup.hpp"

namespace zhurnal::replay {
namespace {

namespace fs = std::filesystem;
using events::StatusCode;

constexpr char kTag[] = "zhurnal-backup-1";
constexpr const char* kParts[] = {"views", "log", "credentials"};

// Metadata of a part: "zhurnal-backup-1 set=<id> part=<name> head=<position>".
std::string metadata(uint32_t set, const std::string& part, uint64_t head) {
  return std::string(kTag) + " set=" + std::to_string(set) + " part=" + part +
         " head=" + std::to_string(head);
}

struct PartMeta {
  uint32_t set = 0;
  uint64_t head = 0;
};

std::optional<PartMeta> parse_metadata(const std::string& m, const std::string& part) {
  std::istringstream in(m);
  std::string tag, set, name, head;
  if (!(in >> tag >> set >> name >> head) || tag != kTag || name != "part=" + part ||
      set.rfind("set=", 0) != 0 || head.rfind("head=", 0) != 0) {
    return std::nullopt;
  }
  try {
    PartMeta p;
    p.set = static_cast<uint32_t>(std::stoul(set.substr(4)));
    p.head = std::stoull(head.substr(5));
    return p;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

// An exclusive lock on OUT/LOCK for the duration of a run, so that two runs
// (a cron job and a hand-started one) never write one directory at once.
class DirLock {
 public:
  static events::Result<std::unique_ptr<DirLock>> take(const fs::path& dir) {
    const std::string path = (dir / "LOCK").string();
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) return events::error(StatusCode::kIoError, "не удалось открыть " + path);
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      ::close(fd);
      return events::error(
          StatusCode::kInUse,
          "каталог " + dir.string() + " занят другим копированием или восстановлением");
    }
    return std::unique_ptr<DirLock>(new DirLock(fd));
  }
  ~DirLock() { ::close(fd_); }  // closing releases the lock

 private:
  explicit DirLock(int fd) : fd_(fd) {}
  int fd_;
};

// The parts found in OUT: part name -> backup id -> set metadata.
struct Inventory {
  std::map<std::string, std::unique_ptr<events::BackupDir>> dirs;
  std::map<std::string, std::map<uint32_t, std::pair<PartMeta, events::BackupEntry>>> parts;

  // set id -> part name -> backup id
  std::map<uint32_t, std::map<std::string, uint32_t>> sets() const {
    std::map<uint32_t, std::map<std::string, uint32_t>> out;
    for (const auto& [part, backups] : parts) {
      for (const auto& [id, meta] : backups) out[meta.first.set][part] = id;
    }
    return out;
  }

  BackupSet describe(uint32_t set, const std::map<std::string, uint32_t>& members) const {
    BackupSet s;
    s.id = set;
    for (const auto& [part, id] : members) {
      const auto& [meta, entry] = parts.at(part).at(id);
      s.bytes += entry.bytes;
      if (part == "log") {
        s.head_position = meta.head;
        s.created_s = entry.created_s;
      }
      if (part == "views") s.has_views = true;
    }
    s.complete = members.contains("log") && members.contains("credentials");
    return s;
  }
};

events::Result<Inventory> take_inventory(const fs::path& out, bool create) {
  Inventory inv;
  for (const char* part : kParts) {
    const fs::path dir = out / part;
    std::error_code ec;
    if (!create && !fs::exists(dir, ec)) continue;
    auto bd = events::BackupDir::open(dir.string(), create);
    if (!bd) return std::unexpected(bd.error());
    auto entries = (*bd)->list();
    if (!entries) return std::unexpected(entries.error());
    for (const events::BackupEntry& e : *entries) {
      // A backup without our metadata is not ours to interpret or delete.
      if (auto meta = parse_metadata(e.metadata, part)) inv.parts[part][e.id] = {*meta, e};
    }
    inv.dirs[part] = std::move(*bd);
  }
  return inv;
}

events::Status prepare_dir(const fs::path& dir) {
  std::error_code ec;
  if (!fs::exists(dir, ec)) {
    if (!fs::create_directories(dir, ec)) {
      return {StatusCode::kIoError, "не удалось создать " + dir.string() + ": " + ec.message()};
    }
    // Password hashes and children's marks: the owner only.
    fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace, ec);
  } else if (!fs::is_directory(dir, ec)) {
    return {StatusCode::kInvalidArgument, dir.string() + " — не каталог"};
  }
  return events::Status::ok();
}

}  // namespace

events::Result<BackupSet> backup_data(const DataStores& stores, const BackupOptions& options,
                                      const BackupProgress& progress) {
  if (stores.log == nullptr || stores.credentials == nullptr) {
    return events::error(StatusCode::kInvalidArgument, "нужны журнал событий и учётные данные");
  }
  if (options.out.empty())
    return events::error(StatusCode::kInvalidArgument, "не указан каталог копий");
  if (options.keep == 0)
    return events::error(StatusCode::kInvalidArgument, "--keep должен быть не меньше 1");
  const fs::path out(options.out);
  if (events::Status s = prepare_dir(out); !s.is_ok()) return std::unexpected(s);
  auto lock = DirLock::take(out);
  if (!lock) return std::unexpected(lock.error());
  auto inv = take_inventory(out, true);
  if (!inv) return std::unexpected(inv.error());
  const auto existing = inv->sets();
  const uint32_t set = existing.empty() ? 1 : existing.rbegin()->first + 1;

  // Parts made by this run, deleted again if a later part fails.
  std::vector<std::pair<std::string, uint32_t>> made;
  auto undo = [&](events::Status cause) {
    for (const auto& [part, id] : made) {
      events::Status s = inv->dirs[part]->remove(id);
      (void)s;  // the next run deletes parts of sets that are not complete
    }
    return std::unexpected(cause);
  };
  const uint64_t head = stores.log->head_position();
  for (const char* part : kParts) {
    const std::string name = part;
    auto report = [&](uint64_t bytes) {
      if (progress) progress(name, bytes);
    };
    const std::string meta = metadata(set, name, head);
    events::Result<uint32_t> id = events::error(StatusCode::kInvalidArgument, "");
    if (name == "views") {
      if (stores.views == nullptr) continue;
      id = inv->dirs[name]->create(*stores.views, meta, report);
    } else if (name == "log") {
      id = inv->dirs[name]->create(*stores.log, meta, report);
    } else {
      id = inv->dirs[name]->create(*stores.credentials, meta, report);
    }
    if (!id) return undo({id.error().code(), "копия части " + name + ": " + id.error().message()});
    made.emplace_back(name, *id);
    if (events::Status v = inv->dirs[name]->verify(*id); !v.is_ok()) {
      return undo(
          {v.code(), "новая копия части " + name + " не проходит проверку: " + v.message()});
    }
    if (progress) progress(name, 0);
  }

  // Keep the newest `keep` complete sets; delete everything else.
  auto after = take_inventory(out, false);
  if (!after) return std::unexpected(after.error());
  const auto sets = after->sets();
  std::vector<uint32_t> complete;
  for (const auto& [id, members] : sets) {
    if (after->describe(id, members).complete) complete.push_back(id);
  }
  const uint32_t oldest_kept =
      complete.size() > options.keep ? complete[complete.size() - options.keep] : 0;
  BackupSet result;
  for (const auto& [id, members] : sets) {
    const BackupSet described = after->describe(id, members);
    if (id == set) result = described;
    if (described.complete && id >= oldest_kept) continue;
    for (const auto& [part, backup_id] : members) {
      if (events::Status s = after->dirs[part]->remove(backup_id); !s.is_ok()) {
        return std::unexpected(s);
      }
    }
  }
  return result;
}

events::Result<std::vector<BackupSet>> list_backups(const std::string& out) {
  std::error_code ec;
  if (!fs::exists(fs::path(out) / "log", ec)) {
    return events::error(StatusCode::kNotFound, "нет копий в " + out);
  }
  auto inv = take_inventory(out, false);
  if (!inv) return std::unexpected(inv.error());
  std::vector<BackupSet> result;
  for (const auto& [id, members] : inv->sets()) result.push_back(inv->describe(id, members));
  return result;
}

events::Result<BackupSet> restore_data(const std::string& from, uint32_t set_id,
                                       const std::string& data, const BackupProgress& progress) {
  const fs::path target(data);
  std::error_code ec;
  if (fs::exists(target, ec)) {
    if (!fs::is_directory(target, ec)) {
      return events::error(StatusCode::kInvalidArgument, data + " — не каталог");
    }
    if (!fs::is_empty(target, ec)) {
      return events::error(
          StatusCode::kInvalidArgument,
          data + " не пуст: восстанавливать можно только в новый или пустой каталог");
    }
  }
  if (!fs::exists(fs::path(from) / "log", ec)) {
    return events::error(StatusCode::kNotFound, "нет копий в " + from);
  }
  auto lock = DirLock::take(from);
  if (!lock) return std::unexpected(lock.error());
  auto inv = take_inventory(from, false);
  if (!inv) return std::unexpected(inv.error());
  const auto sets = inv->sets();
  const std::map<std::string, uint32_t>* members = nullptr;
  BackupSet chosen;
  for (const auto& [id, m] : sets) {
    const BackupSet s = inv->describe(id, m);
    if (!s.complete || (set_id != 0 && id != set_id)) continue;
    chosen = s;
    members = &m;
  }
  if (members == nullptr) {
    return events::error(StatusCode::kNotFound,
                         set_id == 0 ? "нет полной копии в " + from
                                     : "нет полной копии " + std::to_string(set_id) + " в " + from);
  }
  if (events::Status s = prepare_dir(target); !s.is_ok()) return std::unexpected(s);
  std::vector<fs::path> made;
  for (const char* part : kParts) {
    const std::string name = part;
    auto it = members->find(name);
    if (it == members->end()) continue;
    const fs::path dir = target / name;
    made.push_back(dir);
    events::Status s = inv->dirs[name]->restore(it->second, dir.string(), [&](uint64_t bytes) {
      if (progress) progress(name, bytes);
    });
    if (!s.is_ok()) {
      for (const fs::path& p : made) fs::remove_all(p, ec);
      return std::unexpected(
          events::Status(s.code(), "восстановление части " + name + ": " + s.message()));
    }
    fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace, ec);
  }
  return chosen;
}

}  // namespace zhurnal::replay
