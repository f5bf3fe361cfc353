#include "rocks_store.hpp"

#include <rocksdb/convenience.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/memtablerep.h>
#include <rocksdb/slice_transform.h>
#include <rocksdb/table.h>

#include "codec.hpp"
#include "info_log.hpp"
#include "keys.hpp"

namespace zhurnal::events::internal {
namespace {

rocksdb::Slice slice(std::string_view s) { return {s.data(), s.size()}; }
std::string_view view(const rocksdb::Slice& s) { return {s.data(), s.size()}; }

rocksdb::ColumnFamilyOptions point_lookup_cf_options() {
  // Streams and commands are looked up by key on the append path, mostly for
  // keys that do not exist: bloom filters in the tables and the memtable.
  // RocksDB's 4 KiB blocks (a look-up reads one).
  rocksdb::ColumnFamilyOptions cf;
  cf.compression = table_compression();
  rocksdb::BlockBasedTableOptions table;
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  table.whole_key_filtering = true;
  cf.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  cf.memtable_prefix_bloom_size_ratio = 0.05;
  cf.memtable_whole_key_filtering = true;
  return cf;
}

// The stream id of a stream index key (stream_id || 0x00 || u64be(version)).
// Each stream's versions arrive in order, so RocksDB can start each insert
// from where that stream's previous one ended (a per-prefix hint) instead of
// searching the memtable from the top: the appends of a group interleave
// many streams, which defeats the memtable's own last-insert shortcut.
class StreamIdPrefix final : public rocksdb::SliceTransform {
 public:
  const char* Name() const override { return "zhurnal.StreamIdPrefix"; }
  rocksdb::Slice Transform(const rocksdb::Slice& key) const override {
    return {key.data(), key.size() - 9};
  }
  bool InDomain(const rocksdb::Slice& key) const override { return key.size() > 9; }
};

// Receipts are keyed by the client's command id: random, so a skip-list
// memtable pays a full search from the top for each one. They are only ever
// read by key (and scanned whole by verify, with total_order_seek), so the
// memtable hashes the whole id into buckets of (nearly always) one entry.
// Hashing only a prefix would put ids that share one (a client's own scheme,
// "import-...") into one long skip list.
rocksdb::ColumnFamilyOptions commands_cf_options() {
  rocksdb::ColumnFamilyOptions cf = point_lookup_cf_options();
  cf.prefix_extractor.reset(rocksdb::NewNoopTransform());
  cf.memtable_factory.reset(rocksdb::NewHashSkipListRepFactory(1 << 16));
  return cf;
}

rocksdb::ColumnFamilyOptions streams_cf_options() {
  rocksdb::ColumnFamilyOptions cf = point_lookup_cf_options();
  cf.memtable_insert_with_hint_prefix_extractor = std::make_shared<StreamIdPrefix>();
  return cf;
}

// The log: read in order (catch-ups, subscriptions, verify, export) and
// by position.
rocksdb::ColumnFamilyOptions log_cf_options() {
  rocksdb::ColumnFamilyOptions cf;
  cf.compression = table_compression();
  rocksdb::BlockBasedTableOptions table;
  table.block_size = kLogBlockBytes;
  cf.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  return cf;
}

}  // namespace

rocksdb::CompressionType table_compression() {
  for (rocksdb::CompressionType t : rocksdb::GetSupportedCompressions()) {
    if (t == rocksdb::kLZ4Compression) return t;
  }
  return rocksdb::ColumnFamilyOptions().compression;
}

std::vector<rocksdb::ColumnFamilyDescriptor> column_families() {
  return {
      {rocksdb::kDefaultColumnFamilyName, rocksdb::ColumnFamilyOptions()},
      {kLogCf, log_cf_options()},
      {kStreamsCf, streams_cf_options()},
      {kCommandsCf, commands_cf_options()},
  };
}

Status from_rocksdb(const rocksdb::Status& s, std::string_view what) {
  if (s.ok()) return Status::ok();
  std::string msg = std::string(what) + ": " + s.ToString();
  if (s.IsNoSpace()) return {StatusCode::kNoSpace, msg};
  if (s.IsCorruption()) return {StatusCode::kCorruption, msg};
  if (s.IsNotFound()) return {StatusCode::kNotFound, msg};
  if (s.IsInvalidArgument()) return {StatusCode::kInvalidArgument, msg};
  // RocksDB admits one process per database: an open fails on its LOCK file
  // ("While lock file: DIR/LOCK: Resource temporarily unavailable"; within
  // one process, "lock hold by current process ... DIR/LOCK"). It has no
  // subcode for this, so the file's name tells.
  if (s.IsIOError() && msg.find("/LOCK:") != std::string::npos) return {StatusCode::kInUse, msg};
  return {StatusCode::kIoError, msg};
}

Result<std::unique_ptr<RocksStore>> RocksStore::open(const std::string& path,
                                                     bool create_if_missing, bool read_only) {
  rocksdb::DBOptions db_options;
  db_options.create_if_missing = create_if_missing;
  db_options.create_missing_column_families = true;
  db_options.max_background_jobs = 2;
  // One writer thread; the hash memtable of `commands` needs this off.
  db_options.allow_concurrent_memtable_write = false;
  // A torn tail after a crash is dropped; everything before it is kept.
  db_options.wal_recovery_mode = rocksdb::WALRecoveryMode::kPointInTimeRecovery;
  // RocksDB's own info logger aborts the process on a full disk (info_log.hpp).
  db_options.info_log = open_info_log(path, create_if_missing && !read_only);

  std::vector<rocksdb::ColumnFamilyDescriptor> cfs = column_families();

  std::unique_ptr<RocksStore> store(new RocksStore());
  store->read_only_ = read_only;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s =
      read_only ? rocksdb::DB::OpenForReadOnly(db_options, path, cfs, &store->handles_, &raw)
                : rocksdb::DB::Open(db_options, path, cfs, &store->handles_, &raw);
  if (!s.ok()) return std::unexpected(from_rocksdb(s, "open " + path));
  store->db_.reset(raw);
  store->log_cf_ = store->handles_[1];
  store->streams_cf_ = store->handles_[2];
  store->commands_cf_ = store->handles_[3];

  std::string tag;
  s = store->db_->Get(rocksdb::ReadOptions(), kFormatKey, &tag);
  if (s.IsNotFound()) {
    if (!read_only) {
      rocksdb::WriteOptions wo;
      wo.sync = true;
      s = store->db_->Put(wo, kFormatKey, kFormatTag);
      if (!s.ok()) return std::unexpected(from_rocksdb(s, "write format tag"));
    }
  } else if (!s.ok()) {
    return std::unexpected(from_rocksdb(s, "read format tag"));
  } else if (tag != kFormatTag) {
    return std::unexpected(
        Status(StatusCode::kCorruption, "not a zhurnal log (format tag '" + tag + "')"));
  }
  return store;
}

RocksStore::~RocksStore() {
  if (!db_) return;
  for (auto* h : handles_) {
    rocksdb::Status s = db_->DestroyColumnFamilyHandle(h);
    s.PermitUncheckedError();  // closing: nothing left to report to
  }
  rocksdb::Status s = db_->Close();
  s.PermitUncheckedError();
}

Status RocksStore::write(rocksdb::WriteBatch* batch, bool sync) {
  rocksdb::WriteOptions wo;
  wo.sync = sync;
  return from_rocksdb(db_->Write(wo, batch), "write");
}

Result<Tail> RocksStore::tail() {
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), log_cf_));
  it->SeekToLast();
  Tail t;
  if (it->Valid()) {
    RecordedEvent e;
    Status s = decode_stored_event(view(it->value()), &e);
    if (!s.is_ok()) return std::unexpected(s);
    if (it->key().size() != 8 || get_u64be(view(it->key())) != e.position) {
      return std::unexpected(Status(StatusCode::kCorruption, "last log key does not match"));
    }
    t.position = e.position;
    t.hash = e.hash;
    t.recorded_at_us = e.recorded_at_us;
  }
  Status s = from_rocksdb(it->status(), "read log tail");
  if (!s.is_ok()) return std::unexpected(s);
  return t;
}

