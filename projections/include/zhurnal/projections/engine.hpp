// ProjectionEngine: runs projections over the log, catching up at start and
// following live, with each projection's rows and checkpoint committed in one
// batch (a crash at any instant resumes exactly where it stopped: no event
// applied twice, none skipped). It refuses to run past a gap in positions.
//
// Key space of the view store:
//   "_meta/<name>"               -> "<generation> <checkpoint> <version>"
//   "<name>/<generation:08x>/"   -> the projection's rows (ProjectionTx)
// A rebuild writes generation+1 from position zero while the old generation
// keeps serving, then swaps the meta row atomically and drops the old range.
//
// Thread safety: public methods may be called from any thread. The engine
// runs projections on its own thread; change listeners run on that thread
// and must return quickly.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "zhurnal/events/event_log.hpp"
#include "zhurnal/events/kv_store.hpp"
#include "zhurnal/projections/projection.hpp"

namespace spdlog {
class logger;
}

namespace zhurnal::projections {

// What changed in one commit: the topics touched and the log position the
// views now reflect. ProjectionTx::kAllTopics ("*") among the topics: more
// changed than was listed (a commit of a fold far behind); every
// subscription should look again.
struct ChangeSet {
  uint64_t position = 0;
  std::set<std::string> topics;
};

struct ProjectionStatus {
  std::string name;
  uint32_t generation = 0;
  uint64_t checkpoint = 0;
  uint64_t lag = 0;  // log head - checkpoint
  bool rebuilding = false;
};

struct EngineOptions {
  events::EventLog* log = nullptr;   // must outlive the engine
  events::KvStore* store = nullptr;  // must outlive the engine
  std::shared_ptr<spdlog::logger> logger;
  size_t batch_events = 2048;  // events per commit at most
  // Rebuild mode (a catch-up from far behind, a rebuild generation) keeps
  // the rows it folds in memory across batches and commits them as one bulk
  // load when their estimated size passes this (all projections together),
  // and at the end. Each commit writes a row once however often it changed,
  // skips the memtable, and is what a crash during the fold falls back to.
  size_t bulk_memory_bytes = size_t{1} << 30;
  // Rebuild mode (a catch-up from far behind, a rebuild generation) folds
  // this many events at a time (the memory budget is checked between them).
  size_t bulk_batch_events = 32768;
};

class ProjectionEngine {
 public:
  using ChangeListener = std::function<void(const ChangeSet&)>;

  static events::Result<std::unique_ptr<ProjectionEngine>> open(
      EngineOptions options, std::vector<std::unique_ptr<Projection>> projections);
  ~ProjectionEngine();

  // Catches every projection up to the log head present now, synchronously.
  events::Status catch_up();
  // Starts following the log on the engine thread.
  void start();
  void stop();

  // The lowest position all projections reflect.
  uint64_t position() const;
  bool wait_position(uint64_t position, std::chrono::milliseconds wait) const;
  std::vector<ProjectionStatus> status() const;

  // Key-space prefix of a projection's active generation ("<name>/<gen>/").
  std::string active_prefix(std::string_view name) const;

  // Rebuilds one projection from position zero into a fresh generation while
  // the old one serves, then swaps. Blocks until done.
  events::Status rebuild(std::string_view name);
  // Rebuilds `name` into a scratch generation without swapping, then calls
  // fn(live_prefix, rebuilt_prefix) with both held steady, then drops the
  // scratch rows. For `replay rebuild` comparisons.
  events::Status rebuild_and_compare(
      std::string_view name, const std::function<void(const std::string&, const std::string&)>& fn);
  // The same for several projections at once, in one pass over the log
  // (each folds on a thread of its own): once every rebuild is done,
  // fn(generations) is called once, with the engine's lock held (the live
  // rows steady), with each projection's name, live prefix and rebuilt
  // prefix in the order of `names`.
  struct RebuiltGeneration {
    std::string name;
    std::string live;     // the live generation's key-space prefix
    std::string rebuilt;  // the scratch generation's, dropped after fn
  };
  using CompareFn = std::function<void(const std::vector<RebuiltGeneration>&)>;
  events::Status rebuild_and_compare(const std::vector<std::string>& names, const CompareFn& fn);

  uint64_t add_listener(ChangeListener listener);
  void remove_listener(uint64_t id);

 private:
  struct Impl;
  explicit ProjectionEngine(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace zhurnal::projections
