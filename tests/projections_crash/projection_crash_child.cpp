// zhurnal_projection_crash_child: runs the standard projections over a log
// while something appends to it, until it is killed (projection_crash_test).
//
// Usage: zhurnal_projection_crash_child --data DIR --mode MODE [options]
//   DIR/log is the event log, DIR/views the view store; both are reopened as
//   a killed predecessor left them.
//   --mode generate   a demo school through a commands::Journal over the log
//                     (--school-id, --seed, --weeks, --start-date), with a
//                     fake clock driven by the generator; the log must not
//                     hold that school yet
//   --mode copy       appends the events of another log (--source DIR2)
//                     one command per append, with their streams, actors and
//                     recorded times; position p of the source goes to
//                     position p + --copy-base of the log, so a restarted
//                     child resumes after the log's head; --pause-us N
//                     sleeps N microseconds after each append (0: none)
//   --mode idle       appends nothing (the engine only catches up)
//   --rebuild         also rebuilds every projection, one after the other,
//                     in a loop while the engine follows live
//   --batch N         the engine's events per commit (EngineOptions, 2048)
//   --live-buffer N   the log's in-memory ring for live subscribers
//                     (LogOptions::live_buffer_events; small: the engine
//                     falls behind it and reads from storage)
//   --max-seconds S   exits (code 6) if still alive after S seconds (120)
//
// The engine runs the standard projections, each wrapped in an ApplyAudit
// (apply_audit.hpp). It catches up (ProjectionEngine::catch_up), then follows live
// (start) while the appender runs. Progress goes to stdout (child_line.hpp).
// Exit codes on error (message on stderr): 2 usage, 3 open failed, 4 the
// appender failed, 5 stdout failed, 6 --max-seconds passed, 7 a rebuild failed.
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "apply_audit.hpp"
#include "zhurnal/commands/journal.hpp"
#include "zhurnal/demo/generator.hpp"
#include "zhurnal/events/event_log.hpp"
#include "zhurnal/events/kv_store.hpp"
#include "zhurnal/projections/engine.hpp"
#include "zhurnal/projections/views.hpp"

namespace zhurnal::projections_crash {
namespace {

using Clock = std::chrono::steady_clock;

struct Options {
  std::string data;
  std::string mode;
  std::string school_id = "sch1";
  uint64_t seed = 1;
  int weeks = 2;
  std::string start_date = "2026-09-01";
  std::string source;
  uint64_t copy_base = 0;
  int pause_us = 0;
  bool rebuild = false;
  size_t batch = 2048;
  size_t live_buffer = 0;  // 0: the log's default
  int max_seconds = 120;
};

[[noreturn]] void die(int code, const std::string& message) {
  std::fprintf(stderr, "zhurnal_projection_crash_child: %s\n", message.c_str());
  std::fflush(stderr);
  std::_Exit(code);
}

// One write(2) per line (see child_line.hpp).
void write_line(const std::string& text) {
  const std::string line = text + "\n";
  for (;;) {
    const ssize_t n = ::write(STDOUT_FILENO, line.data(), line.size());
    if (n == static_cast<ssize_t>(line.size())) return;
    if (n < 0 && errno == EINTR) continue;
    die(5, "stdout write failed: " + std::string(n < 0 ? std::strerror(errno) : "short write"));
  }
}

template <typename T>
bool parse_number(std::string_view s, T* out) {
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && end == s.data() + s.size() && !s.empty();
}

Options parse_options(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string_view flag = argv[i];
    if (flag == "--rebuild") {
      o.rebuild = true;
      continue;
    }
    if (i + 1 >= argc) die(2, "missing value after " + std::string(flag));
    const std::string_view value = argv[++i];
    bool ok = true;
    if (flag == "--data") {
      o.data = value;
    } else if (flag == "--mode") {
      o.mode = value;
      ok = value == "generate" || value == "copy" || value == "idle";
    } else if (flag == "--school-id") {
      o.school_id = value;
    } else if (flag == "--seed") {
      ok = parse_number(value, &o.seed);
    } else if (flag == "--weeks") {
      ok = parse_number(value, &o.weeks) && o.weeks > 0;
    } else if (flag == "--start-date") {
      o.start_date = value;
    } else if (flag == "--source") {
      o.source = value;
    } else if (flag == "--copy-base") {
      ok = parse_number(value, &o.copy_base);
    } else if (flag == "--pause-us") {
      ok = parse_number(value, &o.pause_us) && o.pause_us >= 0;
    } else if (flag == "--batch") {
      ok = parse_number(value, &o.batch) && o.batch > 0;
    } else if (flag == "--live-buffer") {
      ok = parse_number(value, &o.live_buffer);
    } else if (flag == "--max-seconds") {
      ok = parse_number(value, &o.max_seconds) && o.max_seconds > 0;
    } else {
      die(2, "unknown flag " + std::string(flag));
    }
    if (!ok) die(2, "bad value for " + std::string(flag) + ": " + std::string(value));
  }
  if (o.data.empty() || o.mode.empty()) die(2, "--data DIR and --mode MODE are required");
  if (o.mode == "copy" && o.source.empty()) die(2, "--mode copy needs --source DIR");
  return o;
}

// Appends the source log's events after what the target already holds, one
// source command per append (split where a command returns to a stream it
// left, which the log does not accept within one append).
class Copier {
 public:
  Copier(events::EventLog* source, events::EventLog* target, uint64_t base, int pause_us,
         std::atomic<int64_t>* clock_us)
      : source_(source), target_(target), base_(base), pause_us_(pause_us), clock_us_(clock_us) {}