Result<std::optional<std::string>> RocksStore::get_receipt(std::string_view command_id) {
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), commands_cf_, slice(command_id), &value);
  if (s.IsNotFound()) return std::optional<std::string>();
  if (!s.ok()) return std::unexpected(from_rocksdb(s, "read command receipt"));
  return std::optional<std::string>(std::move(value));
}

Result<std::optional<AppendResult>> RocksStore::find_command(std::string_view command_id) {
  auto receipt = get_receipt(command_id);
  if (!receipt) return std::unexpected(receipt.error());
  if (!receipt->has_value()) return std::optional<AppendResult>();
  AppendResult result;
  Hash digest;
  if (Status s = decode_receipt(**receipt, &result, &digest); !s.is_ok()) {
    return std::unexpected(s);
  }
  result.request_digest = digest;
  return std::optional<AppendResult>(std::move(result));
}

Result<uint64_t> RocksStore::stream_version(std::string_view stream) {
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), streams_cf_));
  const std::string last = stream_key(stream, UINT64_MAX);
  it->SeekForPrev(last);
  uint64_t version = 0;
  if (it->Valid()) {
    std::string_view k = view(it->key());
    if (k.size() == stream.size() + 9 && k.substr(0, stream.size()) == stream &&
        k[stream.size()] == '\0') {
      version = get_u64be(k.substr(stream.size() + 1));
    }
  }
  Status s = from_rocksdb(it->status(), "read stream head");
  if (!s.is_ok()) return std::unexpected(s);
  return version;
}

