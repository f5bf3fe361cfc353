// The durability proof of the event log. A child process (crash_child.cpp)
// appends from 8 threads with Durability::kSync and reports every
// acknowledged append on stdout; after a random delay it is killed with
// SIGKILL. The reopened log must then hold every acknowledged append where it
// was reported, contiguous positions from 1 to the head, a verified hash
// chain, only whole appends, and answer a retried command with its original
// receipt. All cycles share one data directory: the log accumulates and every
// restart recovers from the previous kill.
//
// Every fourth cycle counts the kill delay from the spawn instead of from the
// child's READY line, so that the kill may land while RocksDB is recovering
// the previous crash (WAL replay, flush, new MANIFEST) rather than appending.
//
// Environment:
//   ZHURNAL_CRASH_CYCLES  number of kill cycles (default 5)
//   ZHURNAL_CRASH_SEED    reproduces the kill delays and child run ids of a
//                         run; the seed in use is printed at the start
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "ack_line.hpp"
#include "child_process.hpp"
#include "crash_request.hpp"
#include "log_audit.hpp"
#include "support/env.hpp"
#include "support/temp_dir.hpp"
#include "zhurnal/events/event_log.hpp"

namespace zhurnal::crash {
namespace {

using Clock = ChildProcess::Clock;
using ReadStatus = ChildProcess::ReadStatus;
using std::chrono::milliseconds;

constexpr int kDefaultCycles = 5;
constexpr int kMinKillDelayMs = 10;
constexpr int kMaxKillDelayMs = 150;
constexpr uint64_t kKillDuringOpenEvery = 4;  // cycles 3, 7, 11, ...
constexpr char kChildThreads[] = "8";
constexpr auto kOpenTimeout = std::chrono::seconds(30);  // child: open the log, say READY
constexpr auto kExitTimeout = std::chrono::seconds(10);  // child: die after SIGKILL

using zhurnal::testing::env_u64;

std::string hex(uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

// What one child run left behind.
struct CycleOutcome {
  bool from_spawn = false;   // the delay counts from the spawn, not from READY
  milliseconds delay{0};     // until SIGKILL
  bool ready = false;        // the child said READY before it was killed
  uint64_t ready_head = 0;   // head_position() when the child opened the log
  std::vector<Ack> acks;     // acknowledged appends, in the order reported
  size_t partial_bytes = 0;  // a torn last line (ignored; never expected)
};

struct Totals {
  uint64_t kills = 0;
  uint64_t kills_before_ready = 0;  // killed while opening (recovering) the log
  uint64_t acks = 0;
  uint64_t multi_stream_acks = 0;
  uint64_t exact_version_acks = 0;
  uint64_t unacked_durable = 0;  // appends stored but killed before their ACK line
  uint64_t partial_lines = 0;
  uint64_t retries = 0;
  Clock::duration audit_time{};
};

class CrashCycleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::optional<uint64_t> cycles = env_u64("ZHURNAL_CRASH_CYCLES", kDefaultCycles);
    ASSERT_TRUE(cycles && *cycles > 0) << "ZHURNAL_CRASH_CYCLES must be a positive integer";
    cycles_ = *cycles;
    const std::optional<uint64_t> seed = env_u64("ZHURNAL_CRASH_SEED", std::random_device()());
    ASSERT_TRUE(seed) << "ZHURNAL_CRASH_SEED must be a decimal integer";
    seed_ = *seed;
    rng_.seed(seed_);
    std::printf("[ crash    ] ZHURNAL_CRASH_SEED=%llu ZHURNAL_CRASH_CYCLES=%llu data=%s\n",
                static_cast<unsigned long long>(seed_), static_cast<unsigned long long>(cycles_),
                data_.str().c_str());
    std::fflush(stdout);
  }

  // A failed run keeps a copy of the log for a post-mortem.
  void TearDown() override {
    if (!HasFailure()) return;
    const std::filesystem::path keep =
        std::filesystem::temp_directory_path() / ("zhurnal-crash-" + std::to_string(seed_));
    std::error_code ec;
    std::filesystem::copy(data_.path(), keep, std::filesystem::copy_options::recursive, ec);
    std::printf("[ crash    ] the log is kept in %s%s\n", keep.string().c_str(),
                ec ? (" (copy failed: " + ec.message() + ")").c_str() : "");
  }

