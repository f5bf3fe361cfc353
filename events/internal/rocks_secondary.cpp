// RocksStore as a RocksDB secondary instance (LogReader): no LOCK, no writes,
// follows the primary through catch_up().
#include <rocksdb/filter_policy.h>
#include <rocksdb/table.h>

#include "keys.hpp"
#include "rocks_store.hpp"

namespace zhurnal::events::internal {
namespace {

rocksdb::ColumnFamilyOptions secondary_cf_options() {
  // The same table options as the primary's index families, so that point
  // lookups of the audit use their bloom filters.
  rocksdb::ColumnFamilyOptions cf;
  rocksdb::BlockBasedTableOptions table;
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  cf.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  return cf;
}

}  // namespace

Result<std::unique_ptr<RocksStore>> RocksStore::open_secondary(const std::string& path,
                                                               const std::string& secondary_path) {
  rocksdb::DBOptions db_options;
  // Required for secondaries: table files stay open, so that a compaction of
  // the primary that deletes them cannot pull them from under a read.
  db_options.max_open_files = -1;
  std::vector<rocksdb::ColumnFamilyDescriptor> cfs = {
      {rocksdb::kDefaultColumnFamilyName, rocksdb::ColumnFamilyOptions()},
      {kLogCf, rocksdb::ColumnFamilyOptions()},
      {kStreamsCf, secondary_cf_options()},
      {kCommandsCf, secondary_cf_options()},
  };
  std::unique_ptr<RocksStore> store(new RocksStore());
  store->read_only_ = true;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s =
      rocksdb::DB::OpenAsSecondary(db_options, path, secondary_path, cfs, &store->handles_, &raw);
  if (!s.ok()) {
    if (s.IsInvalidArgument() || s.IsNotFound() || s.IsPathNotFound()) {
      return std::unexpected(Status(StatusCode::kNotFound, "no event log at " + path + " (" +
                                                               s.ToString() + ")"));
    }
    return std::unexpected(from_rocksdb(s, "open " + path + " as a secondary"));
  }
  store->db_.reset(raw);
  store->log_cf_ = store->handles_[1];
  store->streams_cf_ = store->handles_[2];
  store->commands_cf_ = store->handles_[3];
  if (Status c = store->catch_up(); !c.is_ok()) return std::unexpected(c);
  std::string tag;
  s = store->db_->Get(rocksdb::ReadOptions(), kFormatKey, &tag);
  if (s.IsNotFound()) {
    return std::unexpected(Status(StatusCode::kCorruption, path + " has no zhurnal format tag"));
  }
  if (!s.ok()) return std::unexpected(from_rocksdb(s, "read format tag"));
  if (tag != kFormatTag) {
    return std::unexpected(
        Status(StatusCode::kCorruption, "not a zhurnal log (format tag '" + tag + "')"));
  }
  return store;
}

Status RocksStore::catch_up() {
  // The primary may delete a write-ahead log file while it is being read
  // (after a flush); the next attempt starts from the newer files.
  rocksdb::Status s;
  for (int attempt = 0; attempt < 5; ++attempt) {
    s = db_->TryCatchUpWithPrimary();
    if (s.ok()) return Status::ok();
  }
  return from_rocksdb(s, "catch up with the running log");
}

}  // namespace zhurnal::events::internal