Result<std::vector<RecordedEvent>> RocksStore::read_all(uint64_t from_position, size_t max) {
  std::vector<RecordedEvent> out;
  out.reserve(std::min<size_t>(max, 1024));
  if (Status s = read_all(from_position, max, &out); !s.is_ok()) return std::unexpected(s);
  return out;
}

// The hot loop of replay and catch-up: one iterator, no per-entry callback,
// decoding into the caller's elements so their strings keep their storage.
Status RocksStore::read_all(uint64_t from_position, size_t max, std::vector<RecordedEvent>* out,
                            EventFields fields) {
  size_t n = 0;
  auto finish = [&](Status s) {
    out->resize(n);
    return s;
  };
  if (max == 0) return finish(Status::ok());
  uint64_t expect = std::max<uint64_t>(from_position, 1);
  rocksdb::ReadOptions ro;
  ro.readahead_size = 2 << 20;
  ro.async_io = false;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, log_cf_));
  for (it->Seek(position_key(expect)); it->Valid() && n < max; it->Next(), ++expect) {
    const rocksdb::Slice key = it->key();
    if (key.size() != 8) {
      return finish({StatusCode::kCorruption, "log key of size " + std::to_string(key.size())});
    }
    const uint64_t pos = get_u64be(view(key));
    if (pos != expect) {
      return finish({StatusCode::kCorruption, "gap in the log at position " + std::to_string(expect)});
    }
    if (n == out->size()) out->emplace_back();
    RecordedEvent& e = (*out)[n];
    if (Status s = decode_stored_event(view(it->value()), &e, fields); !s.is_ok()) return finish(s);
    if (e.position != pos) {
      return finish({StatusCode::kCorruption, "event stored at position " + std::to_string(pos) +
                                                  " says it is " + std::to_string(e.position)});
    }
    ++n;
  }
  return finish(from_rocksdb(it->status(), "scan log"));
}

Status RocksStore::scan_log(uint64_t from_position,
                            const std::function<bool(uint64_t, std::string_view)>& fn,
                            const rocksdb::Snapshot* snapshot) {
  rocksdb::ReadOptions ro;
  ro.snapshot = snapshot;
  ro.readahead_size = 2 << 20;
  ro.async_io = false;
  ro.fill_cache = false;  // a walk of the whole log (see scan_cf())
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, log_cf_));
  for (it->Seek(position_key(from_position)); it->Valid(); it->Next()) {
    if (it->key().size() != 8) {
      return {StatusCode::kCorruption, "log key of size " + std::to_string(it->key().size())};
    }
    if (!fn(get_u64be(view(it->key())), view(it->value()))) break;
  }
  return from_rocksdb(it->status(), "scan log");
}

