// `zhurnal-bench region`: a region's school year (issue "region scale").
//
// 1. Template (not timed): the demo generator writes one school's year
//    (`weeks` weeks of lessons, marks — none in first grade —, absences,
//    homework, corrections, late entries) through the Journal's commands into
//    a scratch log, with parents' and students' sign-ins recorded as the
//    server records them (recordSignIn, as the system actor) after each
//    simulated day. The school's id, "rs0001", has the same length as every
//    copy's ("rs0002" ... "rs9999").
// 2. Ingest (timed): `schools` copies of that year go into a fresh log
//    through EventLog::append_async — the log's normal append path, with its
//    expected-version checks, idempotency receipts and hash chain —
//    from `writers` threads (each owning every writers-th school, at most
//    `in_flight` appends outstanding), one template day window at a time so
//    the schools advance together in simulated time. Every id that carries
//    the school's id (streams, payload texts, actors) is rewritten byte for
//    byte; command ids get the school as a suffix. A ProjectionEngine with
//    the standard projections follows live, as the server's does.
// 3. Disk size of the log and the view store; then the log is compacted and
//    the replay passes run: raw iteration + decode, and a rebuild of every
//    projection into a fresh store (ratio to raw, same run).
// 4. Queries on the live-built views: the monthly compliance check of a
//    school and a class register (a class, a subject, a quarter), each
//    cold (store reopened, a school not queried before) and warm (the same
//    query repeated): p50 and p99.
#pragma once

#include <ostream>
#include <string>

namespace zhurnal::bench {

struct RegionBenchOptions {
  int schools = 100;
  int weeks = 38;  // the school year from 2026-09-01 (holidays included)
  int writers = 8;
  int in_flight = 64;  // outstanding appends per writer
  bool buffered = false;  // Durability::kBuffered instead of kSync
  double parent_sign_ins = 0.15;   // share of parents signing in each day
  double student_sign_ins = 0.08;  // share of students signing in each day
  int warm_runs = 50;
  int cold_runs = 10;
  bool skip_rebuild = false;
  // Build the views after the appends, with one catch-up from zero (the
  // projection engine's rebuild mode), instead of following the appends
  // live: how a region's history would be migrated in.
  bool views_after = false;
  std::string dir;  // parent of the scratch directory (default: the system temp dir)
  bool keep = false;  // keep the scratch directory
};

void run_region_bench(const RegionBenchOptions& options, std::ostream& out);

}  // namespace zhurnal::bench
