// BackupDir: a directory of consistent, incremental backups of one RocksDB
// instance (the log or a KvStore), made from the open instance while it is in
// use (RocksDB's BackupEngine). Table files are shared between backups by
// checksum, so a daily backup copies only what changed; every file carries a
// checksum that verify() and restore() check.
//
// A backup of the log is consistent: it holds every append committed before
// the backup started and no part of any later one (table files plus the
// write-ahead log; the restored log recovers to an append boundary).
//
// Thread safety: one BackupDir per directory and process, one call at a time.
// Callers serialise processes (replay/backup.cpp takes a lock file).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "zhurnal/events/event_log.hpp"
#include "zhurnal/events/kv_store.hpp"
#include "zhurnal/events/status.hpp"

namespace zhurnal::events {

struct BackupEntry {
  uint32_t id = 0;          // 1, 2, ... in creation order, never reused
  int64_t created_s = 0;    // creation time, Unix seconds
  uint64_t bytes = 0;       // size of its files (shared ones included)
  uint32_t files = 0;
  std::string metadata;     // what create() was given
};

// Called now and then with the bytes copied so far.
using CopyProgress = std::function<void(uint64_t bytes)>;

class BackupDir {
 public:
  // Opens (with `create`, creates) the backup directory `path`.
  static Result<std::unique_ptr<BackupDir>> open(const std::string& path, bool create);
  virtual ~BackupDir() = default;

  // A new backup of an open log or store; returns its id. The log must be one
  // returned by open_event_log (kInvalidArgument otherwise).
  virtual Result<uint32_t> create(EventLog& log, const std::string& metadata,
                                  const CopyProgress& progress) = 0;
  virtual Result<uint32_t> create(KvStore& store, const std::string& metadata,
                                  const CopyProgress& progress) = 0;

  // Every backup, oldest first.
  virtual Result<std::vector<BackupEntry>> list() = 0;
  // Deletes a backup and the files no other backup uses.
  virtual Status remove(uint32_t id) = 0;
  // Checks that every file of the backup is present with its checksum.
  virtual Status verify(uint32_t id) = 0;
  // Writes the backup as a RocksDB instance into `db_dir` (which should not
  // exist or be empty), checking checksums as it copies.
  virtual Status restore(uint32_t id, const std::string& db_dir, const CopyProgress& progress) = 0;
};

}  // namespace zhurnal::events
