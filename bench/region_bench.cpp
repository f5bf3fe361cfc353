#include "region_bench.hpp"

#include <rocksdb/db.h>
#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <barrier>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <stdexcept>
#include <thread>

#include "bench_support.hpp"
#include "raw_db.hpp"
#include "replay_bench.hpp"
#include "schema/commands.capnp.h"
#include "schema/journal.capnp.h"
#include "schema/message_reader.hpp"
#include "zhurnal/commands/journal.hpp"
#include "zhurnal/demo/generator.hpp"
#include "zhurnal/events/event_log.hpp"
#include "zhurnal/events/kv_store.hpp"
#include "zhurnal/projections/engine.hpp"
#include "zhurnal/projections/views.hpp"

namespace zhurnal::bench {
namespace {

namespace ev = zhurnal::events;
namespace fs = std::filesystem;
using J = schema::JournalEvent;

constexpr char kTemplateSchool[] = "rs0001";
constexpr size_t kWindowAppends = 2000;  // template appends per lock-step window

std::string school_id(int k) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "rs%04d", k);
  return buf;
}

// Every occurrence of `from` replaced by `to` (the same length).
void rewrite(std::string& s, std::string_view from, std::string_view to) {
  for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) {
    s.replace(at, to.size(), to);
  }
}

struct TemplateAppend {
  ev::CommandContext context;
  int64_t at_us = 0;
  std::vector<ev::StreamAppend> streams;
  size_t events = 0;
};

struct Template {
  std::vector<TemplateAppend> appends;
  uint64_t events = 0;
  uint64_t sign_ins = 0;
  demo::DemoSummary summary;
  // The register query's target and the compliance month.
  std::string class_id, subject_id, period_id, month;
};

// Days since the epoch of "YYYY-MM-DD".
int64_t epoch_day(const std::string& date) {
  int y = 0, m = 0, d = 0;
  if (std::sscanf(date.c_str(), "%d-%d-%d", &y, &m, &d) != 3) throw std::runtime_error("bad date " + date);
  const auto ymd = std::chrono::year{y} / std::chrono::month{static_cast<unsigned>(m)} /
                   std::chrono::day{static_cast<unsigned>(d)};
  return std::chrono::sys_days{ymd}.time_since_epoch().count();
}