  void run() {
    const uint64_t head = target_->head_position();
    if (head < base_) die(4, "the log's head " + std::to_string(head) + " is below --copy-base");
    uint64_t next = head - base_ + 1;  // the next source position to copy
    for (;;) {
      auto chunk = source_->read_all(next, kChunk);
      if (!chunk) die(4, "source read failed: " + chunk.error().to_string());
      if (chunk->empty()) return;
      const std::vector<events::RecordedEvent>& ev = *chunk;
      size_t end = ev.size();
      if (ev.size() == kChunk) {  // the last command may go on in the next chunk
        while (end > 0 && ev[end - 1].command_id == ev.back().command_id) --end;
        if (end == 0) {
          die(4, "a source command holds more than " + std::to_string(kChunk) + " events");
        }
      }
      for (size_t i = 0; i < end;) {
        size_t j = i;
        while (j < end && ev[j].command_id == ev[i].command_id) ++j;
        copy_command(ev, i, j);
        i = j;
      }
      next = ev[end - 1].position + 1;
    }
  }

 private:
  static constexpr size_t kChunk = 16384;

  // Events [from, to) of one source command.
  void copy_command(const std::vector<events::RecordedEvent>& ev, size_t from, size_t to) {
    std::vector<events::StreamAppend> streams;
    size_t first = from;
    for (size_t i = from; i < to; ++i) {
      const events::RecordedEvent& e = ev[i];
      if (streams.empty() || streams.back().stream != e.stream) {
        for (const events::StreamAppend& s : streams) {
          if (s.stream == e.stream) {  // back to an earlier stream: a new append
            append(std::move(streams), ev[first]);
            streams.clear();
            first = i;
            break;
          }
        }
        streams.push_back({e.stream, events::ExpectedVersion::any(), {}});
      }
      streams.back().events.push_back({e.type, e.payload});
    }
    append(std::move(streams), ev[first]);
  }

  void append(std::vector<events::StreamAppend> streams, const events::RecordedEvent& first) {
    events::CommandContext ctx;
    ctx.command_id = "copy-" + std::to_string(first.position);
    ctx.actor = first.actor;
    ctx.correlation_id = first.correlation_id;
    ctx.causation_id = first.causation_id;
    clock_us_->store(first.recorded_at_us);
    auto r = target_->append(std::move(streams), ctx);
    if (!r) {
      die(4, "append of source position " + std::to_string(first.position) +
                 " failed: " + r.error().to_string());
    }
    if (r->duplicate || r->first_position != first.position + base_) {
      die(4, "source position " + std::to_string(first.position) + " landed at " +
                 std::to_string(r->first_position) + (r->duplicate ? " (duplicate)" : ""));
    }
    if (pause_us_ > 0) std::this_thread::sleep_for(std::chrono::microseconds(pause_us_));
  }

