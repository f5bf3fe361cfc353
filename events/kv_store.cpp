#include "zhurnal/events/kv_store.hpp"

#include <rocksdb/convenience.h>
#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/sst_file_writer.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>

#include <atomic>
#include <filesystem>
#include <mutex>

#include "internal/info_log.hpp"
#include "internal/rocks_store.hpp"

namespace zhurnal::events {
namespace {
rocksdb::Slice slice(std::string_view s) { return {s.data(), s.size()}; }
constexpr size_t kMemtableBytes = 16 << 20;
// Bulk loads write their files here, inside the store's directory (RocksDB
// only lists the directory itself when it looks for files of its own to
// delete) and on its filesystem, so that ingestion links them instead of
// copying. Whatever a crash left here is removed at open.
constexpr const char* kBulkDir = "bulk-load";
}  // namespace

struct KvBatch::Impl {
  rocksdb::WriteBatch batch;
};

KvBatch::KvBatch() : impl_(std::make_unique<Impl>()) {}
KvBatch::~KvBatch() = default;
KvBatch::KvBatch(KvBatch&&) noexcept = default;
KvBatch& KvBatch::operator=(KvBatch&&) noexcept = default;

// WriteBatch operations fail only past its 4 GiB size limit, which the
// projection runner never approaches (it commits every few thousand events).
void KvBatch::put(std::string_view key, std::string_view value) {
  impl_->batch.Put(slice(key), slice(value)).PermitUncheckedError();
}
void KvBatch::erase(std::string_view key) { impl_->batch.Delete(slice(key)).PermitUncheckedError(); }
void KvBatch::erase_range(std::string_view begin, std::string_view end) {
  impl_->batch.DeleteRange(slice(begin), slice(end)).PermitUncheckedError();
}
size_t KvBatch::size_bytes() const { return impl_->batch.GetDataSize(); }
size_t KvBatch::count() const { return impl_->batch.Count(); }
void KvBatch::clear() { impl_->batch.Clear(); }

struct KvStore::Impl {
  std::unique_ptr<rocksdb::DB> db;
  bool sync = false;
  std::filesystem::path bulk_dir;
  std::atomic<uint64_t> bulk_files{0};
  std::mutex pause_mu;
  int pauses = 0;  // pause_compactions() calls not yet resumed; under pause_mu

  // Turns automatic compactions on or off (when they are not already).
  Status set_auto_compactions(bool on) {
    if (db->GetOptions().disable_auto_compactions == !on) return Status::ok();
    rocksdb::Status s = db->SetOptions({{"disable_auto_compactions", on ? "false" : "true"}});
    // SetOptions() changes the options in memory, then writes them to an
    // OPTIONS file; a failure of the second (a full disk) still leaves the
    // change made, which is all that counts here (open() passes the store's
    // options, not the file's).
    if (db->GetOptions().disable_auto_compactions == !on) return Status::ok();
    return internal::from_rocksdb(s, on ? "resume compactions" : "pause compactions");
  }
};

struct KvBulkLoad::Impl {
  rocksdb::DB* db = nullptr;
  std::string file;
  rocksdb::SstFileWriter writer;
  Status first_error;
  size_t count = 0;
  bool open = false;
  bool finished = false;
  Status finish_status;  // once finished
  std::string finished_file;  // once finished: empty for a load with no entries

  Impl(rocksdb::DB* d, std::string f, const rocksdb::Options& o)
      : db(d), file(std::move(f)), writer(rocksdb::EnvOptions(), o) {}