// Generates the template school's year into `log_dir` and reads it back.
Template make_template(const RegionBenchOptions& o, const fs::path& log_dir, std::ostream& out) {
  std::atomic<int64_t> clock_us{1};
  ev::LogOptions lo;
  lo.path = log_dir.string();
  lo.durability = ev::Durability::kBuffered;
  lo.clock_us = [&] { return clock_us.load(); };
  auto log = ev::open_event_log(lo);
  if (!log) throw std::runtime_error("open the template log: " + log.error().to_string());
  Template t;
  Stopwatch watch;
  {
    auto journal = commands::Journal::open({log->get(), lo.clock_us, nullptr, 8});
    if (!journal) throw std::runtime_error("open the journal: " + journal.error().to_string());
    // Who can sign in, learnt from the log as the generator writes it.
    std::vector<std::string> parents, students;
    std::vector<ev::RecordedEvent> batch;
    uint64_t seen = 0;
    std::mt19937_64 rng(7);
    std::bernoulli_distribution parent_signs(o.parent_sign_ins), student_signs(o.student_sign_ins);
    auto sign_in = [&](const demo::DemoProgress& p) {
      for (;;) {
        if (auto st = (*log)->read_all(seen + 1, 4096, &batch); !st.is_ok()) {
          throw std::runtime_error("read the template log: " + st.to_string());
        }
        if (batch.empty()) break;
        for (const ev::RecordedEvent& e : batch) {
          seen = e.position;
          schema::BoundedMessageReader reader(e.payload);
          auto x = reader.root<J>();
          if (x.isUserRegistered()) {
            for (auto r : x.getUserRegistered().getRoles()) {
              if (r == schema::Role::PARENT) parents.emplace_back(x.getUserRegistered().getUserId().cStr());
            }
          } else if (x.isStudentEnrolled()) {
            students.emplace_back(x.getStudentEnrolled().getStudentId().cStr());
          }
        }
      }
      // Evenings, 20:00 in Yekaterinburg (15:00 UTC), a second apart.
      int64_t at = (epoch_day(p.date) * 86400 + 15 * 3600) * 1'000'000;
      auto one = [&](const std::string& user, schema::Role role) {
        capnp::MallocMessageBuilder m;
        auto c = m.initRoot<schema::Command>().initRecordSignIn();
        c.setUserId(user);
        c.setSchoolId(kTemplateSchool);
        c.setRole(role);
        at += 1'000'000;
        if (at > clock_us.load()) clock_us.store(at);
        const std::string id = "signin-" + user + "-" + std::to_string(at);
        auto r = (*journal)->execute({id, std::string(commands::kSystemActor), ""},
                                     m.getRoot<schema::Command>().asReader());
        if (!r) throw std::runtime_error("sign-in of " + user + " rejected: " + r.error().message);
        ++t.sign_ins;
      };
      for (const std::string& u : parents) {
        if (parent_signs(rng)) one(u, schema::Role::PARENT);
      }
      for (const std::string& u : students) {
        if (student_signs(rng)) one(u, schema::Role::STUDENT);
      }
    };
    demo::DemoOptions d;
    d.school_id = kTemplateSchool;
    d.schools = 1;
    d.weeks = o.weeks;
    auto summary = demo::generate_demo(
        **journal, [&](int64_t us) { if (us > clock_us.load()) clock_us.store(us); }, d, sign_in);
    if (!summary) throw std::runtime_error("demo generation: " + summary.error().to_string());
    t.summary = *summary;
  }
  // Read the year back as appends (one command id, consecutive positions).
  std::vector<ev::RecordedEvent> batch;
  std::map<std::string, int> class_grade;
  std::map<std::pair<std::string, std::string>, int> class_subject_lessons;
  std::vector<std::pair<std::string, std::string>> periods;  // id, start
  for (uint64_t from = 1;;) {
    if (auto st = (*log)->read_all(from, 8192, &batch); !st.is_ok()) {
      throw std::runtime_error("read the template log: " + st.to_string());
    }
    if (batch.empty()) break;
    for (const ev::RecordedEvent& e : batch) {
      from = e.position + 1;
      ++t.events;
      if (t.appends.empty() || t.appends.back().context.command_id != e.command_id) {
        TemplateAppend a;
        a.context.command_id = e.command_id;
        a.context.actor = e.actor;
        a.context.correlation_id = e.correlation_id;
        a.context.causation_id = e.causation_id;
        t.appends.push_back(std::move(a));
      }
      TemplateAppend& a = t.appends.back();
      a.at_us = e.recorded_at_us;
      ++a.events;
      auto s = std::find_if(a.streams.begin(), a.streams.end(),
                            [&](const ev::StreamAppend& x) { return x.stream == e.stream; });
      if (s == a.streams.end()) {
        ev::StreamAppend x;
        x.stream = e.stream;
        x.expected = e.stream.find(kTemplateSchool) != std::string::npos
                         ? ev::ExpectedVersion::exact(e.stream_version - 1)
                         : ev::ExpectedVersion::any();
        a.streams.push_back(std::move(x));
        s = a.streams.end() - 1;
      }
      s->events.push_back({e.type, e.payload});
      schema::BoundedMessageReader reader(e.payload);
      auto x = reader.root<J>();
      if (x.isClassOpened()) {
        class_grade[x.getClassOpened().getClassId().cStr()] = x.getClassOpened().getGrade();
      } else if (x.isLessonScheduled()) {
        auto l = x.getLessonScheduled();
        ++class_subject_lessons[{l.getClassId().cStr(), l.getSubjectId().cStr()}];
      } else if (x.isAcademicYearOpened()) {
        for (auto p : x.getAcademicYearOpened().getPeriods()) {
          periods.emplace_back(p.getPeriodId().cStr(), p.getStart().cStr());
        }
      }
    }
  }
  // The register query: the busiest subject of a grade-7 class, first quarter.
  int best = -1;
  for (const auto& [key, n] : class_subject_lessons) {
    auto g = class_grade.find(key.first);
    if (g != class_grade.end() && g->second == 7 && n > best) {
      best = n;
      t.class_id = key.first;
      t.subject_id = key.second;
    }
  }
  if (best < 0 || periods.empty()) throw std::runtime_error("the template has no grade-7 lessons or periods");
  t.period_id = periods.front().first;
  t.month = "2026-10";
  out << "template: school " << kTemplateSchool << ", " << o.weeks << " weeks: " << thousands(t.events)
      << " events in " << thousands(t.appends.size()) << " appends (" << thousands(t.summary.marks)
      << " marks, " << thousands(t.summary.absences) << " absences, " << thousands(t.summary.homework)
      << " homework, " << thousands(t.summary.corrections) << " corrections, " << thousands(t.sign_ins)
      << " sign-ins, " << t.summary.classes << " classes, " << t.summary.students << " students, "
      << t.summary.teachers << " teachers) generated in " << watch.seconds() << " s" << std::endl;
  (*log)->close();
  return t;
}

