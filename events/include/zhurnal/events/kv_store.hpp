// KvStore: an ordered key-value store for the read side (projections), kept
// in its own RocksDB instance beside the log so that projection writes never
// delay appends. RocksDB stays behind this interface.
//
// Writes go through KvBatch and commit atomically; a batch with the
// projection's rows and its checkpoint is what makes a projection resume
// exactly where it stopped after a crash.
//
// Disk full: a write that fails for lack of space returns kNoSpace and
// writes nothing; later writes return kNoSpace too, without touching the
// disk, until RocksDB's background recovery finds the space back (it polls
// every 5 s and needs 16 MiB free) and resumes the instance. Reads go on
// throughout. Callers retry: the projection engine resumes from its
// committed checkpoint, so a refused batch is applied later, never lost.
//
// Thread safety: all methods may be called from any thread; a KvBatch is
// used by one thread at a time.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "zhurnal/events/status.hpp"

namespace rocksdb {
class DB;
}

namespace zhurnal::events {

class KvStore;
namespace internal {
// For backups (events/internal/backup.cpp): the instance behind a store.
rocksdb::DB* kv_store_db(KvStore& store);
}  // namespace internal

class KvBatch {
 public:
  KvBatch();
  ~KvBatch();
  KvBatch(KvBatch&&) noexcept;
  KvBatch& operator=(KvBatch&&) noexcept;

  void put(std::string_view key, std::string_view value);
  void erase(std::string_view key);
  // Removes every key in [begin, end).
  void erase_range(std::string_view begin, std::string_view end);
  size_t size_bytes() const;
  size_t count() const;
  void clear();

 private:
  friend class KvStore;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Rows written straight into a table file and added to the store in one
// step (bulk loading: projection rebuilds and catch-ups from far behind),
// instead of through the memtable, its flushes and the compactions that
// rewrite them. Keys must come in strictly increasing order. Nothing is
// visible until commit() returns ok; then all of it is, atomically and
// durably (the file is linked into the store's manifest; no write-ahead log
// is involved). A load destroyed without commit() leaves nothing behind.
// The first failure of put() or erase() (a key out of order, a write error)
// is kept and returned by commit().
class KvBulkLoad {
 public:
  ~KvBulkLoad();
  KvBulkLoad(const KvBulkLoad&) = delete;
  KvBulkLoad& operator=(const KvBulkLoad&) = delete;

  void put(std::string_view key, std::string_view value);
  // A tombstone: hides the key's older value in the store.
  void erase(std::string_view key);
  size_t count() const;
  // Finishes the file (its last blocks, index and footer, synced) on the
  // calling thread, which may be the one that filled it: commit_all() then
  // only adds it. Nothing may be put or erased after. Returns what
  // commit_all() would of this load.
  Status finish_file();
  Status commit();
  // Commits several loads of one store as one: every file is finished (if
  // not already), then all of them are added in one step, atomically (all
  // or none) and durably. Their key ranges must not overlap. The loads may
  // have been filled and finished on different threads (one each), but
  // commit here, on one.
  static Status commit_all(const std::vector<KvBulkLoad*>& loads);

 private:
  friend class KvStore;
  struct Impl;
  explicit KvBulkLoad(std::unique_ptr<Impl> impl);
  // Finishes the file once (later calls return the same); `*file` stays
  // empty for a load with no entries.
  Status finish(std::string* file);
  Status finish_now(std::string* file);
  std::unique_ptr<Impl> impl_;
};

class KvStore {
 public:
  struct Options {
    std::string path;
    bool sync = false;  // fsync each batch; projections are rebuildable from the log
    bool create_if_missing = true;
  };

  static Result<std::unique_ptr<KvStore>> open(const Options& options);
  ~KvStore();

  Status write(KvBatch& batch);
  Result<std::optional<std::string>> get(std::string_view key);
  // Calls fn(key, value) for keys in [begin, end) in order until fn returns
  // false. Reads a consistent snapshot.
  Status scan(std::string_view begin, std::string_view end,
              const std::function<bool(std::string_view, std::string_view)>& fn);

  // Frees at once the table files whose keys all lie in [begin, end), for a
  // range already deleted (KvBatch::erase_range) that nothing reads any
  // more: a dropped generation of a projection. The range deletion alone
  // frees the space only when compactions carry it down to every level
  // that holds the range's rows, and a generation bulk-loaded into the
  // lower levels may wait for that indefinitely. Files of level 0 and files
  // that also hold keys outside the range stay (the range deletion hides
  // their keys). A snapshot taken before the call may miss keys in the range.
  Status delete_files_in_range(std::string_view begin, std::string_view end);

  // Returns the smallest key greater than every key starting with `prefix`
  // (for scans of a prefix): prefix with its last byte incremented.
  static std::string prefix_end(std::string_view prefix);

  // A bulk load into this store (see KvBulkLoad). Its file is written in a
  // subdirectory of the store's and moved into the store by commit(). Loads
  // may run on several threads at once.
  Result<std::unique_ptr<KvBulkLoad>> bulk_load();

  // Bulk-loading mode: from the first pause_compactions() until as many
  // resume_compactions(), RocksDB's automatic compactions are off. A
  // rebuild adds a load of every row it held at each of its commits, and
  // each load overlaps the ones before it; compacted as each came, the
  // earlier loads' rows were rewritten again and again (at 10M events the
  // rebuild's compactions took 2.5 times the CPU of one compaction of all
  // its loads at the end: docs/benchmarks.md, session 13). Writes go on
  // meanwhile: flushed memtables pile up in level 0 without stalling them,
  // and reads look through more files until the compactions have caught
  // up. Each call returns whether RocksDB took the change; a failed pause
  // only costs time, and a resume is retried by the next pause or resume.
  Status pause_compactions();
  Status resume_compactions();

 private:
  friend rocksdb::DB* internal::kv_store_db(KvStore& store);
  struct Impl;
  explicit KvStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace zhurnal::events
