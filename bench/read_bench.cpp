#include "read_bench.hpp"

#include <rocksdb/iterator.h>

#include <array>
#include <cstdio>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "bench_support.hpp"
#include "internal/codec.hpp"
#include "internal/keys.hpp"
#include "raw_db.hpp"
#include "zhurnal/events/event_log.hpp"

namespace zhurnal::bench {
namespace {

namespace ev = zhurnal::events;

constexpr uint64_t kFillChunk = 1'000;  // events per append while filling
constexpr int kFillThreads = 2;
constexpr uint64_t kFillStreams = 1'000;
constexpr double kReadGoal = 0.6;  // the goal: zhurnal / raw

// What one reader saw. `digest` folds every event's position, stream version
// and payload size, so that the readers can be checked against each other.
struct ReadResult {
  uint64_t events = 0;
  uint64_t digest = 0;
  double seconds = 0;
  double cpu_seconds = 0;  // CPU time of the reading thread: robust to a busy machine
};

void add_event(ReadResult* r, const ev::RecordedEvent& e) {
  r->digest =
      (r->digest ^ (e.position * 31 + e.stream_version * 7 + e.payload.size())) * 1099511628211ULL;
  ++r->events;
}

std::unique_ptr<ev::EventLog> open_log(const std::string& path, bool create) {
  ev::LogOptions options;
  options.path = path;
  options.durability = ev::Durability::kBuffered;
  options.create_if_missing = create;
  auto opened = ev::open_event_log(std::move(options));
  if (!opened) throw std::runtime_error("open event log: " + opened.error().to_string());
  return std::move(*opened);
}

// Appends `events` events to a new log at `path` in appends of kFillChunk
// events spread over kFillStreams streams. Returns the wall seconds.
double fill_log(const std::string& path, uint64_t events, const std::string& payload) {
  std::unique_ptr<ev::EventLog> log = open_log(path, true);
  const uint64_t chunks = (events + kFillChunk - 1) / kFillChunk;
  const uint64_t per_thread = (chunks + kFillThreads - 1) / kFillThreads;
  const double seconds = run_on_threads(kFillThreads, per_thread, [&](int t, uint64_t i) {
    const uint64_t chunk = i * kFillThreads + t;
    if (chunk >= chunks) return;
    const uint64_t n = std::min(kFillChunk, events - chunk * kFillChunk);
    std::vector<ev::EventData> batch(n, ev::EventData{kEventType, payload});
    ev::CommandContext context;
    context.command_id = uuid_like(t, chunk);
    context.actor = teacher_id(t);
    context.correlation_id = context.command_id;
    auto r = log->append(lesson_stream(static_cast<uint32_t>(chunk % kFillStreams)),
                         ev::ExpectedVersion::any(), std::move(batch), std::move(context));
    if (!r) throw std::runtime_error("fill append: " + r.error().to_string());
  });
  const uint64_t written = log->stats().events;
  log->close();
  if (written != events) {
    throw std::runtime_error("filled " + std::to_string(written) + " events, not " +
                             std::to_string(events));
  }
  return seconds;
}

// `reuse`: one batch vector passed to read_all(from, max, &batch) again and
// again, as replay and catch-up do; otherwise a new vector per call.
ReadResult read_with_log(const std::string& path, size_t batch, bool reuse) {
  std::unique_ptr<ev::EventLog> log = open_log(path, false);
  ReadResult r;
  const double cpu_start = thread_cpu_seconds();
  Stopwatch clock;
  std::vector<ev::RecordedEvent> events;
  for (uint64_t from = 1;;) {
    if (reuse) {
      if (ev::Status s = log->read_all(from, batch, &events); !s.is_ok()) {
        throw std::runtime_error("read_all: " + s.to_string());
      }
    } else {
      auto got = log->read_all(from, batch);
      if (!got) throw std::runtime_error("read_all: " + got.error().to_string());
      events = std::move(*got);
    }
    if (events.empty()) break;
    for (const ev::RecordedEvent& e : events) add_event(&r, e);
    from = events.back().position + 1;
  }
  r.seconds = clock.seconds();
  r.cpu_seconds = thread_cpu_seconds() - cpu_start;
  log->close();
  return r;
}

// How the raw reader decodes: into one RecordedEvent reused for every value
// (the baseline: the least a reader must do), or into a new one per value
// (shows what allocating the decoded strings costs).
enum class Decode { kReuse, kFresh };

// One iterator over the log column family, each value decoded with the
// log's own decode and checked for a gap as read_all does.
ReadResult read_raw(const std::string& path, Decode decode) {
  RawMultiCfDb db(path);
  rocksdb::ReadOptions options;
  options.readahead_size = 2 << 20;  // as RocksStore::scan_log
  ReadResult r;
  ev::RecordedEvent reused;
  const double cpu_start = thread_cpu_seconds();
  Stopwatch clock;
  std::unique_ptr<rocksdb::Iterator> it(db.db()->NewIterator(options, db.cf(ev::internal::kLogCf)));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    ev::RecordedEvent fresh;
    ev::RecordedEvent& e = decode == Decode::kReuse ? reused : fresh;
    const rocksdb::Slice v = it->value();
    ev::Status s = ev::internal::decode_stored_event({v.data(), v.size()}, &e);
    if (!s.is_ok()) throw std::runtime_error("decode: " + s.to_string());
    if (e.position != r.events + 1) {
      throw std::runtime_error("gap in the log at position " + std::to_string(r.events + 1));
    }
    add_event(&r, e);
  }
  check(it->status(), "iterate log");
  r.seconds = clock.seconds();
  r.cpu_seconds = thread_cpu_seconds() - cpu_start;
  return r;
}

}  // namespace

