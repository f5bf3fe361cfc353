// RocksDB's diagnostic log (the LOG file of each database directory) written
// so that a full disk cannot stop the process.
//
// Why: Debian's librocksdb 7.8 is built with assertions, and its own info
// logger (EnvLogger over a WritableFileWriter) aborts the process on the
// first line it writes after a failed one
// (WritableFileWriter::AssertFalseAndGetStatusForPrevError). On a full disk
// the failed line is the "background error" message of the very write that
// hit ENOSPC, so the abort followed every disk-full error. This logger
// writes each line with one write(2) on an O_APPEND descriptor and drops a
// line the disk does not take; nothing else depends on it.
//
// Thread safety: Logv may be called from any RocksDB thread.
#pragma once

#include <rocksdb/env.h>

#include <memory>
#include <string>

namespace zhurnal::events::internal {

// The info log for the database in `dir` (DIR/LOG, opened for appending;
// with `create_dir` the directory is made first, as RocksDB would).
// A LOG over 16 MiB at open is renamed LOG.old first (replacing an older
// one). When the file cannot be opened (no directory yet, disk full) lines
// are dropped until it can: the log is reopened at most once a minute.
std::shared_ptr<rocksdb::Logger> open_info_log(const std::string& dir, bool create_dir);

}  // namespace zhurnal::events::internal
