// RocksStore: the RocksDB instance behind the log, its column families and
// the reads. Converts every rocksdb::Status into the project's Status; no
// RocksDB type leaves events/.
//
// Thread safety: all methods are safe to call concurrently (RocksDB is).
#pragma once

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "zhurnal/events/status.hpp"
#include "zhurnal/events/types.hpp"

namespace zhurnal::events::internal {

Status from_rocksdb(const rocksdb::Status& s, std::string_view what);

// The compression of every table the log and the views write: LZ4 when
// this RocksDB build has it (Debian's does), else RocksDB's default,
// Snappy. LZ4 decompresses faster: at 10.1M events a view row read at
// random past the block cache took 5.3 us against 6.2 us, and the log read
// in order with decode 4.0-5.4 s against 6.3-7.8 s (docs/benchmarks.md,
// session 20). Files written before keep theirs: each block records its
// own compression.
rocksdb::CompressionType table_compression();

// The log's table blocks: 16 KiB, where RocksDB's default is 4 KiB. The
// log is read mostly in order (catch-ups, subscriptions, verify, export, a
// rebuild), and its values compress better in larger blocks: 1.04 GB of
// blocks against 1.37 GB at 10.1M events. (A row of the views, read at
// random, took 9.0 us in 16 KiB blocks against 5.3 us in 4 KiB ones: the
// views keep RocksDB's size.)
inline constexpr size_t kLogBlockBytes = 16 << 10;

// The store's column families and their options, as RocksStore::open()
// opens them (anything else that opens the store's RocksDB and writes, such
// as the benchmarks' compaction, must use the same table formats).
std::vector<rocksdb::ColumnFamilyDescriptor> column_families();

// The last event of the log, read at open.
struct Tail {
  uint64_t position = 0;
  Hash hash{};
  int64_t recorded_at_us = 0;
};

class RocksStore {
 public:
  // Opens read-write, or read-only (for reads to go on while the disk cannot
  // take a write; see EventLog recovery).
  static Result<std::unique_ptr<RocksStore>> open(const std::string& path, bool create_if_missing,
                                                  bool read_only);
  ~RocksStore();
  RocksStore(const RocksStore&) = delete;
  RocksStore& operator=(const RocksStore&) = delete;

  bool read_only() const { return read_only_; }

  // Opens a RocksDB secondary instance of the log at `path`: read-only, works
  // while another process holds the primary (and its LOCK), and sees the
  // primary's writes up to the last catch_up(). `secondary_path` is a
  // directory of its own for the secondary's info log. rocks_secondary.cpp.
  static Result<std::unique_ptr<RocksStore>> open_secondary(const std::string& path,
                                                            const std::string& secondary_path);
  // Secondary only: reads what the primary wrote since open or the last call.
  Status catch_up();
  // For backups (backup.cpp): the open instance; never null.
  rocksdb::DB* db() const { return db_.get(); }

  // Commits a batch. `sync` fsyncs the WAL before returning.
  Status write(rocksdb::WriteBatch* batch, bool sync);

  rocksdb::ColumnFamilyHandle* log_cf() const { return log_cf_; }
  rocksdb::ColumnFamilyHandle* streams_cf() const { return streams_cf_; }
  rocksdb::ColumnFamilyHandle* commands_cf() const { return commands_cf_; }

  Result<Tail> tail();
  // The stored receipt of a command id, if any.
  Result<std::optional<std::string>> get_receipt(std::string_view command_id);
  // EventLog::find_command: the receipt decoded (duplicate = true).
  Result<std::optional<AppendResult>> find_command(std::string_view command_id);
  Result<uint64_t> stream_version(std::string_view stream);

  Result<std::vector<RecordedEvent>> read_all(uint64_t from_position, size_t max);
  // EventLog::read_into: decodes `fields` into `out`'s elements in place.
  Status read_all(uint64_t from_position, size_t max, std::vector<RecordedEvent>* out,
                  EventFields fields = EventFields::kAll);
  Result<std::vector<RecordedEvent>> read_stream(std::string_view stream, uint64_t from_version,
                                                 Direction direction, size_t max);
  // Calls fn(key_position, stored_value) for each log entry from
  // `from_position` in key order until fn returns false.
  // With `snapshot`, both scans read the store as it was when it was taken.
  Status scan_log(uint64_t from_position,
                  const std::function<bool(uint64_t, std::string_view)>& fn,
                  const rocksdb::Snapshot* snapshot = nullptr);
  // Calls fn(key, value) for every entry of a column family in key order.
  Status scan_cf(rocksdb::ColumnFamilyHandle* cf,
                 const std::function<bool(std::string_view, std::string_view)>& fn,
                 const rocksdb::Snapshot* snapshot = nullptr);

 private:
  RocksStore() = default;
  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
  rocksdb::ColumnFamilyHandle* log_cf_ = nullptr;
  rocksdb::ColumnFamilyHandle* streams_cf_ = nullptr;
  rocksdb::ColumnFamilyHandle* commands_cf_ = nullptr;
  bool read_only_ = false;
};

}  // namespace zhurnal::events::internal