  void keep(const rocksdb::Status& s, const char* what) {
    if (!s.ok() && first_error.is_ok()) first_error = internal::from_rocksdb(s, what);
  }
};

KvBulkLoad::KvBulkLoad(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

KvBulkLoad::~KvBulkLoad() {
  if (impl_->open) impl_->writer.Finish().PermitUncheckedError();
  std::error_code ec;
  std::filesystem::remove(impl_->file, ec);  // after commit(): the store's own link remains
}

void KvBulkLoad::put(std::string_view key, std::string_view value) {
  if (!impl_->first_error.is_ok()) return;
  impl_->keep(impl_->writer.Put(slice(key), slice(value)), "bulk load: put");
  ++impl_->count;
}

void KvBulkLoad::erase(std::string_view key) {
  if (!impl_->first_error.is_ok()) return;
  impl_->keep(impl_->writer.Delete(slice(key)), "bulk load: delete");
  ++impl_->count;
}

size_t KvBulkLoad::count() const { return impl_->count; }

Status KvBulkLoad::finish(std::string* file) {
  if (!impl_->finished) {
    impl_->finished = true;
    impl_->finish_status = finish_now(&impl_->finished_file);
  }
  *file = impl_->finished_file;
  return impl_->finish_status;
}

Status KvBulkLoad::finish_file() {
  std::string file;
  return finish(&file);
}

Status KvBulkLoad::finish_now(std::string* file) {
  if (!impl_->first_error.is_ok()) return impl_->first_error;
  impl_->open = false;
  if (impl_->count == 0) {
    // RocksDB refuses to finish a table file with no entries.
    impl_->writer.Finish().PermitUncheckedError();
    return Status::ok();
  }
  if (rocksdb::Status s = impl_->writer.Finish(); !s.ok()) {
    return internal::from_rocksdb(s, "bulk load: finish " + impl_->file);
  }
  *file = impl_->file;
  return Status::ok();
}

Status KvBulkLoad::commit() { return commit_all({this}); }

Status KvBulkLoad::commit_all(const std::vector<KvBulkLoad*>& loads) {
  std::vector<std::string> files;
  rocksdb::DB* db = nullptr;
  for (KvBulkLoad* load : loads) {
    std::string file;
    if (Status st = load->finish(&file); !st.is_ok()) return st;
    if (file.empty()) continue;
    if (db && db != load->impl_->db) {
      return Status(StatusCode::kInvalidArgument, "bulk load: loads of different stores");
    }
    db = load->impl_->db;
    files.push_back(std::move(file));
  }
  if (files.empty()) return Status::ok();
  // One ingestion is one version edit: every file is added, or none.
  rocksdb::IngestExternalFileOptions o;
  o.move_files = true;  // hard links, not copies
  return internal::from_rocksdb(db->IngestExternalFile(files, o),
                                "bulk load: ingest " + std::to_string(files.size()) + " file(s)");
}

KvStore::KvStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
KvStore::~KvStore() {
  if (impl_ && impl_->db) {
    rocksdb::Status s = impl_->db->Close();
    s.PermitUncheckedError();
  }
}

Result<std::unique_ptr<KvStore>> KvStore::open(const Options& options) {
  rocksdb::Options o;
  o.create_if_missing = options.create_if_missing;
  o.max_background_jobs = 2;
  // A full disk must never stop the process: RocksDB's own info logger
  // aborts (Debian builds it with assertions) on the line after a failed one.
  o.info_log = internal::open_info_log(options.path, options.create_if_missing);
  // After a write fails for lack of space the instance refuses writes and
  // RocksDB's SstFileManager polls the free space (every 5 s); it resumes on
  // its own once the free space reaches the memtable size (its "reserved disk
  // buffer"). 16 MiB rather than the default 64 MiB: view rows are small, and
  // the threshold must sit well below the log's reserve
  // (LogOptions::min_free_bytes), which is what admits new events again.
  o.write_buffer_size = kMemtableBytes;
  // A rebuild, its compactions paused (pause_compactions()), leaves about
  // ten table files in level 0 for each of its commits, fifty at 10M events.
  // With RocksDB's limits (writes slowed past 20 files, stopped past 36) the
  // first writes after it, the live path's commits or `replay rebuild`'s
  // drop of its scratch rows, stopped until the compactions had merged them
  // (22 s at 10M events). The views' writes follow the log, so level 0 is
  // not at risk of growing without bound; reads look through more files
  // until the compactions catch up.
  o.level0_slowdown_writes_trigger = 256;
  o.level0_stop_writes_trigger = 512;
  // LZ4 (internal::table_compression()) in RocksDB's 4 KiB blocks: a view
  // is read by key as much as by range. At 10.1M events a row read at
  // random past the block cache took 5.3 us against 6.2 us with Snappy
  // (and 9.0 us in LZ4's 16 KiB blocks, which the log has).
  o.compression = internal::table_compression();
  rocksdb::BlockBasedTableOptions table;
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  o.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(o, options.path, &raw);
  if (!s.ok()) return std::unexpected(internal::from_rocksdb(s, "open " + options.path));
  auto impl = std::make_unique<Impl>();
  impl->db.reset(raw);
  impl->sync = options.sync;
  impl->bulk_dir = std::filesystem::path(options.path) / kBulkDir;
  std::error_code ec;
  std::filesystem::remove_all(impl->bulk_dir, ec);  // a crashed load's file
  return std::unique_ptr<KvStore>(new KvStore(std::move(impl)));
}

Status KvStore::write(KvBatch& batch) {
  rocksdb::WriteOptions wo;
  wo.sync = impl_->sync;
  return internal::from_rocksdb(impl_->db->Write(wo, &batch.impl_->batch), "write view");
}

Result<std::optional<std::string>> KvStore::get(std::string_view key) {
  std::string value;
  rocksdb::Status s = impl_->db->Get(rocksdb::ReadOptions(), slice(key), &value);
  if (s.IsNotFound()) return std::optional<std::string>();
  if (!s.ok()) return std::unexpected(internal::from_rocksdb(s, "read view"));
  return std::optional<std::string>(std::move(value));
}

Status KvStore::scan(std::string_view begin, std::string_view end,
                     const std::function<bool(std::string_view, std::string_view)>& fn) {
  rocksdb::ReadOptions ro;
  rocksdb::Slice upper = slice(end);
  ro.iterate_upper_bound = &upper;
  std::unique_ptr<rocksdb::Iterator> it(impl_->db->NewIterator(ro));
  for (it->Seek(slice(begin)); it->Valid(); it->Next()) {
    if (!fn({it->key().data(), it->key().size()}, {it->value().data(), it->value().size()})) break;
  }
  return internal::from_rocksdb(it->status(), "scan view");
}

Status KvStore::delete_files_in_range(std::string_view begin, std::string_view end) {
  const rocksdb::Slice b = slice(begin), e = slice(end);
  return internal::from_rocksdb(
      rocksdb::DeleteFilesInRange(impl_->db.get(), impl_->db->DefaultColumnFamily(), &b, &e, false),
      "delete files in a range");
}

std::string KvStore::prefix_end(std::string_view prefix) {
  std::string end(prefix);
  while (!end.empty() && static_cast<uint8_t>(end.back()) == 0xff) end.pop_back();
  if (!end.empty()) end.back() = static_cast<char>(static_cast<uint8_t>(end.back()) + 1);
  return end;
}

Status KvStore::pause_compactions() {
  std::lock_guard lock(impl_->pause_mu);
  ++impl_->pauses;
  return impl_->set_auto_compactions(false);
}

Status KvStore::resume_compactions() {
  std::lock_guard lock(impl_->pause_mu);
  if (impl_->pauses > 0) --impl_->pauses;
  return impl_->set_auto_compactions(impl_->pauses == 0);
}

rocksdb::DB* internal::kv_store_db(KvStore& store) { return store.impl_->db.get(); }

Result<std::unique_ptr<KvBulkLoad>> KvStore::bulk_load() {
  std::error_code ec;
  std::filesystem::create_directories(impl_->bulk_dir, ec);
  if (ec) {
    return error(StatusCode::kIoError, "bulk load: cannot create " + impl_->bulk_dir.string() + ": " +
                                           ec.message());
  }
  const std::string file =
      (impl_->bulk_dir / ("load-" + std::to_string(impl_->bulk_files.fetch_add(1)) + ".sst")).string();
  // The store's own options: the same table format, filters and compression
  // as the files its flushes write.
  auto impl = std::make_unique<KvBulkLoad::Impl>(impl_->db.get(), file, impl_->db->GetOptions());
  if (rocksdb::Status s = impl->writer.Open(file); !s.ok()) {
    return std::unexpected(internal::from_rocksdb(s, "bulk load: open " + file));
  }
  impl->open = true;
  return std::unique_ptr<KvBulkLoad>(new KvBulkLoad(std::move(impl)));
}

}  // namespace zhurnal::events
