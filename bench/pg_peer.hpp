// The PostgreSQL 15 peer of `zhurnal-bench append`: a private PostgreSQL
// server started on loopback in a scratch directory, and the same durable
// single-event appends written into an events table by W client connections.
//
// The table is the usual relational event store:
//   events(position bigserial PRIMARY KEY, stream text, version bigint,
//          type text, payload bytea, command_id text UNIQUE, actor text,
//          recorded_at timestamptz DEFAULT now(), UNIQUE (stream, version))
// The unique (stream, version) is the expected-version check: a client
// inserts version n+1 of its stream and a concurrent writer of the same
// version fails with unique_violation, as `ExpectedVersion::exact(n)` would
// in the log; the unique command id is the idempotency receipt. Each event
// is one INSERT in its own (implicit) transaction, committed with
// synchronous_commit = on and fsync = on: acknowledged after the WAL fsync,
// as Durability::kSync.
//
// Ownership and lifetime: a PgPeer owns its server process and directory;
// the destructor stops the server (pg_ctl stop -m fast) and removes the
// directory. Not thread safe: one measurement at a time.
//
// Errors: every failure (no PostgreSQL binaries, initdb or start failing, a
// rejected INSERT, a row count that does not add up) throws
// std::runtime_error naming the step and PostgreSQL's message.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

namespace zhurnal::bench {

struct PgPeerOptions {
  // Directory of initdb, pg_ctl and postgres; empty: the first of
  // /usr/lib/postgresql/15/bin and /usr/local/bin that has pg_ctl.
  std::string bin_dir;
  // The server must not run as root: when this process is root, initdb and
  // the server run as this user (setuid/setgid in the child), which must
  // exist. Ignored when not root.
  std::string run_as = "postgres";
  // Parent of the server's scratch directory (it must be traversable by
  // `run_as`); empty: the system temp directory.
  std::string parent_dir;
  bool sync = true;  // false: fsync = off, synchronous_commit = off (profiling only)
};

struct PgAppendMeasurement {
  double seconds = 0;
  double client_cpu_seconds = 0;  // this process (the libpq clients)
  double server_cpu_seconds = 0;  // every postgres process, backends included
  uint64_t wal_bytes = 0;         // pg_current_wal_lsn() difference
};

class PgPeer {
 public:
  // initdb + pg_ctl start on 127.0.0.1 and a free port; waits until the
  // server accepts connections.
  explicit PgPeer(PgPeerOptions options);
  ~PgPeer();
  PgPeer(const PgPeer&) = delete;
  PgPeer& operator=(const PgPeer&) = delete;

  // A fresh events table (dropped and created, then a CHECKPOINT so that no
  // checkpoint of the previous run falls into this one), then `writers`
  // connections each inserting events / writers events of `payload` into its
  // own stream, released together. `events` must be a multiple of `writers`.
  PgAppendMeasurement append(int writers, uint64_t events, const std::string& payload);

  // "PostgreSQL 15.x ..., fsync on, synchronous_commit on, ..." for the header.
  std::string describe() const;

 private:
  std::string conninfo() const;

  PgPeerOptions options_;
  std::filesystem::path bin_dir_;
  std::filesystem::path root_;  // scratch directory: data/, socket, server log
  int port_ = 0;
  bool started_ = false;
  std::string version_;
};

}  // namespace zhurnal::bench
