#include "replay_bench.hpp"

#include <rocksdb/db.h>
#include <rocksdb/iterator.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <limits>
#include <map>
#include <stdexcept>
#include <thread>

#include "bench_support.hpp"
#include "internal/codec.hpp"
#include "internal/keys.hpp"
#include "raw_db.hpp"
#include "zhurnal/commands/journal.hpp"
#include "zhurnal/demo/generator.hpp"
#include "zhurnal/events/event_log.hpp"
#include "zhurnal/events/kv_store.hpp"
#include "zhurnal/events/log_reader.hpp"
#include "zhurnal/projections/engine.hpp"
#include "zhurnal/projections/views.hpp"
#include "schema/message_reader.hpp"
#include "zhurnal/replay/history.hpp"
#include "zhurnal/replay/log_summary.hpp"
#include "zhurnal/replay/rebuild.hpp"

namespace zhurnal::bench {
namespace {

namespace ev = zhurnal::events;
namespace fs = std::filesystem;

using Pass = ReplayPass;

uint64_t generate(const ReplayBenchOptions& o, const fs::path& log_dir, std::ostream& out) {
  std::atomic<int64_t> clock_us{1};
  ev::LogOptions lo;
  lo.path = log_dir.string();
  lo.durability = ev::Durability::kBuffered;
  lo.clock_us = [&] { return clock_us.load(); };
  auto log = ev::open_event_log(lo);
  if (!log) throw std::runtime_error("open the log: " + log.error().to_string());
  Stopwatch watch;
  {
    auto journal = commands::Journal::open({log->get(), lo.clock_us, nullptr, 8});
    if (!journal) throw std::runtime_error("open the journal: " + journal.error().to_string());
    demo::DemoOptions d;
    d.schools = o.schools;
    d.weeks = o.weeks;
    auto summary = demo::generate_demo(**journal, [&](int64_t us) { clock_us.store(us); }, d);
    if (!summary) throw std::runtime_error("demo generation: " + summary.error().to_string());
    out << "demo: " << o.schools << " school(s) x " << o.weeks << " weeks: " << thousands(summary->events)
        << " events (" << thousands(summary->marks) << " marks) generated in " << watch.seconds()
        << " s" << std::endl;
  }
  const uint64_t head = (*log)->head_position();
  (*log)->close();
  log->reset();  // releases the database before the raw handle opens it
  RawMultiCfDb(log_dir.string()).compact_all();
  return head;
}

Pass raw_pass_impl(const fs::path& log_dir) {
  RawMultiCfDb db(log_dir.string());
  rocksdb::ReadOptions options;
  options.readahead_size = 2 << 20;  // as RocksStore::scan_log
  Pass p;
  ev::RecordedEvent e;
  const double cpu = thread_cpu_seconds(), process_cpu = process_cpu_seconds();
  Stopwatch clock;
  std::unique_ptr<rocksdb::Iterator> it(db.db()->NewIterator(options, db.cf(ev::internal::kLogCf)));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    const rocksdb::Slice v = it->value();
    ev::Status s = ev::internal::decode_stored_event({v.data(), v.size()}, &e);
    if (!s.is_ok()) throw std::runtime_error("decode: " + s.to_string());
    if (e.position != ++p.events) throw std::runtime_error("gap at " + std::to_string(p.events));
  }
  check(it->status(), "iterate log");
  p.seconds = clock.seconds();
  p.cpu_seconds = thread_cpu_seconds() - cpu;
  p.process_cpu_seconds = process_cpu_seconds() - process_cpu;
  return p;
}

std::unique_ptr<ev::EventLog> open_log(const fs::path& log_dir) {
  ev::LogOptions lo;
  lo.path = log_dir.string();
  lo.create_if_missing = false;
  auto log = ev::open_event_log(lo);
  if (!log) throw std::runtime_error("open the log: " + log.error().to_string());
  return std::move(*log);
}

// What `zhurnal replay verify --data` runs: a secondary instance on the log
// (it can run beside a live server) audited with the summary's visitor.
Pass verify_pass(const fs::path& log_dir) {
  auto reader = ev::LogReader::open({log_dir.string(), {}});
  if (!reader) throw std::runtime_error("open a log reader: " + reader.error().to_string());
  Pass p;
  const double cpu = thread_cpu_seconds(), process_cpu = process_cpu_seconds();
  Stopwatch clock;
  auto summary = replay::verify_log(**reader);
  p.seconds = clock.seconds();
  p.cpu_seconds = thread_cpu_seconds() - cpu;
  p.process_cpu_seconds = process_cpu_seconds() - process_cpu;
  if (!summary) throw std::runtime_error("verify: " + summary.error().to_string());
  if (!summary->verify.ok()) throw std::runtime_error("verify: " + summary->verify.problem);
  p.events = summary->events;
  return p;
}

// CPU seconds the store's compactions have taken since it was opened, by
// RocksDB's count (its compaction statistics: "CompMergeCPU").
double compaction_cpu_seconds(ev::KvStore& store) {
  std::map<std::string, std::string> stats;
  if (!ev::internal::kv_store_db(store)->GetMapProperty(rocksdb::DB::Properties::kCFStats, &stats)) return 0;
  auto it = stats.find("compaction.Sum.CompMergeCPU");
  return it == stats.end() ? 0 : std::stod(it->second);
}

// Waits until the store has no compaction running or wanted (none is
// waited for while automatic compactions are off: none would start).
void settle_compactions(ev::KvStore& store) {
  rocksdb::DB* db = ev::internal::kv_store_db(store);
  if (db->GetOptions().disable_auto_compactions) return;
  for (;;) {
    uint64_t pending = 0, running = 0;
    db->GetIntProperty(rocksdb::DB::Properties::kCompactionPending, &pending);
    db->GetIntProperty(rocksdb::DB::Properties::kNumRunningCompactions, &running);
    if (pending == 0 && running == 0) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

// Folds every projection from zero into a fresh store under `views_dir`
// (left in place for the compare pass).
Pass rebuild_pass_impl(const fs::path& log_dir, const fs::path& views_dir, size_t memory_mib) {
  fs::remove_all(views_dir);
  auto log = open_log(log_dir);
  auto store = ev::KvStore::open({views_dir.string(), false, true});
  if (!store) throw std::runtime_error("open the view store: " + store.error().to_string());
  Pass p;
  const double cpu = thread_cpu_seconds(), process_cpu = process_cpu_seconds();
  Stopwatch clock;
  {
    projections::EngineOptions options{log.get(), store->get(), nullptr, 4096};
    options.bulk_memory_bytes = memory_mib << 20;
    auto engine = projections::ProjectionEngine::open(options, projections::standard_projections());
    if (!engine) throw std::runtime_error("open the engine: " + engine.error().to_string());
    if (auto st = (*engine)->catch_up(); !st.is_ok()) throw std::runtime_error("rebuild: " + st.to_string());
    p.events = (*engine)->position();
  }
  p.seconds = clock.seconds();
  p.cpu_seconds = thread_cpu_seconds() - cpu;
  p.process_cpu_seconds = process_cpu_seconds() - process_cpu;
  log->close();
  p.compaction_cpu_seconds = compaction_cpu_seconds(**store);
  Stopwatch settle;
  settle_compactions(**store);
  p.settle_seconds = settle.seconds();
  p.settle_cpu_seconds = compaction_cpu_seconds(**store) - p.compaction_cpu_seconds;
  return p;
}

Pass compare_pass(const fs::path& log_dir, const fs::path& views_dir) {
  auto log = open_log(log_dir);
  auto store = ev::KvStore::open({views_dir.string(), false, false});
  if (!store) throw std::runtime_error("open the view store: " + store.error().to_string());
  auto engine = projections::ProjectionEngine::open({log.get(), store->get(), nullptr, 4096},
                                                    projections::standard_projections());
  if (!engine) throw std::runtime_error("open the engine: " + engine.error().to_string());
  Pass p;
  const double cpu = thread_cpu_seconds();
  Stopwatch clock;
  auto report = replay::rebuild_and_compare_all(**engine, **store);
  p.seconds = clock.seconds();
  p.cpu_seconds = thread_cpu_seconds() - cpu;
  if (!report) throw std::runtime_error("replay rebuild: " + report.error().to_string());
  if (!report->ok()) throw std::runtime_error("replay rebuild found differences:\n" + format_rebuild_report(*report));
  p.events = log->head_position();
  engine->reset();
  store->reset();
  log->close();
  return p;
}

// The first class the log opens.
std::string first_class(ev::EventLog& log) {
  std::vector<ev::RecordedEvent> batch;
  for (uint64_t next = 1;; next += batch.size()) {
    if (ev::Status s = log.read_all(next, 4096, &batch); !s.is_ok()) {
      throw std::runtime_error("read the log: " + s.to_string());
    }
    if (batch.empty()) throw std::runtime_error("the log opens no class");
    for (const ev::RecordedEvent& e : batch) {
      if (e.type != "ClassOpened") continue;
      schema::BoundedMessageReader reader(e.payload);
      return reader.root<schema::JournalEvent>().getClassOpened().getClassId().cStr();
    }
  }
}

// A class's history: one pass for all of it, its pages of 1,000 each
// continuing the last one's cursor, and its first pages each folded afresh.
void history_pass(const ReplayBenchOptions& o, const fs::path& log_dir, std::ostream& out) {
  auto log = open_log(log_dir);
  replay::HistoryQuery q;
  q.kind = replay::HistorySubject::kClass;
  q.id = o.history_class.empty() ? first_class(*log) : o.history_class;
  Stopwatch whole_clock;
  auto whole = replay::history(*log, q);
  const double whole_seconds = whole_clock.seconds();
  if (!whole) throw std::runtime_error("history: " + whole.error().to_string());
  q.limit = 1000;
  auto pages = [&](replay::HistoryCursor* cursor, int max_pages, size_t* entries) {
    q.after_position = 0;
    int n = 0;
    for (; n < max_pages; ++n) {
      auto page = replay::history(*log, q, cursor);
      if (!page) throw std::runtime_error("history page: " + page.error().to_string());
      *entries += page->entries.size();
      q.after_position = page->next_position;
      if (page->next_position == 0) return n + 1;
    }
    return n;
  };
  replay::HistoryCursor cursor;
  size_t paged_entries = 0;
  Stopwatch paged_clock;
  const int paged = pages(&cursor, std::numeric_limits<int>::max(), &paged_entries);
  const double paged_seconds = paged_clock.seconds();
  if (paged_entries != whole->entries.size()) {
    throw std::runtime_error("the pages held " + std::to_string(paged_entries) + " entries, one pass " +
                             std::to_string(whole->entries.size()));
  }
  size_t fresh_entries = 0;
  Stopwatch fresh_clock;
  const int fresh = pages(nullptr, o.history_fresh_pages, &fresh_entries);
  const double fresh_seconds = fresh_clock.seconds();
  char line[512];
  std::snprintf(line, sizeof line,
                "history of class %s, %s entries:\n"
                "  one pass                         %8.2f s\n"
                "  %3d pages of 1,000, continued    %8.2f s  ratio to one pass %.2f\n"
                "  %3d pages, each from position 1 %8.2f s  ratio to one pass %.2f, %.2f s a page\n",
                q.id.c_str(), thousands(whole->entries.size()).c_str(), whole_seconds, paged,
                paged_seconds, paged_seconds / whole_seconds, fresh, fresh_seconds,
                fresh_seconds / whole_seconds, fresh > 0 ? fresh_seconds / fresh : 0.0);
  out << line << std::flush;
  log->close();
}

}  // namespace

ReplayPass raw_log_pass(const fs::path& log_dir) { return raw_pass_impl(log_dir); }

ReplayPass rebuild_views_pass(const fs::path& log_dir, const fs::path& views_dir,
                              size_t memory_mib) {
  return rebuild_pass_impl(log_dir, views_dir, memory_mib);
}

void run_replay_bench(const ReplayBenchOptions& o, std::ostream& out) {
  if (o.schools < 1 || o.weeks < 1 || o.rounds < 1) {
    throw std::runtime_error("--schools, --weeks and --rounds must be positive");
  }
  auto wanted = [&](std::string_view pass) {
    return std::find(o.passes.begin(), o.passes.end(), pass) != o.passes.end();
  };
  for (const std::string& pass : o.passes) {
    if (pass != "raw" && pass != "verify" && pass != "rebuild" && pass != "compare" &&
        pass != "history") {
      throw std::runtime_error("--passes: unknown pass " + pass);
    }
  }
  if (wanted("compare") && !wanted("rebuild")) {
    throw std::runtime_error("--passes: compare needs rebuild (it compares with the rebuilt views)");
  }
  out << machine_summary() << "\nload average: " << load_average() << "\n";
  ScratchDir scratch(scratch_parent(o.dir), "zhurnal-replay-bench");
  const fs::path log_dir = o.log.empty() ? scratch.path() / "log" : fs::path(o.log);
  const fs::path views_dir = scratch.path() / "views";
  uint64_t events = 0;
  if (!o.log.empty() && fs::exists(log_dir)) {
    auto log = open_log(log_dir);
    events = log->head_position();
    log->close();
    out << "reusing the log at " << log_dir.string() << ": " << thousands(events) << " events\n";
  } else {
    events = generate(o, log_dir, out);
  }

  std::vector<double> raw, verify, rebuild, compare;
  std::vector<double> raw_cpu, verify_cpu, rebuild_cpu, compare_cpu;
  std::vector<double> raw_process_cpu, rebuild_process_cpu;
  std::vector<double> compaction_cpu, settle, settle_cpu;
  for (int round = 0; round < o.rounds; ++round) {
    const Pass r = raw_log_pass(log_dir);
    const Pass v = wanted("verify") ? verify_pass(log_dir) : Pass{};
    const Pass b =
        wanted("rebuild") ? rebuild_views_pass(log_dir, views_dir, o.rebuild_memory_mib) : Pass{};
    const Pass c = wanted("compare") ? compare_pass(log_dir, views_dir) : Pass{};
    for (const Pass* p : {&r, &v, &b}) {
      if (p->events != events && p->seconds > 0) {
        throw std::runtime_error("a pass saw " + std::to_string(p->events) + " events");
      }
    }
    raw.push_back(r.seconds), raw_cpu.push_back(r.cpu_seconds);
    verify.push_back(v.seconds), verify_cpu.push_back(v.cpu_seconds);
    rebuild.push_back(b.seconds), rebuild_cpu.push_back(b.cpu_seconds);
    raw_process_cpu.push_back(r.process_cpu_seconds), rebuild_process_cpu.push_back(b.process_cpu_seconds);
    compaction_cpu.push_back(b.compaction_cpu_seconds);
    settle.push_back(b.settle_seconds), settle_cpu.push_back(b.settle_cpu_seconds);
    compare.push_back(c.seconds), compare_cpu.push_back(c.cpu_seconds);
    char line[256];
    std::snprintf(line, sizeof line, "round %d: raw %.2f s, verify %.2f s, rebuild %.2f s, replay rebuild %.2f s\n",
                  round + 1, r.seconds, v.seconds, b.seconds, c.seconds);
    out << line << std::flush;
  }
  const double base = median(raw), base_cpu = median(raw_cpu);
  out << "\nmedian of " << o.rounds << " rounds over " << thousands(events) << " events:\n";
  auto row = [&](const char* name, const std::vector<double>& wall, const std::vector<double>& cpu) {
    const double w = median(wall), c = median(cpu);
    if (w <= 0) return;  // not run (--passes)
    char line[256];
    std::snprintf(line, sizeof line, "  %-15s %8.2f s  %12s events/s  ratio %.2f  (cpu %.2f s, cpu ratio %.2f)\n",
                  name, w, thousands(events / w).c_str(), base / w, c, base_cpu / c);
    out << line;
  };
  row("raw iter+decode", raw, raw_cpu);
  row("verify", verify, verify_cpu);
  row("rebuild", rebuild, rebuild_cpu);
  row("replay rebuild", compare, compare_cpu);
  // The rebuild folds its projections on threads of their own and RocksDB
  // flushes and compacts on its own: all of the process's CPU, too.
  if (wanted("rebuild")) {
    char cpu_line[256];
    std::snprintf(cpu_line, sizeof cpu_line,
                  "  process CPU (all threads): raw %.2f s, rebuild %.2f s, ratio %.2f\n",
                  median(raw_process_cpu), median(rebuild_process_cpu),
                  median(raw_process_cpu) / median(rebuild_process_cpu));
    out << cpu_line;
    std::snprintf(cpu_line, sizeof cpu_line,
                  "  view store compactions: %.2f s CPU during the rebuild; left to do after it: "
                  "%.2f s (%.2f s CPU)\n",
                  median(compaction_cpu), median(settle), median(settle_cpu));
    out << cpu_line;
  }
  out << "goal: verify and rebuild ratio >= 0.60" << std::endl;
  if (wanted("history")) history_pass(o, log_dir, out);
}

}  // namespace zhurnal::bench
