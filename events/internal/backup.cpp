// BackupDir over RocksDB's BackupEngine.
#include "zhurnal/events/backup.hpp"

#include <rocksdb/env.h>
#include <rocksdb/utilities/backup_engine.h>

#include "rocks_log.hpp"
#include "rocks_store.hpp"

namespace zhurnal::events {

namespace internal {

Status RocksLog::with_store(const std::function<Status(RocksStore&)>& fn) {
  std::shared_lock lock(store_mu_);
  if (!store_) return {StatusCode::kIoError, "the event log store is not open"};
  return fn(*store_);
}

}  // namespace internal

namespace {

constexpr uint64_t kProgressInterval = 4 << 20;  // bytes between progress calls

class RocksBackupDir final : public BackupDir {
 public:
  explicit RocksBackupDir(std::unique_ptr<rocksdb::BackupEngine> engine)
      : engine_(std::move(engine)) {}

  Result<uint32_t> create(EventLog& log, const std::string& metadata,
                          const CopyProgress& progress) override {
    auto* rocks = dynamic_cast<internal::RocksLog*>(&log);
    if (rocks == nullptr) return error(StatusCode::kInvalidArgument, "not a RocksDB event log");
    uint32_t id = 0;
    Status s = rocks->with_store([&](internal::RocksStore& store) {
      auto r = create_from(store.db(), metadata, progress);
      if (!r) return r.error();
      id = *r;
      return Status::ok();
    });
    if (!s.is_ok()) return std::unexpected(s);
    return id;
  }

  Result<uint32_t> create(KvStore& store, const std::string& metadata,
                          const CopyProgress& progress) override {
    return create_from(internal::kv_store_db(store), metadata, progress);
  }

  Result<std::vector<BackupEntry>> list() override {
    std::vector<rocksdb::BackupInfo> infos;
    engine_->GetBackupInfo(&infos);
    std::vector<BackupEntry> out;
    for (const rocksdb::BackupInfo& i : infos) {
      out.push_back({i.backup_id, i.timestamp, i.size, i.number_files, i.app_metadata});
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
    return out;
  }

  Status remove(uint32_t id) override {
    Status s = internal::from_rocksdb(engine_->DeleteBackup(id), "delete backup");
    if (!s.is_ok()) return s;
    return internal::from_rocksdb(engine_->GarbageCollect(), "collect backup files");
  }

  Status verify(uint32_t id) override {
    return internal::from_rocksdb(engine_->VerifyBackup(id, /*verify_with_checksum=*/true),
                                  "verify backup " + std::to_string(id));
  }

  Status restore(uint32_t id, const std::string& db_dir, const CopyProgress& progress) override {
    // RestoreDBFromBackup has no progress callback: report the backup's size
    // before and after.
    if (progress) progress(0);
    rocksdb::IOStatus s =
        engine_->RestoreDBFromBackup(rocksdb::RestoreOptions(false), id, db_dir, db_dir);
    if (s.ok() && progress) {
      rocksdb::BackupInfo info;
      if (engine_->GetBackupInfo(id, &info).ok()) progress(info.size);
    }
    return internal::from_rocksdb(s, "restore backup " + std::to_string(id));
  }

 private:
  Result<uint32_t> create_from(rocksdb::DB* db, const std::string& metadata,
                               const CopyProgress& progress) {
    rocksdb::CreateBackupOptions o;
    // No flush: the live write-ahead log is copied with the table files, so
    // the backup holds whole batches across every column family and the
    // restored instance recovers to exactly the moment the backup started.
    o.flush_before_backup = false;
    uint64_t copied = 0;
    o.progress_callback = [&] {
      copied += kProgressInterval;
      if (progress) progress(copied);
    };
    rocksdb::BackupID id = 0;
    rocksdb::IOStatus s = engine_->CreateNewBackupWithMetadata(o, db, metadata, &id);
    if (!s.ok()) return std::unexpected(internal::from_rocksdb(s, "create backup"));
    // The callback counts whole intervals only: the last call is the size.
    rocksdb::BackupInfo info;
    if (progress && engine_->GetBackupInfo(id, &info).ok()) progress(info.size);
    return id;
  }

  std::unique_ptr<rocksdb::BackupEngine> engine_;
};

}  // namespace

Result<std::unique_ptr<BackupDir>> BackupDir::open(const std::string& path, bool create) {
  rocksdb::BackupEngineOptions o(path);
  o.sync = true;  // a finished backup survives a power cut
  o.share_files_with_checksum = true;
  o.callback_trigger_interval_size = kProgressInterval;
  o.max_background_operations = 2;
  if (!create) {
    rocksdb::Env* env = rocksdb::Env::Default();
    if (!env->FileExists(path).ok()) {
      return error(StatusCode::kNotFound, "no backup directory at " + path);
    }
  }
  rocksdb::BackupEngine* raw = nullptr;
  rocksdb::IOStatus s = rocksdb::BackupEngine::Open(o, rocksdb::Env::Default(), &raw);
  if (!s.ok()) return std::unexpected(internal::from_rocksdb(s, "open backups at " + path));
  return std::unique_ptr<BackupDir>(new RocksBackupDir(std::unique_ptr<rocksdb::BackupEngine>(raw)));
}

}  // namespace zhurnal::events
