// Kill during projection; after restart, the projections equal a
// from-scratch rebuild, byte for byte (issue "Read models").
//
// A child process (projection_crash_child.cpp) opens the event log and the
// view store in one data directory, runs the standard projections (catch-up,
// then live) while it appends journal events, and is killed with SIGKILL at a
// random moment. All cycles share the data directory: each child reopens what
// its killed predecessor left. After each kill the test copies the directory,
// opens log, store and engine over the copy, catches up, and checks that
//   - no checkpoint was ahead of the log before the catch-up, and every
//     checkpoint equals the log head after it;
//   - the store holds only the meta rows and the active generations (an
//     interrupted rebuild or a replaced generation left nothing behind);
//   - each projection applied every position from 1 to the head exactly
//     once, in order (the children and the audit run the projections
//     wrapped in an ApplyAudit, which counts in the projection's own rows);
//   - every projection's live rows equal a from-scratch rebuild, byte for
//     byte (ProjectionEngine::rebuild_and_compare);
//   - the child logged no error or warning (the engine logs a batch it could
//     not commit, e.g. a gap in positions, and retries it).
// The child's engine commits 2048, 100 or 1 events at a time and its log may
// keep a live ring of only 300 events, so that commit boundaries differ from
// the rebuild's and the engine falls out of the ring into storage reads.
//
// The cycles:
//   0      the child writes a demo school (sch1) through a commands::Journal
//          while the engine follows live; the kill lands in a random school
//          day of the generator.
//   1..    a demo school cannot be continued once half-written, and a second
//          one cannot be generated into the same log (the generator's logins
//          are unique per run only: the journal refuses them as taken), so
//          the test generates a second school (sch2) into a source log of its
//          own once, and the children append its events to the shared log
//          (command by command, position p of the source at p + base), each
//          child resuming after the log's head. Independently, a cycle may
//          wipe the view store first (the catch-up starts from zero, the kill
//          lands during it) and may run full rebuilds in a loop (the kill
//          lands during a rebuild or its swap). Once the source is used up,
//          every cycle wipes or rebuilds.
//
// Environment:
//   ZHURNAL_PCRASH_CYCLES  number of kill cycles (default 6)
//   ZHURNAL_PCRASH_SEED    reproduces the plan of a run (cycle kinds, kill
//                          delays); the seed in use is printed at the start.
//                          Where a kill lands still depends on the machine.
//   ZHURNAL_PCRASH_WEEKS   weeks of lessons of each demo school (default 2)
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "apply_audit.hpp"
#include "child_line.hpp"
#include "crash/child_process.hpp"
#include "support/env.hpp"
#include "support/temp_dir.hpp"
#include "view_audit.hpp"
#include "zhurnal/commands/journal.hpp"
#include "zhurnal/demo/generator.hpp"
#include "zhurnal/events/event_log.hpp"
#include "zhurnal/events/kv_store.hpp"
#include "zhurnal/projections/engine.hpp"
#include "zhurnal/projections/views.hpp"

