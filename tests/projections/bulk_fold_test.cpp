// Rebuild mode of the projection layer: a catch-up from far behind and a
// rebuild generation (projections folded on their own threads, rows held in
// memory and committed as bulk loads) must give the same bytes as the live,
// batch-by-batch fold, however many bulk loads the memory budget splits the
// fold into, and from a checkpoint that is not zero.
#include <gtest/gtest.h>

#include <rocksdb/db.h>

#include <atomic>
#include <map>
#include <set>
#include <stdexcept>
#include <string>

#include "schema/commands.capnp.h"
#include "schema/message_reader.hpp"
#include "support/kv_rows.hpp"
#include "support/temp_dir.hpp"
#include "zhurnal/commands/journal.hpp"
#include "zhurnal/demo/generator.hpp"
#include "zhurnal/events/event_log.hpp"
#include "zhurnal/events/kv_store.hpp"
#include "zhurnal/projections/engine.hpp"
#include "zhurnal/projections/views.hpp"

namespace zhurnal::projections {
namespace {

using zhurnal::testing::all_rows;
using zhurnal::testing::files_with;
using zhurnal::testing::rows_under;

// Small enough that a week of one demo school takes dozens of bulk loads.
constexpr size_t kTinyBudget = 256 << 10;

std::unique_ptr<events::KvStore> open_store(const std::filesystem::path& dir) {
  auto store = events::KvStore::open({dir.string(), false, true});
  EXPECT_TRUE(store) << store.error().to_string();
  return store ? std::move(*store) : nullptr;
}

std::unique_ptr<ProjectionEngine> open_engine(events::EventLog* log, events::KvStore* store,
                                              size_t batch_events, size_t budget) {
  EngineOptions o{log, store, nullptr, batch_events};
  o.bulk_memory_bytes = budget;
  o.bulk_batch_events = 512;  // the budget is checked every 512 events
  auto engine = ProjectionEngine::open(o, standard_projections());
  EXPECT_TRUE(engine) << engine.error().to_string();
  return engine ? std::move(*engine) : nullptr;
}

bool compactions_paused(events::KvStore& store) {
  return events::internal::kv_store_db(store)->GetOptions().disable_auto_compactions;
}

// The levels of the store's table files that hold any projection's rows
// (files of `_meta` rows alone left out).
std::vector<int> row_file_levels(events::KvStore& store) {
  std::vector<rocksdb::LiveFileMetaData> files;
  events::internal::kv_store_db(store)->GetLiveFilesMetaData(&files);
  std::vector<int> levels;
  for (const auto& f : files) {
    if (!f.largestkey.starts_with("_meta/")) levels.push_back(f.level);
  }
  return levels;
}

// Sign-ins of the first `each` parents and students of the log (the demo
// generator makes none; a region's log is a fifth sign-ins), a second apart
// after the log's last event.
void sign_in_some(commands::Journal& journal, events::EventLog& log, std::atomic<int64_t>& now,
                  size_t each) {
  auto all = log.read_all(1, log.head_position());
  ASSERT_TRUE(all) << all.error().to_string();
  std::vector<std::pair<std::string, schema::Role>> users;
  size_t parents = 0, students = 0;
  for (const events::RecordedEvent& e : *all) {
    schema::BoundedMessageReader reader(e.payload);
    auto x = reader.root<schema::JournalEvent>();
    if (x.isUserRegistered() && parents < each) {
      for (auto r : x.getUserRegistered().getRoles()) {
        if (r != schema::Role::PARENT) continue;
        users.emplace_back(x.getUserRegistered().getUserId().cStr(), r);
        ++parents;
        break;
      }
    } else if (x.isStudentEnrolled() && students < each) {
      users.emplace_back(x.getStudentEnrolled().getStudentId().cStr(), schema::Role::STUDENT);
      ++students;
    }
  }
  ASSERT_EQ(parents, each);
  ASSERT_EQ(students, each);
  for (const auto& [user, role] : users) {
    capnp::MallocMessageBuilder m;
    auto c = m.initRoot<schema::Command>().initRecordSignIn();
    c.setUserId(user);
    c.setSchoolId("sch1");
    c.setRole(role);
    now += 1'000'000;
    auto r = journal.execute({"signin-" + user, std::string(commands::kSystemActor), ""},
                             m.getRoot<schema::Command>().asReader());
    ASSERT_TRUE(r) << r.error().message;
  }
}

// One demo week in a log with some sign-ins, and the rows the live engine
// folded from it batch by batch: what every bulk fold must reproduce.
class BulkFoldTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new zhurnal::testing::TempDir;
    events::LogOptions lo;
    lo.path = (dir_->path() / "log").string();
    lo.durability = events::Durability::kBuffered;
    lo.clock_us = [] { return now_.load(); };
    auto log = events::open_event_log(lo);
    ASSERT_TRUE(log) << log.error().to_string();
    log_ = log->release();
    live_store_ = open_store(dir_->path() / "live").release();
    ASSERT_TRUE(live_store_);
    auto live = open_engine(log_, live_store_, 2048, EngineOptions{}.bulk_memory_bytes);
    ASSERT_TRUE(live);
    live->start();
    {
      auto journal = commands::Journal::open({log_, lo.clock_us, nullptr, 8});
      ASSERT_TRUE(journal) << journal.error().to_string();
      demo::DemoOptions o;
      o.weeks = 1;
      auto summary = demo::generate_demo(**journal, [](int64_t us) { now_ = us; }, o);
      ASSERT_TRUE(summary) << summary.error().to_string();
      sign_in_some(**journal, *log_, now_, 200);
      if (HasFatalFailure()) return;
    }
    head_ = log_->head_position();
    ASSERT_GT(head_, 5'000u);
    ASSERT_TRUE(live->wait_position(head_, std::chrono::seconds(120)));
    live->stop();
    live_rows_ = new std::map<std::string, std::string>(all_rows(*live_store_));
  }

