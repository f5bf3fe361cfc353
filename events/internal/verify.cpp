// RocksLog::verify(): the audit of audit.hpp over a snapshot of the live
// store, so that appends made meanwhile are seen by none of its reads.
#include "audit.hpp"
#include "rocks_log.hpp"

namespace zhurnal::events::internal {

Result<VerifyReport> RocksLog::verify(std::function<void(uint64_t)> progress) {
  std::shared_lock lock(store_mu_);
  if (!store_) return error(StatusCode::kIoError, "the event log store is not open");
  rocksdb::DB* db = store_->db();
  const rocksdb::Snapshot* snapshot = db->GetSnapshot();
  struct Release {
    rocksdb::DB* db;
    const rocksdb::Snapshot* snapshot;
    ~Release() { db->ReleaseSnapshot(snapshot); }
  } release{db, snapshot};
  return audit_store(*store_, snapshot, progress, {});
}

}  // namespace zhurnal::events::internal
