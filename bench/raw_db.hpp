// Raw RocksDB for the baselines. The bench is the one place outside events/
// that includes RocksDB: it measures the log against the engine beneath it.
#pragma once

#include <rocksdb/db.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace zhurnal::bench {

// Throws std::runtime_error("<what>: <status>") unless `s` is ok.
void check(const rocksdb::Status& s, std::string_view what);

// A database of one (default) column family, created at `path`, with the
// options the log gives its own instance where they matter for writes
// (max_background_jobs) and statistics on, so that the runner can read the
// WAL figures (syncs, bytes). Throws on failure.
std::unique_ptr<rocksdb::DB> open_raw_db(const std::string& path);

// An existing database opened with every one of its column families (default
// options for each: enough to read and compact). Owns the handles and
// destroys them before the database closes.
class RawMultiCfDb {
 public:
  explicit RawMultiCfDb(const std::string& path);
  ~RawMultiCfDb();
  RawMultiCfDb(const RawMultiCfDb&) = delete;
  RawMultiCfDb& operator=(const RawMultiCfDb&) = delete;

  rocksdb::DB* db() const { return db_.get(); }
  // The handle of the column family called `name`; throws when there is none.
  rocksdb::ColumnFamilyHandle* cf(std::string_view name) const;
  // Compacts every column family (memtables flushed, L0 merged down) and
  // waits for it, so that no background work is pending afterwards.
  void compact_all();

 private:
  std::unique_ptr<rocksdb::DB> db_;
  std::vector<std::string> names_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
};

}  // namespace zhurnal::bench