// The copy of template append `a` for school `k` (1: the template itself).
std::vector<ev::StreamAppend> copy_streams(const TemplateAppend& a, const std::string& school) {
  std::vector<ev::StreamAppend> streams = a.streams;
  if (school == kTemplateSchool) return streams;
  for (ev::StreamAppend& s : streams) {
    rewrite(s.stream, kTemplateSchool, school);
    for (ev::EventData& e : s.events) rewrite(e.payload, kTemplateSchool, school);
  }
  return streams;
}

ev::CommandContext copy_context(const TemplateAppend& a, const std::string& school) {
  ev::CommandContext c = a.context;
  if (school == kTemplateSchool) return c;
  for (std::string* s : {&c.command_id, &c.correlation_id, &c.causation_id}) {
    if (s->empty()) continue;
    if (s->find(kTemplateSchool) != std::string::npos) rewrite(*s, kTemplateSchool, school);
    else *s += "@" + school;
  }
  rewrite(c.actor, kTemplateSchool, school);
  return c;
}

uint64_t dir_bytes(const fs::path& dir) {
  uint64_t n = 0;
  for (const auto& f : fs::recursive_directory_iterator(dir)) {
    if (f.is_regular_file()) n += f.file_size();
  }
  return n;
}

std::string gib(uint64_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f GiB", bytes / double(1ull << 30));
  return buf;
}

struct IngestResult {
  uint64_t events = 0;
  double append_seconds = 0;     // until the last append was acknowledged
  double projected_seconds = 0;  // until the projections reflected it
  double catch_up_seconds = 0;   // views_after: the catch-up alone
  double cpu_seconds = 0;        // process CPU
};