namespace zhurnal::projections_crash {
namespace {

using crash::ChildProcess;
using crash::describe_wait_status;
using Clock = ChildProcess::Clock;
using ReadStatus = ChildProcess::ReadStatus;
using std::chrono::milliseconds;

constexpr int kDefaultCycles = 6;
constexpr int kDefaultWeeks = 2;
constexpr char kFirstSchool[] = "sch1";
constexpr char kSecondSchool[] = "sch2";
// The first school starts on 2026-09-01 (the generator's default); the second
// after the first's two weeks (with more weeks they overlap, and the log,
// whose recorded times never go backwards, records the second school's early
// commands at the first school's latest time: harmless for this test).
constexpr char kSecondStart[] = "2026-09-21";
constexpr int kSetupDays = 8;  // the generator's setup days before the first lesson day
// Kill moments: in the generate cycle, a random ms into a random school day
// (a two-week school takes about 1.5 s); otherwise a random delay after the
// child's OPEN line (a catch-up from zero of 25,000 events takes about half a
// second, a copy of them a few seconds), or, every fourth cycle, after the
// spawn, so that the kill may land while RocksDB recovers the previous kill
// or while the engine's open drops stale generations.
constexpr int kMaxDayOffsetMs = 100;
constexpr int kMaxKillDelayMs = 1500;
constexpr int kMaxWipeKillDelayMs = 700;      // within a catch-up from zero
constexpr int kMaxRebuildKillDelayMs = 3000;  // a rebuild takes 0.3-1 s
constexpr int kMaxSpawnKillDelayMs = 900;
constexpr uint64_t kFromSpawnEvery = 4;                  // cycles 3, 7, 11, ...
constexpr int kPausesUs[] = {0, 250, 1000, 1000, 2000};  // the copier's pause after each append
// The engine's events per commit and the log's live ring, varied so that
// commit boundaries differ from the rebuild's and the engine falls out of the
// ring (the subscription's hand-over from live to storage reads).
constexpr size_t kBatches[] = {2048, 2048, 100, 1};
constexpr size_t kLiveBuffers[] = {0, 0, 300};  // 0: the log's default (65,536)
constexpr int kMaxAfterDoneMs = 50;
constexpr auto kLineTimeout = std::chrono::seconds(120);  // the child's next line
constexpr auto kExitTimeout = std::chrono::seconds(10);   // the child dies after SIGKILL

using zhurnal::testing::env_u64;

long long ms(Clock::duration d) {
  return static_cast<long long>(std::chrono::duration_cast<milliseconds>(d).count());
}

struct CyclePlan {
  std::string mode;         // "generate" or "copy"
  bool wipe = false;        // the view store is deleted before the spawn
  bool rebuild = false;     // the child rebuilds every projection in a loop
  int pause_us = 0;         // copy: the pause after each append
  size_t batch = 2048;      // the child engine's events per commit
  size_t live_buffer = 0;   // the child log's live ring (0: default)
  int kill_day = 0;         // generate: the kill lands in this school day (1-based)
  bool from_spawn = false;  // the delay counts from the spawn, not from OPEN
  milliseconds delay{0};    // after OPEN or the spawn, or into kill_day
  std::string describe() const {
    std::string s = mode + (wipe ? "+wipe" : "") + (rebuild ? "+rebuild" : "");
    s += " (batch " + std::to_string(batch);
    if (live_buffer) s += ", live ring " + std::to_string(live_buffer);
    if (mode == "copy") s += ", pause " + std::to_string(pause_us) + " us";
    s += ")";
    s += ", kill " + std::to_string(delay.count()) + " ms ";
    if (kill_day) return s + "into day " + std::to_string(kill_day);
    return s + (from_spawn ? "after the spawn" : "after OPEN");
  }
};

// What the child reported before it died.
struct CycleOutcome {
  bool open = false, live = false, done = false;
  bool rebuilding = false;  // a rebuild was running
  uint64_t open_head = 0;   // log head as the child opened it
  int day = 0;              // generate: the last school day finished
  uint64_t rebuilds = 0;    // rebuilds the child finished (swapped)
  const char* phase() const {
    if (!open) return "opening";
    if (!live) return "catch-up";
    if (rebuilding) return done ? "rebuild (views at head)" : "rebuild while live";
    return done ? "done" : "live";
  }
};

struct Totals {
  std::map<std::string, uint64_t> kills;  // by phase
  uint64_t wipes = 0, rebuild_cycles = 0, rebuilds = 0;
  uint64_t behind = 0, lag_sum = 0, lag_max = 0;  // views behind the log after a kill
  uint64_t rows = 0, bytes = 0;                   // compared in the last audit
  Clock::duration audit_time{};
  Clock::duration source_time{};
};

class ProjectionCrashTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::optional<uint64_t> cycles = env_u64("ZHURNAL_PCRASH_CYCLES", kDefaultCycles);
    ASSERT_TRUE(cycles && *cycles > 0) << "ZHURNAL_PCRASH_CYCLES must be a positive integer";
    cycles_ = *cycles;
    const std::optional<uint64_t> weeks = env_u64("ZHURNAL_PCRASH_WEEKS", kDefaultWeeks);
    ASSERT_TRUE(weeks && *weeks > 0 && *weeks <= 8) << "ZHURNAL_PCRASH_WEEKS must be 1..8";
    weeks_ = static_cast<int>(*weeks);
    const std::optional<uint64_t> seed = env_u64("ZHURNAL_PCRASH_SEED", std::random_device()());
    ASSERT_TRUE(seed) << "ZHURNAL_PCRASH_SEED must be a decimal integer";
    seed_ = *seed;
    rng_.seed(seed_);
    std::printf(
        "[ pcrash   ] ZHURNAL_PCRASH_SEED=%llu ZHURNAL_PCRASH_CYCLES=%llu "
        "ZHURNAL_PCRASH_WEEKS=%d data=%s\n",
        static_cast<unsigned long long>(seed_), static_cast<unsigned long long>(cycles_), weeks_,
        data_.str().c_str());
    std::fflush(stdout);
  }