  void run_child(uint64_t cycle, CycleOutcome* out);
  void count(const CycleOutcome& cycle);
  void take_line(const std::string& line, CycleOutcome* out);
  void audit(const CycleOutcome& cycle);
  void resend(events::EventLog& log, const Ack& ack);
  const Ack& pick(const std::vector<Ack>& acks) {
    return acks[std::uniform_int_distribution<size_t>(0, acks.size() - 1)(rng_)];
  }
  void print_totals(Clock::duration elapsed) const;

  uint64_t cycles_ = kDefaultCycles;
  uint64_t seed_ = 0;
  std::mt19937_64 rng_;
  testing::TempDir data_;     // the log, shared by every cycle
  testing::TempDir scratch_;  // the child's stderr
  std::vector<Ack> all_acks_;
  uint64_t last_head_ = 0;  // head after the previous audit
  Totals totals_;
};

// Kills the child if it still runs and describes how it ended, with its
// stderr, for a failure message.
std::string child_failure(ChildProcess& child, const std::string& what) {
  child.kill_now();
  std::optional<int> status = child.wait_exit(Clock::now() + kExitTimeout);
  return what + "; the child " +
         (status ? describe_wait_status(*status) : std::string("did not exit")) +
         "; its stderr:\n" + child.stderr_text();
}

void CrashCycleTest::take_line(const std::string& line, CycleOutcome* out) {
  std::optional<Ack> ack = parse_ack(line);
  ASSERT_TRUE(ack) << "malformed line from the child: '" << line << "'";
  ASSERT_TRUE(ack->first_position > out->ready_head && ack->first_position <= ack->last_position)
      << "acknowledged positions " << ack->first_position << ".." << ack->last_position
      << " are impossible after READY " << out->ready_head;
  out->acks.push_back(std::move(*ack));
}

// Spawns the child, lets it append for a random delay, kills it with SIGKILL
// and collects every ACK line it wrote before dying.
void CrashCycleTest::run_child(uint64_t cycle, CycleOutcome* out) {
  out->from_spawn = cycle % kKillDuringOpenEvery == kKillDuringOpenEvery - 1;
  out->delay =
      milliseconds(std::uniform_int_distribution<int>(kMinKillDelayMs, kMaxKillDelayMs)(rng_));
  const uint64_t run_id = rng_() | 1;  // non-zero: 0 would ask for a random id
  auto spawned = ChildProcess::spawn(
      ZHURNAL_CRASH_CHILD,
      {"--data", data_.str(), "--threads", kChildThreads, "--run-id", hex(run_id)},
      (scratch_.path() / "child-stderr.txt").string());
  ASSERT_TRUE(spawned) << spawned.error();
  ChildProcess& child = **spawned;
  const Clock::time_point spawned_at = Clock::now();

  std::string line;
  ReadStatus st =
      child.read_line(out->from_spawn ? spawned_at + out->delay : spawned_at + kOpenTimeout, &line);
  if (st == ReadStatus::kLine) {
    std::optional<uint64_t> head = parse_ready(line);
    ASSERT_TRUE(head) << child_failure(child, "the first line is not READY: '" + line + "'");
    out->ready = true;
    out->ready_head = *head;
  } else {
    ASSERT_TRUE(st == ReadStatus::kTimeout && out->from_spawn)
        << child_failure(child, "no READY line from the child");
  }

  if (out->ready) {
    const Clock::time_point kill_at =
        out->from_spawn ? spawned_at + out->delay : Clock::now() + out->delay;
    while ((st = child.read_line(kill_at, &line)) == ReadStatus::kLine) {
      ASSERT_NO_FATAL_FAILURE(take_line(line, out));
    }
    ASSERT_EQ(st, ReadStatus::kTimeout)
        << child_failure(child, "the child stopped before the kill");
  }
  child.kill_now();

  // Lines written before death are acknowledged appends too.
  const Clock::time_point drain_by = Clock::now() + kExitTimeout;
  while ((st = child.read_line(drain_by, &line)) == ReadStatus::kLine) {
    if (!out->ready) {  // READY raced with the kill
      std::optional<uint64_t> head = parse_ready(line);
      ASSERT_TRUE(head) << "the first line is not READY: '" << line << "'";
      out->ready = true;
      out->ready_head = *head;
      continue;
    }
    ASSERT_NO_FATAL_FAILURE(take_line(line, out));
  }
  ASSERT_EQ(st, ReadStatus::kEof) << child_failure(child, "stdout did not close after SIGKILL");
  out->partial_bytes = child.partial_bytes();
  std::optional<int> status = child.wait_exit(drain_by);
  ASSERT_TRUE(status) << "the child did not exit within 10 s of SIGKILL";
  ASSERT_TRUE(WIFSIGNALED(*status) && WTERMSIG(*status) == SIGKILL)
      << child_failure(child, "the child was not ended by our SIGKILL");
}

void CrashCycleTest::count(const CycleOutcome& cycle) {
  ++totals_.kills;
  totals_.kills_before_ready += !cycle.ready;
  totals_.acks += cycle.acks.size();
  for (const Ack& a : cycle.acks) {
    totals_.multi_stream_acks += a.streams.size() > 1;
    totals_.exact_version_acks += parse_command_id(a.command_id).exact.has_value();
  }
  totals_.partial_lines += cycle.partial_bytes > 0;
}

// A retry of an acknowledged command: the original receipt, nothing written.
void CrashCycleTest::resend(events::EventLog& log, const Ack& ack) {
  SCOPED_TRACE("retry of " + ack.command_id);
  const uint64_t head = log.head_position();
  Request r = make_request(ack.command_id);
  events::Result<events::AppendResult> got = log.append(std::move(r.streams), r.context);
  ASSERT_TRUE(got) << got.error().to_string();
  EXPECT_TRUE(got->duplicate);
  EXPECT_EQ(got->first_position, ack.first_position);
  EXPECT_EQ(got->last_position, ack.last_position);
  EXPECT_EQ(got->streams, ack.streams);
  EXPECT_EQ(log.head_position(), head) << "a retry wrote something";
  ++totals_.retries;
}

// Reopens the log and checks it against everything acknowledged so far.
void CrashCycleTest::audit(const CycleOutcome& cycle) {
  const Clock::time_point start = Clock::now();
  if (cycle.ready) {
    EXPECT_EQ(cycle.ready_head, last_head_) << "the child opened a log with another head";
  }
  events::LogOptions options;
  options.path = data_.str();
  auto opened = events::open_event_log(options);
  ASSERT_TRUE(opened) << "reopen after SIGKILL: " << opened.error().to_string();
  events::EventLog& log = **opened;

  events::Result<events::VerifyReport> report = log.verify();
  ASSERT_TRUE(report) << report.error().to_string();
  EXPECT_TRUE(report->ok()) << "verify: position " << report->first_bad_position << ": "
                            << report->problem;
  EXPECT_EQ(report->events, log.head_position());

  Snapshot snapshot;
  Problems problems = load_snapshot(log, &snapshot);
  problems.merge(check_commands(snapshot));
  problems.merge(check_streams(log, snapshot));
  all_acks_.insert(all_acks_.end(), cycle.acks.begin(), cycle.acks.end());
  problems.merge(check_acks(snapshot, all_acks_));
  ASSERT_TRUE(problems.empty()) << problems.total() << " problems:\n" << problems.str();
  EXPECT_GE(snapshot.head, last_head_) << "the log shrank";

  uint64_t new_commands = 0;
  for (const auto& [id, range] : snapshot.commands) new_commands += range.first > last_head_;
  totals_.unacked_durable += new_commands - cycle.acks.size();

  if (!cycle.acks.empty()) {
    ASSERT_NO_FATAL_FAILURE(resend(log, pick(cycle.acks)));
  }
  if (!all_acks_.empty()) {
    ASSERT_NO_FATAL_FAILURE(resend(log, pick(all_acks_)));
  }
  EXPECT_EQ(log.stats().events, 0u) << "the audit wrote events";
  log.close();
  last_head_ = snapshot.head;
  totals_.audit_time += Clock::now() - start;
}

void CrashCycleTest::print_totals(Clock::duration elapsed) const {
  using std::chrono::duration_cast;
  auto u = [](uint64_t v) { return static_cast<unsigned long long>(v); };
  auto ms = [](Clock::duration d) {
    return static_cast<long long>(duration_cast<milliseconds>(d).count());
  };
  std::printf(
      "[ crash    ] cycles=%llu kills=%llu (before READY: %llu) acked_appends=%llu "
      "(multi-stream: %llu, exact-version: %llu) unacked_but_durable=%llu events=%llu "
      "retries=%llu torn_lines=%llu elapsed_ms=%lld audit_ms=%lld\n",
      u(cycles_), u(totals_.kills), u(totals_.kills_before_ready), u(totals_.acks),
      u(totals_.multi_stream_acks), u(totals_.exact_version_acks), u(totals_.unacked_durable),
      u(last_head_), u(totals_.retries), u(totals_.partial_lines), ms(elapsed),
      ms(totals_.audit_time));
  std::fflush(stdout);
}

TEST_F(CrashCycleTest, AcknowledgedAppendsSurviveSigkill) {
  const Clock::time_point start = Clock::now();
  for (uint64_t c = 0; c < cycles_; ++c) {
    CycleOutcome cycle;
    SCOPED_TRACE("cycle " + std::to_string(c) + " of seed " + std::to_string(seed_));
    ASSERT_NO_FATAL_FAILURE(run_child(c, &cycle));
    count(cycle);
    ASSERT_NO_FATAL_FAILURE(audit(cycle))
        << "killed " << cycle.delay.count() << " ms after "
        << (cycle.from_spawn ? "the spawn" : "READY") << (cycle.ready ? "" : ", before READY,")
        << " with " << cycle.acks.size() << " acknowledged appends";
  }
  print_totals(Clock::now() - start);
  EXPECT_GT(totals_.acks, 0u) << "no append was acknowledged: the test proved nothing";
}

// The protocol and the request derivation the cycle test relies on.

TEST(CrashProtocolTest, AckLineRoundTrips) {
  events::AppendResult r;
  r.first_position = 41;
  r.last_position = 44;
  r.streams = {{"crash-s03", 7}, {"crash-s11", 2}};
  const std::string line = format_ack("00000000000000ab-3-9-x6", r);
  ASSERT_TRUE(line.ends_with('\n'));
  std::optional<Ack> a = parse_ack(std::string_view(line).substr(0, line.size() - 1));
  ASSERT_TRUE(a);
  EXPECT_EQ(a->command_id, "00000000000000ab-3-9-x6");
  EXPECT_EQ(a->first_position, 41u);
  EXPECT_EQ(a->last_position, 44u);
  EXPECT_EQ(a->streams, r.streams);
  EXPECT_FALSE(parse_ack("ACK id 1 2"));
  EXPECT_FALSE(parse_ack("ACK id 1 2 s:"));
  EXPECT_FALSE(parse_ack("READY 3"));
  EXPECT_EQ(parse_ready("READY 3"), 3u);
}

TEST(CrashProtocolTest, RequestIsAFunctionOfTheCommandId) {
  const std::string base = base_command_id(0xabcdef, 2, 17);
  const Request a = make_request(base);
  const Request b = make_request(base);
  const Request x = make_request(with_exact(base, 5));
  ASSERT_EQ(a.streams.size(), b.streams.size());
  ASSERT_EQ(a.streams.size(), x.streams.size());
  for (size_t i = 0; i < a.streams.size(); ++i) {
    EXPECT_EQ(a.streams[i].stream, x.streams[i].stream);
    ASSERT_EQ(a.streams[i].events.size(), x.streams[i].events.size());
    for (size_t j = 0; j < a.streams[i].events.size(); ++j) {
      EXPECT_EQ(a.streams[i].events[j].payload, b.streams[i].events[j].payload);
      EXPECT_EQ(a.streams[i].events[j].payload, x.streams[i].events[j].payload);
    }
    EXPECT_EQ(a.streams[i].expected.kind(), events::ExpectedVersion::Kind::kAny);
  }
  EXPECT_EQ(x.streams[0].expected.kind(), events::ExpectedVersion::Kind::kExact);
  EXPECT_EQ(x.streams[0].expected.version(), 5u);
  EXPECT_EQ(x.context.command_id, with_exact(base, 5));
}

}  // namespace
}  // namespace zhurnal::crash