IngestResult ingest(const RegionBenchOptions& o, const Template& t, const fs::path& log_dir,
                    const fs::path& views_dir, std::ostream& out) {
  std::atomic<int64_t> clock_us{t.appends.empty() ? 1 : t.appends.front().at_us};
  ev::LogOptions lo;
  lo.path = log_dir.string();
  lo.durability = o.buffered ? ev::Durability::kBuffered : ev::Durability::kSync;
  lo.clock_us = [&] { return clock_us.load(); };
  auto log = ev::open_event_log(lo);
  if (!log) throw std::runtime_error("open the log: " + log.error().to_string());
  auto store = ev::KvStore::open({views_dir.string(), false, true});
  if (!store) throw std::runtime_error("open the view store: " + store.error().to_string());
  auto engine = projections::ProjectionEngine::open({log->get(), store->get(), nullptr, 2048},
                                                    projections::standard_projections());
  if (!engine) throw std::runtime_error("open the engine: " + engine.error().to_string());
  if (!o.views_after) (*engine)->start();

  std::vector<std::string> schools;
  for (int k = 1; k <= o.schools; ++k) schools.push_back(school_id(k));
  const size_t windows = (t.appends.size() + kWindowAppends - 1) / kWindowAppends;
  size_t window = 0;
  auto set_clock = [&] {
    if (window < windows) {
      const size_t last = std::min(t.appends.size(), (window + 1) * kWindowAppends) - 1;
      clock_us.store(std::max(clock_us.load(), t.appends[last].at_us));
    }
  };
  set_clock();
  std::barrier sync(o.writers, [&]() noexcept {
    ++window;
    set_clock();
  });
  std::mutex error_mu;
  std::string error;
  std::atomic<bool> failed{false};
  std::atomic<uint64_t> appended{0};
  const double cpu = process_cpu_seconds();
  Stopwatch watch;
  auto writer = [&](int w) {
    std::mutex mu;
    std::condition_variable cv;
    int outstanding = 0;
    for (size_t win = 0; win < windows; ++win) {
      const size_t begin = win * kWindowAppends, end = std::min(t.appends.size(), begin + kWindowAppends);
      for (size_t i = begin; i < end && !failed.load(); ++i) {
        const TemplateAppend& a = t.appends[i];
        for (size_t k = static_cast<size_t>(w); k < schools.size(); k += o.writers) {
          {
            std::unique_lock lock(mu);
            cv.wait(lock, [&] { return outstanding < o.in_flight; });
            ++outstanding;
          }
          (*log)->append_async(copy_streams(a, schools[k]), copy_context(a, schools[k]),
                               [&, n = a.events, school = schools[k]](ev::Result<ev::AppendResult> r) {
                                 if (!r) {
                                   std::lock_guard lock(error_mu);
                                   if (error.empty()) error = school + ": " + r.error().to_string();
                                   failed = true;
                                 } else {
                                   appended.fetch_add(n, std::memory_order_relaxed);
                                 }
                                 std::lock_guard lock(mu);
                                 --outstanding;
                                 cv.notify_all();
                               });
        }
      }
      {
        std::unique_lock lock(mu);
        cv.wait(lock, [&] { return outstanding == 0; });
      }
      sync.arrive_and_wait();
      if (w == 0 && (win + 1) % 20 == 0) {
        char line[160];
        std::snprintf(line, sizeof line, "  ingest: window %zu/%zu, %s events, %.0f s, projections at %s\n",
                      win + 1, windows, thousands(appended.load()).c_str(), watch.seconds(),
                      thousands((*engine)->position()).c_str());
        out << line << std::flush;
      }
    }
  };
  std::vector<std::thread> threads;
  for (int w = 0; w < o.writers; ++w) threads.emplace_back(writer, w);
  for (std::thread& th : threads) th.join();
  if (failed) throw std::runtime_error("an append failed: " + error);
  IngestResult r;
  r.append_seconds = watch.seconds();
  r.events = (*log)->head_position();
  if (o.views_after) {
    out << "  views: catch-up from zero (rebuild mode) over " << thousands(r.events) << " events"
        << std::endl;
    Stopwatch catch_up;
    if (ev::Status st = (*engine)->catch_up(); !st.is_ok()) {
      throw std::runtime_error("views catch-up: " + st.to_string());
    }
    r.catch_up_seconds = catch_up.seconds();
  }
  while (!(*engine)->wait_position(r.events, std::chrono::seconds(10))) {
    out << "  waiting for projections: " << thousands((*engine)->position()) << " of "
        << thousands(r.events) << std::endl;
  }
  r.projected_seconds = watch.seconds();
  r.cpu_seconds = process_cpu_seconds() - cpu;
  (*engine)->stop();
  engine->reset();
  store->reset();
  (*log)->close();
  return r;
}

struct Latencies {
  std::vector<double> ms;
  double p(double q) const {
    if (ms.empty()) return 0;
    std::vector<double> v = ms;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, static_cast<size_t>(q * (v.size() - 1) + 0.5))];
  }
};