void run_read_bench(const ReadBenchOptions& options, std::ostream& out) {
  if (options.rounds < 1) throw std::runtime_error("--rounds must be at least 1");
  if (options.events < 1 || options.batch < 1) {
    throw std::runtime_error("--events and --batch must be positive");
  }
  ScratchDir scratch(scratch_parent(options.dir), "zhurnal-bench-read");
  const std::string path = (scratch.path() / "log").string();
  const std::string payload = make_payload(kPayloadBytes);
  out << "zhurnal-bench read\n"
      << "machine: " << machine_summary() << "\n"
      << "scratch: " << scratch.path().string() << ", load average " << load_average() << "\n"
      << "payload " << kPayloadBytes << " B, read_all batch " << options.batch << "\n"
      << std::endl;

  const double fill_seconds = fill_log(path, options.events, payload);
  out << "filled " << thousands(options.events) << " events in " << fill_seconds << " s ("
      << thousands(options.events / fill_seconds) << " ev/s, kBuffered, " << kFillChunk
      << "-event appends)" << std::endl;
  {
    Stopwatch clock;
    RawMultiCfDb db(path);
    db.compact_all();
    out << "compacted in " << clock.seconds() << " s" << std::endl;
  }

  struct Reader {
    const char* name;
    std::function<ReadResult()> run;
  };
  const std::array<Reader, 4> readers{{
      {"zhurnal", [&] { return read_with_log(path, options.batch, true); }},
      {"raw", [&] { return read_raw(path, Decode::kReuse); }},
      {"raw-fresh", [&] { return read_raw(path, Decode::kFresh); }},
      {"zhurnal-fresh", [&] { return read_with_log(path, options.batch, false); }},
  }};
  std::array<std::vector<double>, readers.size()> rates, cpu_us;
  std::optional<uint64_t> digest;
  for (int round = 0; round < options.rounds; ++round) {
    for (size_t k = 0; k < readers.size(); ++k) {
      const size_t r = (k + round) % readers.size();  // rotate which reader goes first
      const ReadResult result = readers[r].run();
      if (result.events != options.events || (digest && *digest != result.digest)) {
        throw std::runtime_error(std::string(readers[r].name) + " read " +
                                 std::to_string(result.events) + " events, or other ones");
      }
      digest = result.digest;
      rates[r].push_back(result.events / result.seconds);
      cpu_us[r].push_back(result.cpu_seconds * 1e6 / result.events);
      char line[128];
      std::snprintf(line, sizeof line, "  round %d/%d  %-13s %7.2f s  %10s ev/s  CPU %.2f us/ev\n",
                    round + 1, options.rounds, readers[r].name, result.seconds,
                    thousands(rates[r].back()).c_str(), cpu_us[r].back());
      out << line << std::flush;
    }
  }

  auto fixed = [](double v) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%.2f", v);
    return std::string(buf);
  };
  out << "\nMedian of " << options.rounds << " round(s):\n\n"
      << "| reader | events/s | ratio zhurnal / this | CPU us/event | CPU ratio this / zhurnal |\n"
      << "|---|---:|---:|---:|---:|\n";
  const double zhurnal = median(rates[0]);
  const double zhurnal_cpu = median(cpu_us[0]);
  for (size_t r = 0; r < readers.size(); ++r) {
    const double rate = median(rates[r]);
    const double cpu = median(cpu_us[r]);
    out << "| " << readers[r].name << " | " << thousands(rate) << " | " << fixed(zhurnal / rate)
        << " | " << fixed(cpu) << " | " << fixed(cpu / zhurnal_cpu) << " |\n";
  }
  const double ratio = zhurnal / median(rates[1]);
  out << "\n"
      << thousands(options.events) << " events; zhurnal = read_all into one reused batch; "
      << "raw = one iterator, decode into a reused RecordedEvent; raw-fresh = a new "
      << "RecordedEvent per value; zhurnal-fresh = read_all returning a new batch\n"
      << "goal: zhurnal >= " << fixed(kReadGoal)
      << " x raw: " << (ratio >= kReadGoal ? "met" : "MISSED") << " (" << fixed(ratio) << ")\n"
      << std::endl;
}

}  // namespace zhurnal::bench
