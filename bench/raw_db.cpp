#include "raw_db.hpp"

#include <rocksdb/statistics.h>

#include <stdexcept>

#include "internal/rocks_store.hpp"

namespace zhurnal::bench {

void check(const rocksdb::Status& s, std::string_view what) {
  if (!s.ok()) throw std::runtime_error(std::string(what) + ": " + s.ToString());
}

std::unique_ptr<rocksdb::DB> open_raw_db(const std::string& path) {
  rocksdb::Options options;
  options.create_if_missing = true;
  options.max_background_jobs = 2;  // as events/internal/rocks_store.cpp
  options.statistics = rocksdb::CreateDBStatistics();
  options.statistics->set_stats_level(rocksdb::StatsLevel::kExceptHistogramOrTimers);
  rocksdb::DB* raw = nullptr;
  check(rocksdb::DB::Open(options, path, &raw), "open raw RocksDB at " + path);
  return std::unique_ptr<rocksdb::DB>(raw);
}

RawMultiCfDb::RawMultiCfDb(const std::string& path) {
  rocksdb::DBOptions options;
  // As the store opens it (rocks_store.cpp): the commands' hash memtable
  // needs this off.
  options.allow_concurrent_memtable_write = false;
  check(rocksdb::DB::ListColumnFamilies(options, path, &names_), "list column families");
  std::vector<rocksdb::ColumnFamilyDescriptor> cfs;
  // The store's own options: a compaction here writes the tables the
  // store would (its compression, block size and filters).
  const std::vector<rocksdb::ColumnFamilyDescriptor> store_cfs =
      events::internal::column_families();
  for (const std::string& name : names_) {
    rocksdb::ColumnFamilyOptions o;
    for (const auto& d : store_cfs) {
      if (d.name == name) o = d.options;
    }
    cfs.emplace_back(name, o);
  }
  rocksdb::DB* raw = nullptr;
  check(rocksdb::DB::Open(options, path, cfs, &handles_, &raw), "open raw RocksDB at " + path);
  db_.reset(raw);
}

RawMultiCfDb::~RawMultiCfDb() {
  for (rocksdb::ColumnFamilyHandle* h : handles_) {
    rocksdb::Status s = db_->DestroyColumnFamilyHandle(h);
    s.PermitUncheckedError();  // closing: nothing left to report to
  }
  rocksdb::Status s = db_->Close();
  s.PermitUncheckedError();
}

rocksdb::ColumnFamilyHandle* RawMultiCfDb::cf(std::string_view name) const {
  for (size_t i = 0; i < names_.size(); ++i) {
    if (names_[i] == name) return handles_[i];
  }
  throw std::runtime_error("no column family " + std::string(name));
}

void RawMultiCfDb::compact_all() {
  rocksdb::CompactRangeOptions options;
  for (rocksdb::ColumnFamilyHandle* h : handles_) {
    check(db_->CompactRange(options, h, nullptr, nullptr), "compact " + h->GetName());
  }
}

}  // namespace zhurnal::bench