struct QueryFigures {
  Latencies compliance_cold, compliance_warm, register_cold, register_warm;
  size_t compliance_bytes = 0, register_bytes = 0;
};

QueryFigures run_queries(const RegionBenchOptions& o, const Template& t, const fs::path& log_dir,
                         const fs::path& views_dir) {
  ev::LogOptions lo;
  lo.path = log_dir.string();
  lo.create_if_missing = false;
  QueryFigures f;
  auto time_ms = [](const std::function<size_t()>& fn, Latencies* into) {
    Stopwatch w;
    const size_t bytes = fn();
    into->ms.push_back(w.seconds() * 1000);
    return bytes;
  };
  auto log = ev::open_event_log(lo);
  if (!log) throw std::runtime_error("open the log: " + log.error().to_string());
  auto session = [&](int round, bool warm) {
    auto store = ev::KvStore::open({views_dir.string(), false, false});
    if (!store) throw std::runtime_error("open the view store: " + store.error().to_string());
    auto engine = projections::ProjectionEngine::open({log->get(), store->get(), nullptr, 2048},
                                                      projections::standard_projections());
    if (!engine) throw std::runtime_error("open the engine: " + engine.error().to_string());
    projections::Views views(store->get(), engine->get());
    // Cold: a school not queried before in this process, on a freshly opened store.
    const std::string school = school_id(1 + (round * 7919) % o.schools);
    std::string cls = t.class_id, subject = t.subject_id, period = t.period_id;
    for (std::string* s : {&cls, &subject, &period}) rewrite(*s, kTemplateSchool, school);
    auto compliance = [&] {
      auto v = views.compliance(school, t.month);
      if (!v) throw std::runtime_error("compliance " + school + ": " + v.error().to_string());
      return capnp::computeSerializedSizeInWords(**v) * sizeof(capnp::word);
    };
    auto reg = [&] {
      auto v = views.class_register(cls, subject, period);
      if (!v) throw std::runtime_error("register " + cls + ": " + v.error().to_string());
      return capnp::computeSerializedSizeInWords(**v) * sizeof(capnp::word);
    };
    if (!warm) {
      f.compliance_bytes = time_ms(compliance, &f.compliance_cold);
      f.register_bytes = time_ms(reg, &f.register_cold);
      return;
    }
    for (int i = 0; i < o.warm_runs; ++i) time_ms(compliance, &f.compliance_warm);
    for (int i = 0; i < o.warm_runs; ++i) time_ms(reg, &f.register_warm);
  };
  for (int round = 0; round < o.cold_runs; ++round) session(round, false);
  session(0, true);
  (*log)->close();
  return f;
}

}  // namespace