  static void TearDownTestSuite() {
    delete live_rows_;
    delete live_store_;
    if (log_) log_->close();
    delete log_;
    delete dir_;
  }

  void SetUp() override {
    if (!log_ || !live_rows_) GTEST_SKIP() << "the demo log could not be made";
  }

  // A catch-up of `store` to the log's head (rebuild mode: it is far
  // behind) with the memory budget `budget`; the store then holds the live
  // fold's rows.
  static void catch_up_equals_live(events::KvStore& store, size_t budget) {
    auto bulk = open_engine(log_, &store, 256, budget);
    ASSERT_TRUE(bulk);
    // Its commits (bulk loads) are made with the store's compactions paused,
    // and they are on again when it is done.
    // Each says that every view may have changed (ProjectionTx::touch_all).
    int commits = 0, unpaused = 0, listed = 0;
    bulk->add_listener([&](const ChangeSet& changes) {
      ++commits;
      unpaused += !compactions_paused(store);
      listed += changes.topics != std::set<std::string>{std::string(ProjectionTx::kAllTopics)};
    });
    events::Status st = bulk->catch_up();
    ASSERT_TRUE(st.is_ok()) << st.to_string();
    EXPECT_GT(commits, 0);
    EXPECT_EQ(unpaused, 0);
    EXPECT_EQ(listed, 0);
    EXPECT_FALSE(compactions_paused(store));
    EXPECT_EQ(bulk->position(), head_);
    expect_live_rows(all_rows(store));
  }

  // Every row of `rows` equals the live fold's, and none is missing or extra.
  static void expect_live_rows(const std::map<std::string, std::string>& rows) {
    EXPECT_GT(live_rows_->size(), 1000u);
    expect_same_rows(*live_rows_, rows);
  }

  // Names the first few rows that differ, rather than printing both maps.
  static void expect_same_rows(const std::map<std::string, std::string>& want,
                               const std::map<std::string, std::string>& got) {
    EXPECT_EQ(got.size(), want.size());
    size_t differences = 0;
    for (const auto& [k, v] : want) {
      auto it = got.find(k);
      if (it == got.end() || it->second != v) {
        if (++differences <= 5) ADD_FAILURE() << "row " << k << " differs or is missing";
      }
    }
    EXPECT_EQ(differences, 0u);
  }

