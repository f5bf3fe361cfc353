#include "append_bench.hpp"

#include <rocksdb/statistics.h>
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <array>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "bench_support.hpp"
#include "internal/codec.hpp"
#include "internal/keys.hpp"
#include "internal/rocks_store.hpp"
#include "pg_peer.hpp"
#include "raw_db.hpp"
#include "zhurnal/events/event_log.hpp"

namespace zhurnal::bench {
namespace {

namespace ev = zhurnal::events;

constexpr int kReferenceWriters = 64;
constexpr double kAppendGoal = 0.6;  // the issue's goal: zhurnal / raw batch at 64 writers
// The issue's baseline (~230k events/s for sync batches of 64) implies ~0.28 ms
// per fsync; well above that, the sync baseline measures the disk.
constexpr double kSlowFsyncMs = 1.0;

// What one measurement writes: `events` values of `payload` (a multiple of
// `writers`) into a new database at `path`, each write synced when `sync`.
struct Workload {
  std::string path;
  int writers = 1;
  uint64_t events = 0;
  const std::string* payload = nullptr;
  bool sync = true;
  PgPeer* postgres = nullptr;  // the PostgreSQL peer's server, when "postgres" runs
};

// One measured run. Figures a runner cannot know stay empty.
struct Measurement {
  double seconds = 0;
  double cpu_seconds = 0;             // process CPU time (all threads) during the timed part
  std::optional<double> group_size;   // events per storage write (= per sync)
  std::optional<double> write_share;  // part of the wall time inside the write call
  std::optional<double> wal_bytes_per_event;  // from RocksDB statistics
};

// What the log stores for one event of this workload: the log value (hash +
// envelope), the stream index value and the command receipt, encoded by the
// log's own codec for a sample event of writer 1.
struct StoredSample {
  std::string log_value;
  std::string receipt_value;
  size_t log_entry = 0, index_entry = 0, receipt_entry = 0;  // key + value bytes
};

StoredSample stored_sample(const std::string& payload) {
  ev::CommandContext context;
  context.command_id = uuid_like(1, 1);
  context.actor = teacher_id(1);
  context.correlation_id = context.command_id;
  const ev::Hash prev{};
  ev::internal::EnvelopeFields f;
  f.position = 100'000;
  const std::string stream = lesson_stream(1);
  f.stream = stream;
  f.stream_version = 1'000;
  f.type = kEventType;
  f.recorded_at_us = 1'725'000'000'000'000;
  f.context = &context;
  f.prev_hash = &prev;
  f.payload = payload;
  StoredSample sample;
  ev::Hash hash;
  sample.log_value = ev::internal::encode_stored_event(f, &hash);
  ev::AppendResult result{f.position, f.position, {{std::string(f.stream), 1'000}}, 0, false};
  sample.receipt_value = ev::internal::encode_receipt(result, hash);
  sample.log_entry = 8 + sample.log_value.size();
  sample.index_entry = ev::internal::stream_key(f.stream, f.stream_version).size() + 8;
  sample.receipt_entry = context.command_id.size() + sample.receipt_value.size();
  return sample;
}

// A fresh log for one zhurnal measurement, with the workload's durability.
std::unique_ptr<ev::EventLog> open_bench_log(const Workload& w) {
  ev::LogOptions options;
  options.path = w.path;
  options.durability = w.sync ? ev::Durability::kSync : ev::Durability::kBuffered;
  auto opened = ev::open_event_log(std::move(options));
  if (!opened) throw std::runtime_error("open event log: " + opened.error().to_string());
  return std::move(*opened);
}

// Closes the log of a zhurnal measurement and checks that it wrote every
// event; the measurement with the log's group figures.
Measurement close_bench_log(ev::EventLog* log, const Workload& w, double seconds,
                            double cpu_seconds) {
  const ev::LogStats stats = log->stats();
  log->close();
  if (stats.events != w.events || stats.groups == 0) {
    throw std::runtime_error("the log counted " + std::to_string(stats.events) + " events, not " +
                             std::to_string(w.events));
  }
  Measurement m;
  m.seconds = seconds;
  m.cpu_seconds = cpu_seconds;
  m.group_size = static_cast<double>(stats.events) / stats.groups;
  m.write_share = static_cast<double>(stats.write_micros) / 1e6 / seconds;
  return m;
}

Measurement run_zhurnal(const Workload& w) {
  std::unique_ptr<ev::EventLog> log = open_bench_log(w);

  // Writer thread t is teacher t: her own lesson stream, and uuid_like(t, i)
  // as the command id of her i-th append.
  std::vector<std::string> streams, actors;
  for (int t = 0; t < w.writers; ++t) {
    streams.push_back(lesson_stream(t));
    actors.push_back(teacher_id(t));
  }
  const double cpu_start = process_cpu_seconds();
  const double seconds = run_on_threads(w.writers, w.events / w.writers, [&](int t, uint64_t i) {
    ev::CommandContext context;
    context.command_id = uuid_like(t, i);
    context.actor = actors[t];
    context.correlation_id = context.command_id;  // a command that starts its own chain
    std::vector<ev::EventData> events;
    events.push_back({kEventType, *w.payload});
    auto r =
        log->append(streams[t], ev::ExpectedVersion::any(), std::move(events), std::move(context));
    if (!r) throw std::runtime_error("append: " + r.error().to_string());
  });
  const double cpu_seconds = process_cpu_seconds() - cpu_start;
  return close_bench_log(log.get(), w, seconds, cpu_seconds);
}

// The server's way of appending: W logical writers (sessions), each with one
// append in flight through append_async; the completion of writer t's append
// issues its next one. No thread per writer: the log's own threads and the
// caller of the completion do all the work, as in the server, where sessions
// share a couple of network threads.
Measurement run_zhurnal_async(const Workload& w) {
  std::unique_ptr<ev::EventLog> log = open_bench_log(w);

  std::vector<std::string> streams, actors;
  for (int t = 0; t < w.writers; ++t) {
    streams.push_back(lesson_stream(t));
    actors.push_back(teacher_id(t));
  }
  const uint64_t per_writer = w.events / w.writers;
  std::mutex mu;
  std::condition_variable done_cv;
  int writers_left = w.writers;
  std::string failure;
  // issue(t, i) sends writer t's i-th append; its completion sends the next.
  std::function<void(int, uint64_t)> issue = [&](int t, uint64_t i) {
    ev::CommandContext context;
    context.command_id = uuid_like(t, i);
    context.actor = actors[t];
    context.correlation_id = context.command_id;
    std::vector<ev::StreamAppend> append(1);
    append[0].stream = streams[t];
    append[0].expected = ev::ExpectedVersion::any();
    append[0].events.push_back({kEventType, *w.payload});
    log->append_async(std::move(append), std::move(context),
                      [&, t, i](ev::Result<ev::AppendResult> r) {
                        if (r && i + 1 < per_writer) return issue(t, i + 1);
                        std::lock_guard lock(mu);
                        if (!r && failure.empty()) failure = r.error().to_string();
                        if (--writers_left == 0) done_cv.notify_all();
                      });
  };
  const double cpu_start = process_cpu_seconds();
  Stopwatch clock;
  for (int t = 0; t < w.writers; ++t) issue(t, 0);
  {
    std::unique_lock lock(mu);
    done_cv.wait(lock, [&] { return writers_left == 0; });
  }
  const double seconds = clock.seconds();
  const double cpu_seconds = process_cpu_seconds() - cpu_start;
  if (!failure.empty()) throw std::runtime_error("append: " + failure);
  return close_bench_log(log.get(), w, seconds, cpu_seconds);
}

// Fills in the figures RocksDB's statistics give for a raw run of `events`.
void add_wal_figures(rocksdb::DB& db, uint64_t events, Measurement* m) {
  const rocksdb::Statistics& stats = *db.GetOptions().statistics;
  const uint64_t syncs = stats.getTickerCount(rocksdb::WAL_FILE_SYNCED);
  const uint64_t bytes = stats.getTickerCount(rocksdb::WAL_FILE_BYTES);
  if (syncs > 0) m->group_size = static_cast<double>(events) / syncs;
  m->wal_bytes_per_event = static_cast<double>(bytes) / events;
}

Measurement run_raw_batch(const Workload& w) {
  std::unique_ptr<rocksdb::DB> db = open_raw_db(w.path);
  rocksdb::WriteOptions write_options;
  write_options.sync = w.sync;
  rocksdb::WriteBatch batch;
  double in_write = 0;
  const double cpu_start = process_cpu_seconds();
  Stopwatch clock;
  for (uint64_t next = 0; next < w.events;) {
    batch.Clear();
    for (int j = 0; j < w.writers; ++j) check(batch.Put(u64be_key(next++), *w.payload), "put");
    Stopwatch write_clock;
    check(db->Write(write_options, &batch), "write batch");
    in_write += write_clock.seconds();
  }
  Measurement m;
  m.seconds = clock.seconds();
  m.cpu_seconds = process_cpu_seconds() - cpu_start;
  m.write_share = in_write / m.seconds;
  add_wal_figures(*db, w.events, &m);
  check(db->Close(), "close");
  return m;
}

Measurement run_raw_threads(const Workload& w) {
  std::unique_ptr<rocksdb::DB> db = open_raw_db(w.path);
  rocksdb::WriteOptions write_options;
  write_options.sync = w.sync;
  Measurement m;
  const double cpu_start = process_cpu_seconds();
  m.seconds = run_on_threads(w.writers, w.events / w.writers, [&](int t, uint64_t i) {
    check(db->Put(write_options, u64be_key(i * w.writers + t), *w.payload), "put");
  });
  m.cpu_seconds = process_cpu_seconds() - cpu_start;
  add_wal_figures(*db, w.events, &m);
  check(db->Close(), "close");
  return m;
}

// The log's storage layout with nothing else: one thread writes, for each
// event, the three entries the log commits (the log value, the stream index
// entry, the receipt: the sizes and keys of the log's own encoding of this
// workload's event, encoded once up front) into a RocksStore with the log's
// column families and options, `writers` events per synced batch, like raw
// batch. No checks, encoding, hashing or hand-offs: what RocksDB alone costs
// for the layout the log must write.
Measurement run_raw_layout(const Workload& w) {
  auto opened = ev::internal::RocksStore::open(w.path, /*create_if_missing=*/true,
                                               /*read_only=*/false);
  if (!opened) throw std::runtime_error("open store: " + opened.error().to_string());
  std::unique_ptr<ev::internal::RocksStore> store = std::move(*opened);
  const StoredSample sample = stored_sample(*w.payload);
  std::vector<std::string> streams;
  for (int t = 0; t < w.writers; ++t) streams.push_back(lesson_stream(t));
  rocksdb::WriteBatch batch;
  double in_write = 0;
  const double cpu_start = process_cpu_seconds();
  Stopwatch clock;
  uint64_t position = 0;
  for (uint64_t round = 0; position < w.events; ++round) {
    batch.Clear();
    for (int t = 0; t < w.writers; ++t) {
      ++position;
      const std::string pos_key = ev::internal::position_key(position);
      check(batch.Put(store->log_cf(), pos_key, sample.log_value), "put log");
      check(batch.Put(store->streams_cf(), ev::internal::stream_key(streams[t], round + 1),
                      pos_key),
            "put stream");
      check(batch.Put(store->commands_cf(), uuid_like(t, round), sample.receipt_value),
            "put receipt");
    }
    Stopwatch write_clock;
    if (ev::Status st = store->write(&batch, w.sync); !st.is_ok()) {
      throw std::runtime_error("write batch: " + st.to_string());
    }
    in_write += write_clock.seconds();
  }
  Measurement m;
  m.seconds = clock.seconds();
  m.cpu_seconds = process_cpu_seconds() - cpu_start;
  m.group_size = w.writers;
  m.write_share = in_write / m.seconds;
  return m;
}

// The PostgreSQL peer (pg_peer.hpp): W libpq clients, one INSERT per event
// in its own transaction. CPU is the clients' plus every postgres process's.
Measurement run_postgres(const Workload& w) {
  if (w.postgres == nullptr) throw std::runtime_error("postgres runner without a server");
  const PgAppendMeasurement p = w.postgres->append(w.writers, w.events, *w.payload);
  Measurement m;
  m.seconds = p.seconds;
  m.cpu_seconds = p.client_cpu_seconds + p.server_cpu_seconds;
  m.wal_bytes_per_event = static_cast<double>(p.wal_bytes) / w.events;
  return m;
}

struct Runner {
  const char* name;
  Measurement (*run)(const Workload&);
};
constexpr std::array<Runner, 6> kRunners{{
    {"zhurnal", run_zhurnal},
    {"raw-batch", run_raw_batch},
    {"raw-threads", run_raw_threads},
    {"postgres", run_postgres},
    {"zhurnal-async", run_zhurnal_async},
    {"raw-layout", run_raw_layout},
}};
constexpr size_t kZhurnal = 0, kRawBatch = 1, kRawThreads = 2;
constexpr size_t kPostgres = 3, kZhurnalAsync = 4, kRawLayout = 5;

uint64_t events_for(uint64_t events_at_reference, int writers) {
  uint64_t n = std::max(kMinAppendEvents, events_at_reference * writers / kReferenceWriters);
  return (n + writers - 1) / writers * writers;
}

// Bytes the log stores for one event of this workload, against the raw
// runs' 8-byte key + 160-byte value.
std::string stored_bytes_note(const std::string& payload) {
  const StoredSample s = stored_sample(payload);
  return "key+value bytes per event: raw " + std::to_string(8 + payload.size()) + ", zhurnal " +
         std::to_string(s.log_entry + s.index_entry + s.receipt_entry) + " (log " +
         std::to_string(s.log_entry) + " + stream index " + std::to_string(s.index_entry) +
         " + receipt " + std::to_string(s.receipt_entry) + ")";
}

std::string format_share(const std::optional<double>& share) {
  if (!share) return "-";
  return std::to_string(static_cast<int>(*share * 100 + 0.5)) + "%";
}

std::string format_decimal(const std::optional<double>& g) {
  if (!g) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", *g);
  return buf;
}

// The median of one optional figure over the runs that have it.
std::optional<double> median_of(const std::vector<Measurement>& runs,
                                std::optional<double> Measurement::*figure) {
  std::vector<double> values;
  for (const Measurement& m : runs) {
    if (m.*figure) values.push_back(*(m.*figure));
  }
  if (values.empty()) return std::nullopt;
  return median(std::move(values));
}

void print_measurement(std::ostream& out, int writers, int round, int rounds, const Runner& r,
                       uint64_t events, const Measurement& m) {
  char buf[160];
  std::snprintf(
      buf, sizeof buf, "  w=%-3d round %d/%d  %-11s %7.2f s  %10s ev/s  CPU %5.1f us/ev  group %5s",
      writers, round + 1, rounds, r.name, m.seconds, thousands(events / m.seconds).c_str(),
      m.cpu_seconds * 1e6 / events, format_decimal(m.group_size).c_str());
  out << buf;
  if (m.write_share) out << "  in write " << format_share(m.write_share);
  if (m.wal_bytes_per_event) out << "  WAL " << format_decimal(m.wal_bytes_per_event) << " B/ev";
  out << std::endl;
}

// A runner's index in kRunners; throws for an unknown name.
size_t runner_index(const std::string& name) {
  for (size_t r = 0; r < kRunners.size(); ++r) {
    if (name == kRunners[r].name) return r;
  }
  throw std::runtime_error("unknown runner " + name);
}

// All measurements for one writer count: runs[r] holds runner r's, one per
// round, in round order (empty when the runner was not selected).
struct Row {
  int writers = 0;
  uint64_t events = 0;
  std::array<std::vector<Measurement>, kRunners.size()> runs;

  std::optional<double> median_cpu_us(size_t r) const {
    if (runs[r].empty()) return std::nullopt;
    std::vector<double> us;
    for (const Measurement& m : runs[r]) us.push_back(m.cpu_seconds * 1e6 / events);
    return median(std::move(us));
  }
  std::optional<double> median_rate(size_t r) const {
    if (runs[r].empty()) return std::nullopt;
    std::vector<double> rates;
    for (const Measurement& m : runs[r]) rates.push_back(events / m.seconds);
    return median(std::move(rates));
  }
  // Runner r's rate / the base runner's (raw batch unless given), the median
  // of the per-round ratios: the runs of one round are close in time, which
  // cancels some of the machine's drift.
  std::optional<double> median_ratio(size_t r = kZhurnal, size_t base = kRawBatch) const {
    if (runs[r].empty() || runs[base].empty()) return std::nullopt;
    std::vector<double> ratios;
    for (size_t i = 0; i < runs[r].size(); ++i) {
      ratios.push_back(runs[base][i].seconds / runs[r][i].seconds);
    }
    return median(std::move(ratios));
  }
};

std::string format_rate(const std::optional<double>& rate) { return rate ? thousands(*rate) : "-"; }

std::string format_ratio(const std::optional<double>& ratio) {
  if (!ratio) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", *ratio);
  return buf;
}

void print_summary(std::ostream& out, const std::vector<Row>& rows, int rounds) {
  out << "\nMedian of " << rounds << " round(s), events/s:\n\n"
      << "| writers | events/run | zhurnal | raw batch | raw threads | zhurnal / raw batch "
         "| zhurnal group | zhurnal in write | raw threads group "
         "| CPU us/ev zhurnal | CPU us/ev raw batch | zhurnal-async | zhurnal-async / raw batch "
         "| CPU us/ev zhurnal-async |\n"
      << "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n";
  std::optional<double> goal, goal_async;
  for (const Row& row : rows) {
    out << "| " << row.writers << " | " << thousands(row.events) << " | "
        << format_rate(row.median_rate(kZhurnal)) << " | "
        << format_rate(row.median_rate(kRawBatch)) << " | "
        << format_rate(row.median_rate(kRawThreads)) << " | " << format_ratio(row.median_ratio())
        << " | " << format_decimal(median_of(row.runs[kZhurnal], &Measurement::group_size)) << " | "
        << format_share(median_of(row.runs[kZhurnal], &Measurement::write_share)) << " | "
        << format_decimal(median_of(row.runs[kRawThreads], &Measurement::group_size)) << " | "
        << format_decimal(row.median_cpu_us(kZhurnal)) << " | "
        << format_decimal(row.median_cpu_us(kRawBatch)) << " | "
        << format_rate(row.median_rate(kZhurnalAsync)) << " | "
        << format_ratio(row.median_ratio(kZhurnalAsync)) << " | "
        << format_decimal(row.median_cpu_us(kZhurnalAsync)) << " |\n";
    if (row.writers == kReferenceWriters) {
      goal = row.median_ratio();
      goal_async = row.median_ratio(kZhurnalAsync);
    }
  }
  out << "\n";
  for (auto [name, ratio] : {std::pair{"zhurnal", goal}, std::pair{"zhurnal-async", goal_async}}) {
    if (!ratio) continue;
    char line[128];
    std::snprintf(line, sizeof line, "goal at %d writers: %s >= %.2f x raw batch: %s (%.2f)\n",
                  kReferenceWriters, name, kAppendGoal, *ratio >= kAppendGoal ? "met" : "MISSED",
                  *ratio);
    out << line;
  }
  out << std::endl;
}

// With raw-layout: how far the log's own layout is from raw batch, and how
// close the log gets to its layout's floor.
void print_layout_summary(std::ostream& out, const std::vector<Row>& rows, int rounds) {
  out << "The log's layout written raw (raw-layout), median of " << rounds << " round(s):\n\n"
      << "| writers | raw layout ev/s | raw layout / raw batch | zhurnal / raw layout "
         "| zhurnal-async / raw layout | CPU us/ev raw layout | raw layout in write |\n"
      << "|---:|---:|---:|---:|---:|---:|---:|\n";
  for (const Row& row : rows) {
    if (row.runs[kRawLayout].empty()) continue;
    out << "| " << row.writers << " | " << format_rate(row.median_rate(kRawLayout)) << " | "
        << format_ratio(row.median_ratio(kRawLayout)) << " | "
        << format_ratio(row.median_ratio(kZhurnal, kRawLayout)) << " | "
        << format_ratio(row.median_ratio(kZhurnalAsync, kRawLayout)) << " | "
        << format_decimal(row.median_cpu_us(kRawLayout)) << " | "
        << format_share(median_of(row.runs[kRawLayout], &Measurement::write_share)) << " |\n";
  }
  out << std::endl;
}

// The PostgreSQL peer's own table: zhurnal / postgres is the median of the
// per-round ratios, like zhurnal / raw batch.
void print_postgres_summary(std::ostream& out, const std::vector<Row>& rows, int rounds) {
  out << "PostgreSQL peer, median of " << rounds << " round(s):\n\n"
      << "| writers | zhurnal ev/s | postgres ev/s | zhurnal / postgres | raw batch / postgres "
         "| CPU us/ev zhurnal | CPU us/ev postgres (clients + server) | WAL B/ev postgres |\n"
      << "|---:|---:|---:|---:|---:|---:|---:|---:|\n";
  for (const Row& row : rows) {
    if (row.runs[kPostgres].empty()) continue;
    out << "| " << row.writers << " | " << format_rate(row.median_rate(kZhurnal)) << " | "
        << format_rate(row.median_rate(kPostgres)) << " | "
        << format_ratio(row.median_ratio(kZhurnal, kPostgres)) << " | "
        << format_ratio(row.median_ratio(kRawBatch, kPostgres)) << " | "
        << format_decimal(row.median_cpu_us(kZhurnal)) << " | "
        << format_decimal(row.median_cpu_us(kPostgres)) << " | "
        << format_decimal(median_of(row.runs[kPostgres], &Measurement::wal_bytes_per_event))
        << " |\n";
  }
  out << std::endl;
}

// A sync baseline is only as fast as one fsync: when that is slow, or changed
// during the run, the ratio says more about the disk than about the log.
void print_disk_warnings(std::ostream& out, bool sync, double before_ms, double after_ms) {
  if (!sync) return;
  if (std::max(before_ms, after_ms) > kSlowFsyncMs) {
    out << "note: a lone fsync took over " << kSlowFsyncMs << " ms; raw batch is bound by it, "
        << "which hides zhurnal's CPU cost (see docs/benchmarks.md)\n";
  }
  if (std::max(before_ms, after_ms) > 2 * std::min(before_ms, after_ms)) {
    out << "note: fsync latency changed during the run; rounds are not comparable\n";
  }
}

}  // namespace

void run_append_bench(const AppendBenchOptions& options, std::ostream& out) {
  if (options.rounds < 1) throw std::runtime_error("--rounds must be at least 1");
  for (int w : options.writers) {
    if (w < 1) throw std::runtime_error("--writers must be positive");
  }
  std::vector<size_t> selected;
  for (const std::string& name : options.runners) selected.push_back(runner_index(name));
  std::unique_ptr<PgPeer> postgres;
  if (std::find(selected.begin(), selected.end(), kPostgres) != selected.end()) {
    postgres = std::make_unique<PgPeer>(PgPeerOptions{options.pg_bin, options.pg_user,
                                                      options.dir, options.sync});
  }
  ScratchDir scratch(scratch_parent(options.dir), "zhurnal-bench-append");
  const std::string payload = make_payload(kPayloadBytes);
  const double fsync_before_ms = fsync_latency_ms(scratch.path());
  out << "zhurnal-bench append\n"
      << "machine: " << machine_summary() << "\n"
      << "scratch: " << scratch.path().string() << ", fsync " << fsync_before_ms
      << " ms (median of 50), load average " << load_average() << "\n"
      << "payload " << kPayloadBytes << " B, type " << kEventType << ", durability "
      << (options.sync ? "sync" : "buffered (no fsync)") << "; " << stored_bytes_note(payload)
      << "\n"
      << std::endl;
  if (postgres) out << "peer: " << postgres->describe() << "\n" << std::endl;

  std::vector<Row> rows;
  for (int writers : options.writers) {
    Row row{writers, events_for(options.events, writers), {}};
    for (int round = 0; round < options.rounds; ++round) {
      for (size_t k = 0; k < selected.size(); ++k) {
        const size_t r = selected[(k + round) % selected.size()];  // rotate who goes first
        char name[64];
        std::snprintf(name, sizeof name, "w%d-r%d-%s", writers, round, kRunners[r].name);
        const Workload w{(scratch.path() / name).string(), writers, row.events, &payload,
                         options.sync, postgres.get()};
        const Measurement m = kRunners[r].run(w);
        std::filesystem::remove_all(w.path);
        print_measurement(out, writers, round, options.rounds, kRunners[r], row.events, m);
        row.runs[r].push_back(m);
      }
    }
    rows.push_back(std::move(row));
  }
  print_summary(out, rows, options.rounds);
  if (std::find(selected.begin(), selected.end(), kRawLayout) != selected.end()) {
    print_layout_summary(out, rows, options.rounds);
  }
  if (postgres) print_postgres_summary(out, rows, options.rounds);
  const double fsync_after_ms = fsync_latency_ms(scratch.path());
  out << "at the end: fsync " << fsync_after_ms << " ms, load average " << load_average() << "\n";
  print_disk_warnings(out, options.sync, fsync_before_ms, fsync_after_ms);
  out << std::endl;
}

}  // namespace zhurnal::bench