  // A failed run keeps a copy of the data directory for a post-mortem.
  void TearDown() override {
    if (!HasFailure()) return;
    const std::filesystem::path keep =
        std::filesystem::temp_directory_path() / ("zhurnal-pcrash-" + std::to_string(seed_));
    std::error_code ec;
    std::filesystem::remove_all(keep, ec);
    std::filesystem::copy(data_.path(), keep, std::filesystem::copy_options::recursive, ec);
    std::printf("[ pcrash   ] the data directory is kept in %s%s\n", keep.string().c_str(),
                ec ? (" (copy failed: " + ec.message() + ")").c_str() : "");
  }

  int pick(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  bool one_in(int n) { return pick(1, n) == 1; }

  CyclePlan plan(uint64_t cycle);
  void make_source();
  void run_child(const CyclePlan& plan, CycleOutcome* out);
  void take_line(const std::string& line, CycleOutcome* out);
  void audit(uint64_t cycle, const CyclePlan& plan, const CycleOutcome& outcome);
  void check_copied(events::EventLog& log, uint64_t from, uint64_t to);
  void print_totals(Clock::duration elapsed) const;

  uint64_t cycles_ = kDefaultCycles;
  int weeks_ = kDefaultWeeks;
  uint64_t seed_ = 0;
  std::mt19937_64 rng_;
  testing::TempDir data_;     // log/ and views/, shared by every cycle
  testing::TempDir scratch_;  // the child's stderr, the source log, audit copies
  std::string source_;        // the second school's log (empty until made)
  uint64_t source_head_ = 0;
  uint64_t copy_base_ = 0;  // the shared log's head when copying began
  uint64_t last_head_ = 0;  // the shared log's head after the previous audit
  Totals totals_;
};

CyclePlan ProjectionCrashTest::plan(uint64_t cycle) {
  CyclePlan p;
  p.batch = kBatches[pick(0, static_cast<int>(std::size(kBatches)) - 1)];
  p.live_buffer = kLiveBuffers[pick(0, static_cast<int>(std::size(kLiveBuffers)) - 1)];
  if (cycle == 0) {
    p.mode = "generate";
    p.kill_day = pick(1, kSetupDays + 7 * weeks_);
    p.delay = milliseconds(pick(0, kMaxDayOffsetMs));
    return p;
  }
  p.mode = "copy";
  if (last_head_ - copy_base_ < source_head_) {  // some of the source is left
    p.wipe = one_in(4);
    p.rebuild = one_in(3);
  } else {
    p.wipe = one_in(2);
    p.rebuild = !p.wipe || one_in(3);
  }
  p.pause_us = kPausesUs[pick(0, static_cast<int>(std::size(kPausesUs)) - 1)];
  p.from_spawn = cycle % kFromSpawnEvery == kFromSpawnEvery - 1;
  const int max_delay = p.from_spawn ? kMaxSpawnKillDelayMs
                        : p.wipe     ? kMaxWipeKillDelayMs
                        : p.rebuild  ? kMaxRebuildKillDelayMs
                                     : kMaxKillDelayMs;
  p.delay = milliseconds(pick(0, max_delay));
  return p;
}

// The second school, written once through a Journal into a log of its own.
void ProjectionCrashTest::make_source() {
  const Clock::time_point start = Clock::now();
  source_ = (scratch_.path() / "source").string();
  std::atomic<int64_t> now{0};
  events::LogOptions lo;
  lo.path = source_;
  lo.durability = events::Durability::kBuffered;
  lo.clock_us = [&now] { return now.load(); };
  auto log = events::open_event_log(lo);
  ASSERT_TRUE(log) << log.error().to_string();
  commands::JournalOptions jo;
  jo.log = log->get();
  jo.clock_us = [&now] { return now.load(); };
  auto journal = commands::Journal::open(jo);
  ASSERT_TRUE(journal) << journal.error().to_string();
  demo::DemoOptions o;
  o.school_id = kSecondSchool;
  o.seed = 2;
  o.weeks = weeks_;
  o.start_date = kSecondStart;
  auto summary = demo::generate_demo(
      **journal, [&now](int64_t t) { now = t; }, o);
  ASSERT_TRUE(summary) << summary.error().to_string();
  source_head_ = (*log)->head_position();
  journal->reset();
  (*log)->close();
  totals_.source_time = Clock::now() - start;
  std::printf("[ pcrash   ] source school %s: %llu events in %lld ms\n", kSecondSchool,
              static_cast<unsigned long long>(source_head_), ms(totals_.source_time));
  std::fflush(stdout);
}

// Kills the child if it still runs and describes how it ended, with its
// stderr, for a failure message.
std::string child_failure(ChildProcess& child, const std::string& what) {
  child.kill_now();
  std::optional<int> status = child.wait_exit(Clock::now() + kExitTimeout);
  return what + "; the child " +
         (status ? describe_wait_status(*status) : std::string("did not exit")) +
         "; its stderr:\n" + child.stderr_text();
}

void ProjectionCrashTest::take_line(const std::string& line, CycleOutcome* out) {
  std::optional<ChildLine> l = parse_child_line(line);
  ASSERT_TRUE(l) << "malformed line from the child: '" << line << "'";
  if (l->kind == "OPEN") {
    std::optional<uint64_t> head = word_u64(*l, 0), position = word_u64(*l, 1);
    ASSERT_TRUE(head && position && !out->open) << line;
    EXPECT_EQ(*head, last_head_) << "the child opened a log with another head";
    EXPECT_LE(*position, *head) << "the views were ahead of the log";
    out->open = true;
    out->open_head = *head;
  } else if (l->kind == "LIVE") {
    ASSERT_TRUE(out->open && !out->live) << line;
    EXPECT_EQ(word_u64(*l, 0), out->open_head) << "catch_up stopped short of the head";
    out->live = true;
  } else if (l->kind == "DAY") {
    std::optional<uint64_t> day = word_u64(*l, 0);
    ASSERT_TRUE(day && word_u64(*l, 1) && out->live) << line;
    out->day = static_cast<int>(*day);
  } else if (l->kind == "REBUILD") {
    ASSERT_TRUE(out->live && !out->rebuilding) << line;
    out->rebuilding = true;
  } else if (l->kind == "REBUILT") {
    ASSERT_TRUE(out->rebuilding) << line;
    out->rebuilding = false;
    ++out->rebuilds;
  } else if (l->kind == "DONE") {
    ASSERT_TRUE(out->live && !out->done) << line;
    out->done = true;
  }
}

// Spawns the child over the shared data directory, kills it with SIGKILL at
// the planned moment (at once when it reports DONE, unless it rebuilds) and
// collects what it reported before dying.
void ProjectionCrashTest::run_child(const CyclePlan& plan, CycleOutcome* out) {
  std::vector<std::string> args = {"--data", data_.str(), "--mode", plan.mode};
  if (plan.mode == "generate") {
    args.insert(args.end(),
                {"--school-id", kFirstSchool, "--seed", "1", "--weeks", std::to_string(weeks_)});
  } else {
    args.insert(args.end(), {"--source", source_, "--copy-base", std::to_string(copy_base_),
                             "--pause-us", std::to_string(plan.pause_us)});
  }
  if (plan.rebuild) args.push_back("--rebuild");
  args.insert(args.end(), {"--batch", std::to_string(plan.batch)});
  if (plan.live_buffer)
    args.insert(args.end(), {"--live-buffer", std::to_string(plan.live_buffer)});
  auto spawned = ChildProcess::spawn(ZHURNAL_PROJECTION_CRASH_CHILD, args,
                                     (scratch_.path() / "child-stderr.txt").string());
  ASSERT_TRUE(spawned) << spawned.error();
  ChildProcess& child = **spawned;
  const Clock::time_point spawned_at = Clock::now();

  std::optional<Clock::time_point> kill_at;
  if (plan.from_spawn) kill_at = spawned_at + plan.delay;
  std::string line;
  for (;;) {
    const Clock::time_point wait_until = kill_at ? *kill_at : Clock::now() + kLineTimeout;
    const ReadStatus st = child.read_line(wait_until, &line);
    if (st == ReadStatus::kTimeout && kill_at) break;
    ASSERT_EQ(st, ReadStatus::kLine)
        << child_failure(child, st == ReadStatus::kEof ? "the child ended before the kill"
                                                       : "no line from the child for 120 s");
    ASSERT_NO_FATAL_FAILURE(take_line(line, out)) << child_failure(child, "bad line");
    if (!kill_at) {
      const bool due = plan.kill_day > 0 ? out->live && out->day == plan.kill_day - 1 : out->open;
      if (due) kill_at = Clock::now() + plan.delay;
    }
    if (out->done && !plan.rebuild) {  // nothing left to interrupt
      const Clock::time_point soon = Clock::now() + milliseconds(pick(0, kMaxAfterDoneMs));
      if (!kill_at || soon < *kill_at) kill_at = soon;
    }
  }
  child.kill_now();

  // Lines written before death tell the phase the kill landed in.
  const Clock::time_point drain_by = Clock::now() + kExitTimeout;
  ReadStatus st;
  while ((st = child.read_line(drain_by, &line)) == ReadStatus::kLine) {
    ASSERT_NO_FATAL_FAILURE(take_line(line, out));
  }
  ASSERT_EQ(st, ReadStatus::kEof) << child_failure(child, "stdout did not close after SIGKILL");
  std::optional<int> status = child.wait_exit(drain_by);
  ASSERT_TRUE(status) << "the child did not exit within 10 s of SIGKILL";
  ASSERT_TRUE(WIFSIGNALED(*status) && WTERMSIG(*status) == SIGKILL)
      << child_failure(child, "the child was not ended by our SIGKILL");
  // The engine logs a batch it could not commit (a gap in positions, a store
  // error) and retries: none is expected.
  const std::string problems = child.stderr_text();
  EXPECT_TRUE(problems.find("[error]") == std::string::npos &&
              problems.find("[warning]") == std::string::npos)
      << "the child logged problems:\n"
      << problems;
}

// Source and copy hold the same events at positions p and p + copy_base_.
void ProjectionCrashTest::check_copied(events::EventLog& log, uint64_t from, uint64_t to) {
  events::LogOptions so;
  so.path = source_;
  so.create_if_missing = false;
  auto source = events::open_event_log(so);
  ASSERT_TRUE(source) << source.error().to_string();
  for (uint64_t p = from; p <= to;) {
    auto a = log.read_all(p, 4096);
    auto b = (*source)->read_all(p - copy_base_, 4096);
    ASSERT_TRUE(a && b);
    ASSERT_FALSE(a->empty());
    for (size_t i = 0; i < a->size() && p <= to; ++i, ++p) {
      ASSERT_LT(i, b->size()) << "the log holds more than the source at " << p;
      const events::RecordedEvent& x = (*a)[i];
      const events::RecordedEvent& y = (*b)[i];
      ASSERT_TRUE(x.stream == y.stream && x.type == y.type && x.payload == y.payload &&
                  x.actor == y.actor)
          << "position " << p << " is not source position " << p - copy_base_;
    }
  }
}

// Opens a copy of the data directory as a restarted server would, catches
// up, and compares every projection with a rebuild.
void ProjectionCrashTest::audit(uint64_t cycle, const CyclePlan& plan,
                                const CycleOutcome& outcome) {
  const Clock::time_point start = Clock::now();
  const std::filesystem::path copy = scratch_.path() / "audit";
  std::filesystem::remove_all(copy);
  std::filesystem::copy(data_.path(), copy, std::filesystem::copy_options::recursive);

  events::LogOptions lo;
  lo.path = (copy / "log").string();
  lo.create_if_missing = false;
  auto log = events::open_event_log(lo);
  ASSERT_TRUE(log) << "reopen the log after SIGKILL: " << log.error().to_string();
  const uint64_t head = (*log)->head_position();
  EXPECT_GE(head, last_head_) << "the log shrank";
  if (cycle > 0 && head > last_head_) {
    ASSERT_NO_FATAL_FAILURE(check_copied(**log, std::max(last_head_ + 1, copy_base_ + 1), head));
  }
  auto store = events::KvStore::open({(copy / "views").string(), false, true});
  ASSERT_TRUE(store) << "reopen the views after SIGKILL: " << store.error().to_string();
  auto engine = projections::ProjectionEngine::open({log->get(), store->get(), nullptr, 2048},
                                                    audited(projections::standard_projections()));
  ASSERT_TRUE(engine) << (*engine ? "" : engine.error().to_string());
  projections::ProjectionEngine& e = **engine;

  // As the kill left them: never ahead of the log, and nothing but the
  // active generations once the engine has opened the store.
  uint64_t lag = 0;
  for (const projections::ProjectionStatus& s : e.status()) {
    EXPECT_LE(s.checkpoint, head) << s.name << " is ahead of the log";
    lag = std::max(lag, s.lag);
  }
  totals_.behind += lag > 0;
  totals_.lag_sum += lag;
  totals_.lag_max = std::max(totals_.lag_max, lag);
  EXPECT_EQ(stray_keys(e, **store), std::vector<std::string>{})
      << "rows of another generation survived the reopen";

  events::Status st = e.catch_up();
  ASSERT_TRUE(st.is_ok()) << "catch_up after SIGKILL: " << st.to_string();
  EXPECT_EQ(e.position(), head);
  for (const projections::ProjectionStatus& s : e.status()) {
    EXPECT_EQ(s.checkpoint, head) << s.name << " did not reach the log head";
    auto applied = read_applied(**store, e.active_prefix(s.name));
    ASSERT_TRUE(applied) << applied.error().to_string();
    EXPECT_FALSE(applied->violation.has_value())
        << s.name << " applied an event twice or skipped one: " << applied->violation.value_or("")
        << " (kill in phase '" << outcome.phase() << "', " << plan.describe() << ")";
    EXPECT_EQ(applied->count, head) << s.name << " applied another number of events";
    EXPECT_EQ(applied->last_position, head) << s.name;
  }

  std::vector<ProjectionComparison> compared;
  st = compare_with_rebuild(e, **store, &compared);
  ASSERT_TRUE(st.is_ok()) << "rebuild_and_compare: " << st.to_string();
  ASSERT_FALSE(compared.empty());
  totals_.rows = totals_.bytes = 0;
  for (const ProjectionComparison& c : compared) {
    EXPECT_TRUE(c.difference.empty())
        << "projection " << c.name << " (" << c.live_prefix << ") differs from its rebuild after "
        << "a kill in phase '" << outcome.phase() << "' (" << plan.describe() << "): live "
        << c.live_rows << " rows, rebuilt " << c.rebuilt_rows << " rows; first differences:\n"
        << c.difference;
    if (head > 0) {
      EXPECT_GT(c.live_rows, 0u) << c.name;
    }
    totals_.rows += c.live_rows;
    totals_.bytes += c.live_bytes;
  }
  EXPECT_EQ(stray_keys(e, **store), std::vector<std::string>{}) << "a compare left rows behind";

  engine->reset();
  store->reset();
  (*log)->close();
  log->reset();
  std::filesystem::remove_all(copy);
  last_head_ = head;
  totals_.audit_time += Clock::now() - start;
  std::printf("[ pcrash   ] cycle %llu: %s; killed in %s; views %llu behind; head %llu\n",
              static_cast<unsigned long long>(cycle), plan.describe().c_str(), outcome.phase(),
              static_cast<unsigned long long>(lag), static_cast<unsigned long long>(head));
  std::fflush(stdout);
}

void ProjectionCrashTest::print_totals(Clock::duration elapsed) const {
  auto u = [](uint64_t v) { return static_cast<unsigned long long>(v); };
  std::string phases;
  for (const auto& [phase, n] : totals_.kills) {
    phases += (phases.empty() ? "" : ", ") + phase + ": " + std::to_string(n);
  }
  std::printf(
      "[ pcrash   ] cycles=%llu kills by phase {%s} wipes=%llu rebuild_cycles=%llu "
      "rebuilds_swapped=%llu views_behind_after_kill=%llu (max %llu, total %llu events) "
      "events=%llu rows=%llu (%llu bytes) elapsed_ms=%lld audit_ms=%lld source_ms=%lld\n",
      u(cycles_), phases.c_str(), u(totals_.wipes), u(totals_.rebuild_cycles), u(totals_.rebuilds),
      u(totals_.behind), u(totals_.lag_max), u(totals_.lag_sum), u(last_head_), u(totals_.rows),
      u(totals_.bytes), ms(elapsed), ms(totals_.audit_time), ms(totals_.source_time));
  std::fflush(stdout);
}

TEST_F(ProjectionCrashTest, ViewsEqualARebuildAfterSigkill) {
  const Clock::time_point start = Clock::now();
  for (uint64_t c = 0; c < cycles_; ++c) {
    SCOPED_TRACE("cycle " + std::to_string(c) + " of seed " + std::to_string(seed_));
    if (c == 1) {
      copy_base_ = last_head_;
      ASSERT_NO_FATAL_FAILURE(make_source());
    }
    const CyclePlan p = plan(c);
    if (p.wipe) {
      std::filesystem::remove_all(data_.path() / "views");
      ++totals_.wipes;
    }
    totals_.rebuild_cycles += p.rebuild;
    CycleOutcome outcome;
    ASSERT_NO_FATAL_FAILURE(run_child(p, &outcome)) << p.describe();
    ++totals_.kills[outcome.phase()];
    totals_.rebuilds += outcome.rebuilds;
    ASSERT_NO_FATAL_FAILURE(audit(c, p, outcome));
  }
  print_totals(Clock::now() - start);
  EXPECT_GT(last_head_, 0u) << "nothing was written: the test proved nothing";
}

TEST(ProjectionCrashProtocolTest, ParsesChildLines) {
  auto open = parse_child_line("OPEN 120 7");
  ASSERT_TRUE(open);
  EXPECT_EQ(open->kind, "OPEN");
  EXPECT_EQ(word_u64(*open, 0), 120u);
  EXPECT_EQ(word_u64(*open, 1), 7u);
  EXPECT_EQ(word_u64(*open, 2), std::nullopt);
  auto rebuilt = parse_child_line("REBUILT journal");
  ASSERT_TRUE(rebuilt);
  EXPECT_EQ(rebuilt->words, std::vector<std::string>{"journal"});
  EXPECT_FALSE(parse_child_line("ACK x 1 2"));
  EXPECT_FALSE(parse_child_line("OPEN  1"));
  EXPECT_FALSE(parse_child_line(""));
}

}  // namespace
}  // namespace zhurnal::projections_crash