void run_region_bench(const RegionBenchOptions& o, std::ostream& out) {
  if (o.schools < 1 || o.schools > 9999) throw std::runtime_error("--schools must be 1..9999");
  if (o.weeks < 1 || o.writers < 1 || o.in_flight < 1 || o.warm_runs < 1 || o.cold_runs < 1) {
    throw std::runtime_error("--weeks, --writers, --in-flight and the query runs must be positive");
  }
  out << machine_summary() << "\nload average: " << load_average() << "\n";
  ScratchDir scratch(scratch_parent(o.dir), "region");
  const fs::path template_dir = scratch.path() / "template";
  const fs::path log_dir = scratch.path() / "log";
  const fs::path views_dir = scratch.path() / "views";
  const fs::path rebuilt_dir = scratch.path() / "views-rebuilt";
  out << "scratch directory: " << scratch.path().string() << std::endl;

  const Template t = make_template(o, template_dir, out);
  fs::remove_all(template_dir);
  out << "ingest: " << o.schools << " schools x " << thousands(t.events) << " events = "
      << thousands(double(t.events) * o.schools) << " events, " << o.writers << " writers, "
      << o.in_flight << " in flight each, " << (o.buffered ? "buffered" : "fsync") << std::endl;
  const IngestResult in = ingest(o, t, log_dir, views_dir, out);
  const uint64_t log_bytes = dir_bytes(log_dir), view_bytes = dir_bytes(views_dir);
  char line[512];
  std::snprintf(line, sizeof line,
                "ingest: %s events appended in %.1f s (%s events/s); projections caught up at %.1f s "
                "(%s events/s end to end); process CPU %.1f s (%.1f us/event)\n",
                thousands(in.events).c_str(), in.append_seconds, thousands(in.events / in.append_seconds).c_str(),
                in.projected_seconds, thousands(in.events / in.projected_seconds).c_str(), in.cpu_seconds,
                in.cpu_seconds * 1e6 / in.events);
  out << line;
  if (o.views_after) {
    std::snprintf(line, sizeof line, "views built after the appends by one catch-up: %.1f s (%s events/s)\n",
                  in.catch_up_seconds, thousands(in.events / in.catch_up_seconds).c_str());
    out << line;
  }
  out << "disk: log " << gib(log_bytes) << ", views " << gib(view_bytes) << ", total "
      << gib(log_bytes + view_bytes) << " (" << (log_bytes + view_bytes) / in.events << " bytes/event)"
      << std::endl;

  const QueryFigures q = run_queries(o, t, log_dir, views_dir);
  std::snprintf(line, sizeof line,
                "queries (ms)                      p50      p99   (runs, answer size)\n"
                "  compliance %s, cold   %8.2f %8.2f   (%zu, %zu bytes)\n"
                "  compliance %s, warm   %8.2f %8.2f   (%zu)\n",
                t.month.c_str(), q.compliance_cold.p(0.5), q.compliance_cold.p(0.99), q.compliance_cold.ms.size(),
                q.compliance_bytes, t.month.c_str(), q.compliance_warm.p(0.5), q.compliance_warm.p(0.99),
                q.compliance_warm.ms.size());
  out << line;
  std::snprintf(line, sizeof line,
                "  register %s/%s/%s, cold  %8.2f %8.2f   (%zu, %zu bytes)\n"
                "  register, warm                %8.2f %8.2f   (%zu)\n",
                t.class_id.c_str(), t.subject_id.c_str(), t.period_id.c_str(), q.register_cold.p(0.5),
                q.register_cold.p(0.99), q.register_cold.ms.size(), q.register_bytes, q.register_warm.p(0.5),
                q.register_warm.p(0.99), q.register_warm.ms.size());
  out << line << std::flush;

  if (!o.skip_rebuild) {
    Stopwatch compact;
    RawMultiCfDb(log_dir.string()).compact_all();
    out << "log compacted in " << compact.seconds() << " s; log now " << gib(dir_bytes(log_dir)) << std::endl;
    const ReplayPass raw = raw_log_pass(log_dir);
    const ReplayPass rebuilt = rebuild_views_pass(log_dir, rebuilt_dir);
    if (raw.events != in.events || rebuilt.events != in.events) {
      throw std::runtime_error("a replay pass saw a different number of events");
    }
    std::snprintf(line, sizeof line,
                  "raw iteration + decode: %.1f s (%s events/s)\n"
                  "rebuild (all projections, fresh store): %.1f s (%s events/s), ratio to raw %.2f; "
                  "process CPU %.1f s; rebuilt views %s\n",
                  raw.seconds, thousands(raw.events / raw.seconds).c_str(), rebuilt.seconds,
                  thousands(rebuilt.events / rebuilt.seconds).c_str(), raw.seconds / rebuilt.seconds,
                  rebuilt.process_cpu_seconds, gib(dir_bytes(rebuilt_dir)).c_str());
    out << line << std::flush;
  }
  if (o.keep) {
    out << "kept " << scratch.path().string() << " (remove it by hand)" << std::endl;
    // ScratchDir removes it in its destructor: move it out of the way first.
    const fs::path kept = scratch.path().string() + "-kept";
    fs::rename(scratch.path(), kept);
    fs::create_directories(scratch.path());
    out << "kept as " << kept.string() << std::endl;
  }
}

}  // namespace zhurnal::bench