  static inline zhurnal::testing::TempDir* dir_ = nullptr;
  static inline std::atomic<int64_t> now_{1};
  static inline events::EventLog* log_ = nullptr;
  static inline events::KvStore* live_store_ = nullptr;
  static inline uint64_t head_ = 0;
  static inline std::map<std::string, std::string>* live_rows_ = nullptr;
};

TEST_F(BulkFoldTest, OneBulkLoadEqualsTheLiveFoldByteForByte) {
  zhurnal::testing::TempDir dir;
  auto store = open_store(dir.path());
  ASSERT_TRUE(store);
  catch_up_equals_live(*store, EngineOptions{}.bulk_memory_bytes);

  // Into an empty store, the load's files go to the lowest level as they
  // are: nothing above overlaps them (no range deletion of the empty key
  // spaces), so no compaction rewrites them afterwards. (A range deletion
  // of the empty key spaces, left in the memtable, would put them all in
  // level 0, for a compaction to merge.)
  rocksdb::DB* db = events::internal::kv_store_db(*store);
  const std::vector<int> levels = row_file_levels(*store);
  EXPECT_FALSE(levels.empty());
  for (int level : levels) EXPECT_EQ(level, db->NumberLevels() - 1);

  // The bulk load is durable: it survives a reopen of the store.
  const auto rows = all_rows(*store);
  store.reset();
  store = open_store(dir.path());
  expect_same_rows(rows, all_rows(*store));
}

// A commit held open over a whole catch-up touches a topic per changed cell;
// past ProjectionTx::kMaxTopics the set becomes {"*"} and stays bounded.
TEST(ProjectionTxTopics, TooManyBecomeAllAndTheNextCommitListsAgain) {
  zhurnal::testing::TempDir dir;
  auto store = open_store(dir.path());
  ASSERT_TRUE(store);
  ProjectionTx tx(store.get(), "t/");
  for (size_t i = 0; i < ProjectionTx::kMaxTopics; ++i) tx.touch("diary-cell/s/" + std::to_string(i));
  tx.touch("diary-cell/s/0");  // not new: still listed
  events::KvBatch batch;
  auto listed = tx.flush(&batch);
  EXPECT_EQ(listed.size(), ProjectionTx::kMaxTopics);
  EXPECT_FALSE(listed.contains(std::string(ProjectionTx::kAllTopics)));

  for (size_t i = 0; i <= ProjectionTx::kMaxTopics + 100; ++i) tx.touch("diary-cell/s/" + std::to_string(i));
  auto all = tx.flush(&batch);
  EXPECT_EQ(all, std::set<std::string>{std::string(ProjectionTx::kAllTopics)});

  tx.touch("diary/s1");
  EXPECT_EQ(tx.flush(&batch), std::set<std::string>{"diary/s1"});
}

TEST_F(BulkFoldTest, ManySmallBulkLoadsEqualTheLiveFold) {
  zhurnal::testing::TempDir dir;
  auto store = open_store(dir.path());
  ASSERT_TRUE(store);
  catch_up_equals_live(*store, kTinyBudget);
}

TEST_F(BulkFoldTest, ACatchUpFromACommittedCheckpointEqualsTheLiveFold) {
  zhurnal::testing::TempDir dir;
  auto store = open_store(dir.path());
  ASSERT_TRUE(store);
  {
    // Live, batch by batch, to about a third of the log; then stopped.
    auto engine = open_engine(log_, store.get(), 256, kTinyBudget);
    ASSERT_TRUE(engine);
    engine->start();
    ASSERT_TRUE(engine->wait_position(head_ / 3, std::chrono::seconds(60)));
    engine->stop();
    ASSERT_LT(engine->position() + 256, head_);
  }
  // Reopened far behind: rebuild mode on top of the rows committed so far.
  catch_up_equals_live(*store, kTinyBudget);
}

// A projection that counts the events it folds, and fails once, at
// position `fail_at` (a fold that throws stops the batch: ProjectionEngine
// drops what was folded since the last commit and resumes from it).
class FailsOnce final : public Projection {
 public:
  explicit FailsOnce(uint64_t fail_at) : fail_at_(fail_at) {}
  std::string_view name() const override { return "flaky"; }
  uint32_t version() const override { return 1; }
  void apply(const events::RecordedEvent& e, schema::JournalEvent::Reader, ProjectionTx& tx) override {
    if (e.position == fail_at_ && !failed_) {
      failed_ = true;
      throw std::runtime_error("fails once");
    }
    const std::string* n = tx.find("n");
    tx.put("n", std::to_string((n ? std::stoull(*n) : 0) + 1));
  }