  events::EventLog* source_;
  events::EventLog* target_;
  uint64_t base_;
  int pause_us_;
  std::atomic<int64_t>* clock_us_;
};

int run(const Options& o) {
  const Clock::time_point deadline = Clock::now() + std::chrono::seconds(o.max_seconds);
  auto logger =
      std::make_shared<spdlog::logger>("child", std::make_shared<spdlog::sinks::stderr_sink_mt>());
  std::atomic<int64_t> now_us{0};

  events::LogOptions lo;
  lo.path = o.data + "/log";
  // Buffered: the WAL reaches the OS before an append is acknowledged, which
  // survives SIGKILL (not power loss); the test is about the views.
  lo.durability = events::Durability::kBuffered;
  lo.clock_us = [&now_us] { return now_us.load(); };
  lo.logger = logger;
  if (o.live_buffer > 0) lo.live_buffer_events = o.live_buffer;
  auto log = events::open_event_log(lo);
  if (!log) die(3, "open log " + lo.path + ": " + log.error().to_string());
  std::unique_ptr<events::EventLog> source;  // copy: opened first, so copying starts at LIVE
  if (o.mode == "copy") {
    events::LogOptions so;
    so.path = o.source;
    so.create_if_missing = false;
    so.logger = logger;
    auto opened = events::open_event_log(so);
    if (!opened) die(3, "open source " + o.source + ": " + opened.error().to_string());
    source = std::move(*opened);
  }
  auto store = events::KvStore::open({o.data + "/views", false, true});
  if (!store) die(3, "open views: " + store.error().to_string());
  auto engine = projections::ProjectionEngine::open({log->get(), store->get(), logger, o.batch},
                                                    audited(projections::standard_projections()));
  if (!engine) die(3, "open engine: " + engine.error().to_string());
  projections::ProjectionEngine& e = **engine;
  write_line("OPEN " + std::to_string((*log)->head_position()) + " " +
             std::to_string(e.position()));

  if (events::Status st = e.catch_up(); !st.is_ok()) die(3, "catch_up: " + st.to_string());
  e.start();
  write_line("LIVE " + std::to_string(e.position()));

  std::thread rebuilder;
  if (o.rebuild) {
    rebuilder = std::thread([&e] {
      for (;;) {
        for (const projections::ProjectionStatus& s : e.status()) {
          write_line("REBUILD " + s.name);
          if (events::Status st = e.rebuild(s.name); !st.is_ok()) {
            die(7, "rebuild " + s.name + ": " + st.to_string());
          }
          write_line("REBUILT " + s.name);
        }
      }
    });
  }

  if (o.mode == "generate") {
    commands::JournalOptions jo;
    jo.log = log->get();
    jo.clock_us = [&now_us] { return now_us.load(); };
    jo.logger = logger;
    auto journal = commands::Journal::open(jo);
    if (!journal) die(3, "open journal: " + journal.error().to_string());
    demo::DemoOptions d;
    d.school_id = o.school_id;
    d.seed = o.seed;
    d.weeks = o.weeks;
    d.start_date = o.start_date;
    events::EventLog* l = log->get();
    auto summary = demo::generate_demo(
        **journal, [&now_us](int64_t t) { now_us = t; }, d,
        [l](const demo::DemoProgress& p) {
          write_line("DAY " + std::to_string(p.day) + " " + std::to_string(p.days) + " " +
                     std::to_string(l->head_position()));
        });
    if (!summary) die(4, "generate_demo: " + summary.error().to_string());
  } else if (o.mode == "copy") {
    Copier(source.get(), log->get(), o.copy_base, o.pause_us, &now_us).run();
  }

  const uint64_t head = (*log)->head_position();
  while (!e.wait_position(head, std::chrono::seconds(1))) {
    if (Clock::now() > deadline) die(6, "--max-seconds passed before the views reached the head");
  }
  write_line("DONE " + std::to_string(head));
  while (Clock::now() < deadline) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  die(6, "--max-seconds passed without being killed");
}

}  // namespace
}  // namespace zhurnal::projections_crash

int main(int argc, char** argv) {
  return zhurnal::projections_crash::run(zhurnal::projections_crash::parse_options(argc, argv));
}
