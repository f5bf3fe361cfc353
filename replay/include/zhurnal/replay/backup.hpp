// Backups of a data directory (`zhurnal backup`, `zhurnal restore`).
//
// A backup directory OUT holds one events::BackupDir per database:
// OUT/log, OUT/credentials and (unless left out) OUT/views, plus OUT/LOCK.
// A backup *set* is one backup of each, made in one run, with a set id
// (1, 2, ...) recorded in each part's metadata. The parts are taken in the
// order views, log, credentials: the views' checkpoint is then never past
// the log's end (the projections catch up after a restore), and every
// password set before the log was copied is in the credentials.
//
// The stores may be in use by a running server (this is how the server's
// control socket runs a backup) or opened by the caller when none runs.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "zhurnal/events/event_log.hpp"
#include "zhurnal/events/kv_store.hpp"
#include "zhurnal/events/status.hpp"

namespace zhurnal::replay {

struct DataStores {
  events::EventLog* log = nullptr;          // required
  events::KvStore* credentials = nullptr;   // required
  events::KvStore* views = nullptr;         // may be null: not backed up
};

struct BackupOptions {
  std::string out;     // the backup directory; created (mode 0700) if missing
  unsigned keep = 7;   // sets to keep, newest first; older ones are deleted (>= 1)
};

struct BackupSet {
  uint32_t id = 0;
  int64_t created_s = 0;       // Unix seconds
  uint64_t head_position = 0;  // the log's head when its copy started (it holds at least this)
  uint64_t bytes = 0;          // size of the set's files (shared ones included)
  bool has_views = false;
  bool complete = false;       // log and credentials both present
};

// Called with the part being copied ("views", "log", "credentials") and the
// bytes copied of it so far (the last call of a backup's part: its size);
// a backup then calls once more with 0 when the part is done and verified.
using BackupProgress = std::function<void(const std::string& part, uint64_t bytes)>;

// Takes a new set, verifies its checksums and deletes sets beyond `keep`
// (and parts of failed runs). Errors: kInvalidArgument (bad options),
// kIoError naming the part (with nothing of this run left behind).
events::Result<BackupSet> backup_data(const DataStores& stores, const BackupOptions& options,
                                      const BackupProgress& progress);

// The sets in `out`, oldest first (kNotFound when `out` holds no backups).
events::Result<std::vector<BackupSet>> list_backups(const std::string& out);

// Restores set `set_id` (0: the newest complete one) from `from` into the
// data directory `data`, which must not exist or be empty
// (kInvalidArgument otherwise). The views are restored when the set has
// them; otherwise the server rebuilds them at start.
events::Result<BackupSet> restore_data(const std::string& from, uint32_t set_id,
                                       const std::string& data, const BackupProgress& progress);

}  // namespace zhurnal::replay