Status RocksStore::scan_cf(rocksdb::ColumnFamilyHandle* cf,
                           const std::function<bool(std::string_view, std::string_view)>& fn,
                           const rocksdb::Snapshot* snapshot) {
  rocksdb::ReadOptions ro;
  ro.snapshot = snapshot;
  ro.readahead_size = 2 << 20;
  ro.total_order_seek = true;  // every key, whatever the column family's prefix extractor
  // A walk of the whole family (an audit, an export): its blocks are read
  // once, and put in the block cache they would push out what the append
  // path's look-ups of the index and the receipts keep there (the server's
  // verifyLog walks the live store).
  ro.fill_cache = false;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, cf));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    if (!fn(view(it->key()), view(it->value()))) break;
  }
  return from_rocksdb(it->status(), "scan index");
}

Result<std::vector<RecordedEvent>> RocksStore::read_stream(std::string_view stream,
                                                           uint64_t from_version,
                                                           Direction direction, size_t max) {
  std::vector<RecordedEvent> out;
  if (max == 0) return out;
  std::vector<std::string> keys;
  std::vector<uint64_t> versions;
  bool bad_index = false;
  {
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), streams_cf_));
    auto in_stream = [&](std::string_view k) {
      return k.size() == stream.size() + 9 && k.substr(0, stream.size()) == stream &&
             k[stream.size()] == '\0';
    };
    if (direction == Direction::kForward) {
      for (it->Seek(stream_key(stream, from_version));
           it->Valid() && in_stream(view(it->key())) && keys.size() < max; it->Next()) {
        if (it->value().size() != 8) {
          bad_index = true;
          break;
        }
        keys.push_back(position_key(get_u64be(view(it->value()))));
        versions.push_back(get_u64be(view(it->key()).substr(stream.size() + 1)));
      }
    } else {
      for (it->SeekForPrev(stream_key(stream, from_version));
           it->Valid() && in_stream(view(it->key())) && keys.size() < max; it->Prev()) {
        if (it->value().size() != 8) {
          bad_index = true;
          break;
        }
        keys.push_back(position_key(get_u64be(view(it->value()))));
        versions.push_back(get_u64be(view(it->key()).substr(stream.size() + 1)));
      }
    }
    Status s = from_rocksdb(it->status(), "read stream index");
    if (!s.is_ok()) return std::unexpected(s);
    if (bad_index) {
      return std::unexpected(Status(StatusCode::kCorruption, "stream index entry has a bad size"));
    }
  }
  std::vector<rocksdb::Slice> key_slices(keys.begin(), keys.end());
  std::vector<rocksdb::PinnableSlice> values(keys.size());
  std::vector<rocksdb::Status> statuses(keys.size());
  db_->MultiGet(rocksdb::ReadOptions(), log_cf_, keys.size(), key_slices.data(), values.data(),
                statuses.data());
  out.resize(keys.size());
  for (size_t i = 0; i < keys.size(); ++i) {
    if (statuses[i].IsNotFound()) {
      return std::unexpected(Status(StatusCode::kCorruption,
                                    "stream index points at a missing event in " +
                                        std::string(stream)));
    }
    if (!statuses[i].ok()) return std::unexpected(from_rocksdb(statuses[i], "read event"));
    Status s = decode_stored_event(view(values[i]), &out[i]);
    if (!s.is_ok()) return std::unexpected(s);
    // The index must point at the event it names.
    if (out[i].stream != stream || out[i].stream_version != versions[i]) {
      return std::unexpected(Status(StatusCode::kCorruption,
                                    "stream index of " + std::string(stream) + " version " +
                                        std::to_string(versions[i]) + " points at another event"));
    }
  }
  return out;
}

}  // namespace zhurnal::events::internal