 private:
  const uint64_t fail_at_;
  bool failed_ = false;
};

// A catch-up whose fold fails halfway, after some bulk loads, stops with the
// error; the next one (the log's reader started again from the last
// commit) ends with every row the live fold has, and each event counted
// once.
TEST_F(BulkFoldTest, ACatchUpThatFailsHalfwayResumesFromItsLastCommit) {
  zhurnal::testing::TempDir dir;
  auto store = open_store(dir.path());
  ASSERT_TRUE(store);
  EngineOptions o{log_, store.get(), nullptr, 256};
  o.bulk_memory_bytes = kTinyBudget;
  o.bulk_batch_events = 512;
  auto projections = standard_projections();
  projections.push_back(std::make_unique<FailsOnce>(head_ / 2));
  auto engine = ProjectionEngine::open(o, std::move(projections));
  ASSERT_TRUE(engine) << engine.error().to_string();
  events::Status st = (*engine)->catch_up();
  ASSERT_FALSE(st.is_ok());
  EXPECT_NE(st.message().find("fails once"), std::string::npos) << st.to_string();
  EXPECT_GT((*engine)->position(), 0u) << "no bulk load was committed before the failure";
  EXPECT_LT((*engine)->position(), head_ / 2);
  EXPECT_FALSE(compactions_paused(*store));

  st = (*engine)->catch_up();
  ASSERT_TRUE(st.is_ok()) << st.to_string();
  EXPECT_EQ((*engine)->position(), head_);
  std::map<std::string, std::string> rows = all_rows(*store);
  std::string count;
  for (auto it = rows.begin(); it != rows.end();) {
    if (it->first.starts_with("flaky/") || it->first == "_meta/flaky") {
      if (it->first.starts_with("flaky/")) count = it->second;
      it = rows.erase(it);
    } else {
      ++it;
    }
  }
  EXPECT_EQ(count, std::to_string(head_)) << "an event folded twice or not at all";
  expect_live_rows(rows);
}

TEST_F(BulkFoldTest, RebuildGenerationsFromSmallBulkLoadsMatchTheLiveRows) {
  zhurnal::testing::TempDir dir;
  auto store = open_store(dir.path());
  ASSERT_TRUE(store);
  auto engine = open_engine(log_, store.get(), 2048, kTinyBudget);
  ASSERT_TRUE(engine);
  ASSERT_TRUE(engine->catch_up().is_ok());
  for (const ProjectionStatus& p : engine->status()) {
    SCOPED_TRACE(p.name);
    std::map<std::string, std::string> live, scratch;
    events::Status st = engine->rebuild_and_compare(p.name, [&](const std::string& a, const std::string& b) {
      EXPECT_TRUE(compactions_paused(*store)) << "while the scratch generation is compared";
      live = rows_under(*store, a);
      scratch = rows_under(*store, b);
    });
    ASSERT_TRUE(st.is_ok()) << st.to_string();
    EXPECT_FALSE(compactions_paused(*store));
    EXPECT_FALSE(live.empty());
    expect_same_rows(live, scratch);

    // A rebuild swaps its generation in: the rows under the new prefix are
    // the live rows.
    const std::string before = engine->active_prefix(p.name);
    ASSERT_TRUE(engine->rebuild(p.name).is_ok());
    EXPECT_FALSE(compactions_paused(*store));
    const std::string after = engine->active_prefix(p.name);
    EXPECT_NE(before, after);
    expect_same_rows(live, rows_under(*store, after));
  }
}

TEST_F(BulkFoldTest, EveryProjectionRebuiltInOnePassMatchesItsLiveRowsAtItsOwnCheckpoint) {
  zhurnal::testing::TempDir dir;
  auto store = open_store(dir.path());
  ASSERT_TRUE(store);
  {
    // Only the journal projection at first, caught up to the head.
    std::vector<std::unique_ptr<Projection>> journal;
    for (auto& p : standard_projections()) {
      if (p->name() == "journal") journal.push_back(std::move(p));
    }
    ASSERT_EQ(journal.size(), 1u);
    EngineOptions o{log_, store.get(), nullptr, 2048};
    auto engine = ProjectionEngine::open(o, std::move(journal));
    ASSERT_TRUE(engine);
    ASSERT_TRUE((*engine)->catch_up().is_ok());
  }
  // All of them now: the others start at checkpoint zero, so the one pass
  // must fold the journal to the head and the others not at all.
  auto engine = open_engine(log_, store.get(), 2048, kTinyBudget);
  ASSERT_TRUE(engine);
  std::vector<std::string> names;
  std::map<std::string, uint64_t> checkpoints;
  for (const ProjectionStatus& p : engine->status()) {
    names.push_back(p.name);
    checkpoints[p.name] = p.checkpoint;
  }
  ASSERT_EQ(checkpoints["journal"], head_);
  ASSERT_EQ(checkpoints["compliance"], 0u);
  // Each rebuilt generation holds its live rows, and there are live rows
  // exactly when the projection's checkpoint is past zero.
  std::vector<std::string> compared;
  const auto compare = [&](const std::vector<ProjectionEngine::RebuiltGeneration>& generations) {
    for (const ProjectionEngine::RebuiltGeneration& g : generations) {
      SCOPED_TRACE(g.name);
      compared.push_back(g.name);
      const auto live_rows = rows_under(*store, g.live);
      EXPECT_EQ(live_rows.empty(), checkpoints[g.name] == 0);
      expect_same_rows(live_rows, rows_under(*store, g.rebuilt));
    }
  };
  events::Status st = engine->rebuild_and_compare(names, compare);
  ASSERT_TRUE(st.is_ok()) << st.to_string();
  EXPECT_EQ(compared, names);
  for (const ProjectionStatus& p : engine->status()) EXPECT_FALSE(p.rebuilding) << p.name;

  // Then caught up, all of them again, with the live fold's rows.
  ASSERT_TRUE(engine->catch_up().is_ok());
  for (const ProjectionStatus& p : engine->status()) {
    checkpoints[p.name] = p.checkpoint;
    ASSERT_EQ(p.checkpoint, head_) << p.name;
  }
  compared.clear();
  st = engine->rebuild_and_compare(names, compare);
  ASSERT_TRUE(st.is_ok()) << st.to_string();
  EXPECT_EQ(compared, names);
  // The scratch generations are dropped: only the live rows are left.
  expect_live_rows(all_rows(*store));

  const auto ignore = [](const std::vector<ProjectionEngine::RebuiltGeneration>&) {};
  EXPECT_EQ(engine->rebuild_and_compare({"journal", "nosuch"}, ignore).code(), events::StatusCode::kNotFound);
  EXPECT_EQ(engine->rebuild_and_compare({"journal", "journal"}, ignore).code(),
            events::StatusCode::kInvalidArgument);
}

// `replay rebuild` leaves no file behind: its scratch generations, loaded
// below level 0 where compactions may not reach them for a long time, go
// with their files (KvStore::delete_files_in_range), not only their keys.
TEST_F(BulkFoldTest, ACompareFreesItsScratchGenerationsFiles) {
  zhurnal::testing::TempDir dir;
  auto store = open_store(dir.path());
  ASSERT_TRUE(store);
  auto engine = open_engine(log_, store.get(), 2048, EngineOptions{}.bulk_memory_bytes);
  ASSERT_TRUE(engine);
  ASSERT_TRUE(engine->catch_up().is_ok());
  std::vector<std::string> names;
  for (const ProjectionStatus& p : engine->status()) names.push_back(p.name);
  std::vector<std::string> scratch;
  events::Status st =
      engine->rebuild_and_compare(names, [&](const std::vector<ProjectionEngine::RebuiltGeneration>& generations) {
        for (const ProjectionEngine::RebuiltGeneration& g : generations) {
          EXPECT_GT(files_with(*store, g.rebuilt), 0u) << g.rebuilt;
          scratch.push_back(g.rebuilt);
        }
      });
  ASSERT_TRUE(st.is_ok()) << st.to_string();
  ASSERT_EQ(scratch.size(), names.size());
  for (const std::string& prefix : scratch) {
    EXPECT_EQ(files_with(*store, prefix), 0u) << prefix;
    EXPECT_TRUE(rows_under(*store, prefix).empty()) << prefix;
  }
  expect_live_rows(all_rows(*store));
}

// A generation whose rows a deletion hides but whose files were not freed
// (the process died between the two) has them freed at the next open.
TEST_F(BulkFoldTest, AnOpenFreesTheFilesOfAGenerationAlreadyDeleted) {
  zhurnal::testing::TempDir dir;
  auto store = open_store(dir.path());
  ASSERT_TRUE(store);
  std::string replaced;
  {
    auto engine = open_engine(log_, store.get(), 2048, EngineOptions{}.bulk_memory_bytes);
    ASSERT_TRUE(engine);
    ASSERT_TRUE(engine->catch_up().is_ok());
    replaced = engine->active_prefix("journal");
    ASSERT_TRUE(engine->rebuild("journal").is_ok());
    ASSERT_NE(engine->active_prefix("journal"), replaced);
  }
  ASSERT_GT(files_with(*store, replaced), 0u);
  events::KvBatch kv;
  kv.erase_range(replaced, events::KvStore::prefix_end(replaced));
  ASSERT_TRUE(store->write(kv).is_ok());
  ASSERT_TRUE(rows_under(*store, replaced).empty());
  ASSERT_GT(files_with(*store, replaced), 0u);

  auto engine = open_engine(log_, store.get(), 2048, EngineOptions{}.bulk_memory_bytes);
  ASSERT_TRUE(engine);
  EXPECT_EQ(files_with(*store, replaced), 0u);
  // The generation swapped in is whole.
  ASSERT_FALSE(rows_under(*live_store_, replaced).empty());
  expect_same_rows(rows_under(*live_store_, replaced), rows_under(*store, engine->active_prefix("journal")));
}

}  // namespace
}  // namespace zhurnal::projections
