// ProjectionEngine's state and its rebuild-mode machinery, shared by
// engine.cpp (open, catch-up, the live thread) and generations.cpp (rebuild
// generations: rebuild(), rebuild_and_compare()). Internal to projections/.
#pragma once

#include "zhurnal/projections/engine.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <functional>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "internal/fold_pool.hpp"
#include "internal/read_ahead.hpp"
#include "schema/message_reader.hpp"

namespace zhurnal::projections {

using events::Status;
using events::StatusCode;

// Rebuild mode (a catch-up from far behind, and a rebuild generation) reads
// the log in batches of EngineOptions::bulk_batch_events. Its commits are
// bulk loads of every row held since the last one, made when the rows'
// memory passes EngineOptions::bulk_memory_bytes: a row changed by
// thousands of events is written once, and a fold from zero skips reads of
// rows it never wrote (ProjectionTx::assume_empty_store).

inline std::string meta_key(std::string_view name) { return "_meta/" + std::string(name); }

inline std::string generation_prefix(std::string_view name, uint32_t gen) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%08x", gen);
  return std::string(name) + "/" + buf + "/";
}

// Deletions of key spaces that nothing reads any more (a projection's other
// generations, a scratch generation), written in a batch with other
// changes, then their table files freed.
class RangeDrop {
 public:
  // Adds to `kv` the deletion of the keys in [begin, end), if the store
  // holds any, and the range to those whose files free_files() frees (also
  // when it holds none: files whose keys a deletion already hides, written
  // by a process that died before it freed them). A range deletion that
  // covers nothing is not free: it sits in
  // the memtable, a bulk load whose file overlaps it flushes it into level
  // 0 (an ingestion goes below nothing it overlaps), and the load's files
  // then all land in level 0 above it, to be compacted whole afterwards.
  // Without it, a fold from zero into an empty key space puts its files in
  // the lowest level, where nothing rewrites them (docs/design.md,
  // "Projection rebuild mode"). The check is one seek; RocksDB's iterators
  // skip what a range deletion covers without visiting it key by key.
  Status add(events::KvStore& store, events::KvBatch& kv, std::string begin, std::string end) {
    bool any = false;
    Status st = store.scan(begin, end, [&](std::string_view, std::string_view) {
      any = true;
      return false;
    });
    if (!st.is_ok()) return st;
    if (any) kv.erase_range(begin, end);
    ranges_.emplace_back(std::move(begin), std::move(end));
    return Status::ok();
  }

  // Once `kv` is written: frees the table files that lie wholly in the
  // ranges added (KvStore::delete_files_in_range), rather than wait for
  // compactions to reach the lower levels a bulk load put them in. A range
  // without such files costs a look at the store's file list. A failure
  // only leaves the space to the compactions.
  void free_files(events::KvStore& store) const {
    for (const auto& [begin, end] : ranges_) {
      if (Status st = store.delete_files_in_range(begin, end); !st.is_ok()) {
        spdlog::warn("view store: the files of {}..{} stay until compacted: {}", begin, end, st.to_string());
      }
    }
  }

 private:
  std::vector<std::pair<std::string, std::string>> ranges_;
};

struct Meta {
  uint32_t generation = 1;
  uint64_t checkpoint = 0;
  uint32_t version = 0;
};

inline std::string encode_meta(const Meta& m) {
  return std::to_string(m.generation) + " " + std::to_string(m.checkpoint) + " " +
         std::to_string(m.version);
}

inline std::optional<Meta> decode_meta(const std::string& s) {
  Meta m;
  unsigned long long cp = 0;
  if (std::sscanf(s.c_str(), "%u %llu %u", &m.generation, &cp, &m.version) != 3) {
    return std::nullopt;
  }
  m.checkpoint = cp;
  return m;
}

// A task's status for a pool thread, which nothing may escape: an exception
// (a failed view-store read in ProjectionTx::find, bad_alloc) becomes
// kIoError.
template <typename Task>
Status guarded(Task&& task) {
  try {
    return task();
  } catch (const std::exception& e) {
    return Status(StatusCode::kIoError, e.what());
  }
}

// A piece of a bulk flush: transaction `tx`'s sorted writes [begin, end).
struct FlushPiece {
  size_t tx, begin, end;
};

// The pieces of a bulk flush of transactions with writes[i] writes each, in
// key order: each holds at most about an eighth of all the writes, so that
// the last pieces to finish leave little time with one thread idle, and
// never fewer than kMinFlushPiece writes unless its transaction has fewer
// left (a table file each). A transaction with no writes has no piece.
constexpr size_t kMinFlushPiece = 32768;
inline std::vector<FlushPiece> flush_pieces(const std::vector<size_t>& writes) {
  size_t total = 0;
  for (size_t w : writes) total += w;
  const size_t piece = std::max(kMinFlushPiece, (total + 7) / 8);
  std::vector<FlushPiece> pieces;
  for (size_t i = 0; i < writes.size(); ++i) {
    for (size_t b = 0; b < writes[i]; b += piece) pieces.push_back({i, b, std::min(writes[i], b + piece)});
  }
  return pieces;
}

// Rebuild mode's commit of held rows, on the pool's threads (no pool: one
// after another here):
//  1. each transaction sorts its writes, on the thread of its own index;
//  2. the sorted writes are cut into pieces of consecutive keys, each
//     written into a bulk load of its own (a table file: encoded,
//     compressed, finished and synced), and every thread takes the next
//     piece until none is left. One projection's rows are most of a
//     rebuild's final flush (the journal's: more than half), and in pieces
//     both cores write them;
//  3. each transaction clears its rows.
// Then `first` (may be null: e.g. the checkpoints) and the files are added
// to the store in one step (KvBulkLoad::commit_all). Each transaction's
// topics go to `topics` (may be null).
inline Status flush_and_commit(events::KvStore& store, internal::FoldPool& pool,
                               const std::vector<ProjectionTx*>& txs, events::KvBulkLoad* first,
                               std::set<std::string>* topics) {
  const size_t n = txs.size();
  auto on_pool = [&](const std::function<void(size_t)>& work, size_t tasks) {
    if (pool.running()) {
      pool.run(work);
    } else {
      for (size_t i = 0; i < tasks; ++i) work(i);
    }
  };
  std::vector<size_t> writes(n, 0);
  std::vector<Status> sorted(n);
  on_pool([&](size_t i) {
    if (i < n) sorted[i] = guarded([&] {
      writes[i] = txs[i]->sort_writes();
      return Status::ok();
    });
  }, n);
  Status st;
  for (const Status& s : sorted) {
    if (!s.is_ok() && st.is_ok()) st = s;
  }
  const std::vector<FlushPiece> pieces = st.is_ok() ? flush_pieces(writes) : std::vector<FlushPiece>();
  std::vector<std::unique_ptr<events::KvBulkLoad>> loads(pieces.size());
  std::vector<Status> written(pieces.size());
  std::atomic<size_t> next{0};
  on_pool([&](size_t) {
    for (size_t p; (p = next.fetch_add(1)) < pieces.size();) {
      written[p] = guarded([&]() -> Status {
        auto load = store.bulk_load();
        if (!load) return load.error();
        txs[pieces[p].tx]->write_sorted(pieces[p].begin, pieces[p].end, load->get());
        loads[p] = std::move(*load);
        return loads[p]->finish_file();
      });
    }
  }, 1);
  std::vector<std::set<std::string>> touched(n);
  on_pool([&](size_t i) {
    if (i < n) touched[i] = txs[i]->end_flush();
  }, n);
  if (!st.is_ok()) return st;
  std::vector<events::KvBulkLoad*> parts;
  if (first) parts.push_back(first);
  for (size_t p = 0; p < pieces.size(); ++p) {
    if (!written[p].is_ok()) return written[p];
    parts.push_back(loads[p].get());
  }
  if (topics) {
    for (auto& t : touched) topics->merge(t);
  }
  return events::KvBulkLoad::commit_all(parts);
}

// The view store in bulk-loading mode while it lives: rebuild mode's
// commits are bulk loads, each overlapping the ones before, compacted once
// after it (KvStore::pause_compactions). Failures are not reported: a
// pause that failed costs only time, and a resume that failed is retried
// by the next pause or resume.
class CompactionPause {
 public:
  explicit CompactionPause(events::KvStore* store) : store_(store) { (void)store_->pause_compactions(); }
  ~CompactionPause() { (void)store_->resume_compactions(); }
  CompactionPause(const CompactionPause&) = delete;
  CompactionPause& operator=(const CompactionPause&) = delete;

 private:
  events::KvStore* store_;
};

// What the engine reads of each event for the folds (Projection::apply).
inline constexpr events::EventFields kFoldFields = events::EventFields::kFold;

// Applies a batch of events to one projection's transaction; the checkpoint
// moves only over contiguous positions.
inline Status apply_events(Projection& p, ProjectionTx& tx, std::span<const events::RecordedEvent> batch,
                    uint64_t* checkpoint) {
  for (const events::RecordedEvent& e : batch) {
    if (e.position <= *checkpoint) continue;
    if (e.position != *checkpoint + 1) {
      return {StatusCode::kCorruption, "projection " + std::string(p.name()) +
                                           " refuses a gap: expected position " +
                                           std::to_string(*checkpoint + 1) + ", got " +
                                           std::to_string(e.position)};
    }
    try {
      schema::BoundedMessageReader reader(e.payload);
      p.apply(e, reader.root<schema::JournalEvent>(), tx);
    } catch (const kj::Exception&) {
      // An undecodable payload is skipped by every projection alike.
    }
    *checkpoint = e.position;
  }
  return Status::ok();
}


struct ProjectionEngine::Impl {
  struct Slot {
    std::unique_ptr<Projection> projection;
    Meta meta;            // meta.checkpoint: the last event folded into tx
    uint64_t committed = 0;  // the checkpoint stored with the rows
    std::unique_ptr<ProjectionTx> tx;
    bool rebuilding = false;
  };

  EngineOptions options;
  std::vector<Slot> slots;
  // Held while a batch is applied and committed, and while a rebuild swaps.
  mutable std::mutex mu;
  bool bulk = false;                   // rebuild mode (catch_up far behind); under mu
  uint64_t bulk_until = 0;             // rebuild mode commits once this is folded; under mu
  internal::FoldPool fold_pool;                  // rebuild mode's helpers; under mu
  std::optional<CompactionPause> compaction_pause;  // in rebuild mode; under mu
  std::atomic<bool> bulk_read{false};  // the same, read before mu is taken
  std::unique_ptr<events::Subscription> subscription;
  // The batch being processed when step() reads it itself: read into again
  // and again, so that its events' strings keep their storage.
  events::SubscriptionBatch current;
  // Rebuild mode's reader, which uses `subscription` while it runs; after
  // it, so that it stops before the subscription goes.
  internal::ReadAhead read_ahead;
  std::thread thread;
  std::atomic<bool> stopping{false};
  std::atomic<uint64_t> position{0};
  mutable std::mutex position_mu;
  mutable std::condition_variable position_cv;
  std::mutex listeners_mu;
  std::vector<std::pair<uint64_t, ChangeListener>> listeners;
  uint64_t next_listener = 1;

  Slot* find(std::string_view name) {
    for (Slot& s : slots) {
      if (s.projection->name() == name) return &s;
    }
    return nullptr;
  }

  uint64_t min_checkpoint() const {
    uint64_t m = UINT64_MAX;
    for (const Slot& s : slots) m = std::min(m, s.meta.checkpoint);
    return slots.empty() ? options.log->head_position() : m;
  }

  // Listeners hear of a batch before the position moves, so that whoever
  // waits for the position (sync(), catch_up()) finds them done.
  void publish(uint64_t pos, std::set<std::string> topics) {
    {
      ChangeSet changes{pos, std::move(topics)};
      std::lock_guard lock(listeners_mu);
      for (auto& [id, l] : listeners) l(changes);
    }
    {
      std::lock_guard lock(position_mu);
      position.store(pos, std::memory_order_release);
    }
    position_cv.notify_all();
  }

  // Applies and commits one batch to every projection. Caller holds mu.
  // In rebuild mode (`bulk`) the projections fold on their own threads (they
  // share nothing but the store, which is thread-safe) and keep their rows
  // in memory until commit_bulk(); live, they fold one after another and
  // commit each batch.
  Status process(const std::vector<events::RecordedEvent>& batch) {
    std::vector<Status> folded(slots.size());
    const std::function<void(size_t)> fold = [&](size_t i) {
      if (bulk) slots[i].tx->touch_all();
      folded[i] = guarded(
          [&] { return apply_events(*slots[i].projection, *slots[i].tx, batch, &slots[i].meta.checkpoint); });
    };
    if (bulk && fold_pool.running()) {
      fold_pool.run(fold);
    } else {
      for (size_t i = 0; i < slots.size(); ++i) {
        fold(i);
        if (!folded[i].is_ok()) break;
      }
    }
    Status st;
    for (const Status& f : folded) {
      if (!f.is_ok()) {
        st = f;
        break;
      }
    }
    std::set<std::string> topics;
    if (st.is_ok() && bulk) {
      if (batch.back().position < bulk_until && held_bytes() < options.bulk_memory_bytes) {
        return Status::ok();  // the rows stay in memory; nothing is committed yet
      }
      if (batch.back().position >= bulk_until) {
        // The catch-up's last commit: no fold reads the filter of written
        // rows after it (set_bulk(false) drops it), so its rows need not
        // go in.
        for (Slot& s : slots) s.tx->forget_written();
      }
      st = commit_bulk(&topics);
    } else if (st.is_ok()) {
      events::KvBatch kv;
      for (Slot& s : slots) {
        topics.merge(s.tx->flush(&kv));
        kv.put(meta_key(s.projection->name()), encode_meta(s.meta));
      }
      st = options.store->write(kv);
    }
    return after_commit(st, std::move(topics));
  }

  // After a commit: the checkpoints stored, or (when it failed) the state
  // back to the last commit. The caller then resubscribes from
  // min_checkpoint().
  Status after_commit(Status st, std::set<std::string> topics) {
    if (!st.is_ok()) {
      for (Slot& s : slots) {
        s.meta.checkpoint = s.committed;
        s.tx->discard();  // drop what was applied since the last commit
      }
      return st;
    }
    for (Slot& s : slots) s.committed = s.meta.checkpoint;
    publish(min_checkpoint(), std::move(topics));
    return Status::ok();
  }

  size_t held_bytes() const {
    size_t n = 0;
    for (const Slot& s : slots) n += s.tx->held_bytes();
    return n;
  }

  // Rebuild mode's commit: every projection's rows held since the last one
  // and their checkpoints, as one bulk load made of a table file per
  // projection and one of the checkpoints, added to the store in one step
  // (atomically: KvBulkLoad::commit_all). Each projection sorts and writes
  // its file on its own fold thread. The files' key ranges do not overlap:
  // the checkpoints ("_meta/<name>") sort below every projection's rows
  // ("<name>/<gen>/...", names start with a lowercase letter: open() checks),
  // and projections' key spaces do not interleave.
  Status commit_bulk(std::set<std::string>* topics) {
    auto meta = options.store->bulk_load();
    if (!meta) return meta.error();
    std::vector<Slot*> order;
    for (Slot& s : slots) order.push_back(&s);
    std::sort(order.begin(), order.end(),
              [](const Slot* a, const Slot* b) { return a->tx->prefix() < b->tx->prefix(); });
    for (Slot* s : order) (*meta)->put(meta_key(s->projection->name()), encode_meta(s->meta));
    std::vector<ProjectionTx*> txs;
    for (Slot& s : slots) txs.push_back(s.tx.get());
    return flush_and_commit(*options.store, fold_pool, txs, meta->get(), topics);
  }

  // Rebuild mode on or off, under mu, on the thread that steps. `until`:
  // the position it is to reach (it commits there; the distance sizes the
  // filter of rows written for projections that start from zero:
  // ProjectionTx::assume_empty_store).
  Status set_bulk(bool on, uint64_t until = 0) {
    std::lock_guard lock(mu);
    if (bulk == on) return Status::ok();
    bulk = on;
    bulk_until = until;
    if (on) {
      const uint64_t events = until - std::min(until, min_checkpoint());
      // A generation with checkpoint zero never committed a row (rows and
      // the checkpoint commit together), so its key space is empty.
      for (Slot& s : slots) {
        if (s.meta.checkpoint == 0) s.tx->assume_empty_store(events);
        s.tx->retain_memory(true);
      }
      // A helper per projection but the first (it folds on this thread);
      // the log's next batches are read on the reader's own thread.
      fold_pool.start(slots.empty() ? 0 : slots.size() - 1);
      read_ahead.start(subscription.get(), options.bulk_batch_events, until);
      compaction_pause.emplace(options.store);
      return Status::ok();
    }
    // Batches read and not folded (the catch-up stopped on an error) are
    // dropped, and the subscription resumes after what was folded.
    const bool dropped = read_ahead.stop();
    // Rows folded and not committed (the catch-up stopped on a failed read
    // of the log) are committed before the live path takes over.
    Status st;
    if (std::any_of(slots.begin(), slots.end(),
                    [](const Slot& s) { return s.meta.checkpoint != s.committed; })) {
      std::set<std::string> topics;
      st = after_commit(commit_bulk(&topics), std::move(topics));
    }
    if (!st.is_ok() || dropped) {
      subscription = options.log->subscribe(min_checkpoint(), kFoldFields);
    }
    for (Slot& s : slots) {
      s.tx->forget_written();
      s.tx->retain_memory(false);
    }
    fold_pool.stop();
    compaction_pause.reset();
    return st;
  }

  // Reads the next batch (waiting up to `wait`) and processes it. In
  // rebuild mode the batch comes from the reader (read_ahead) while it has
  // one; once it has stopped, step() reads the subscription itself (and so
  // meets a failed read or an empty log itself).
  Status step(std::chrono::milliseconds wait, bool* progressed) {
    *progressed = false;
    events::SubscriptionBatch* batch = read_ahead.running() ? read_ahead.take() : nullptr;
    if (!batch) {
      const size_t max = bulk_read ? options.bulk_batch_events : options.batch_events;
      if (Status st = subscription->next_into(max, wait, &current); !st.is_ok()) return st;
      batch = &current;
    }
    if (batch->events.empty()) return Status::ok();
    std::lock_guard lock(mu);
    Status st = process(batch->events);
    if (!st.is_ok()) {
      // Resume from what is committed on the next step, reading ahead again
      // in rebuild mode.
      read_ahead.stop();
      subscription = options.log->subscribe(min_checkpoint(), kFoldFields);
      if (bulk) read_ahead.start(subscription.get(), options.bulk_batch_events, bulk_until);
      return st;
    }
    *progressed = true;
    return Status::ok();
  }

  // Steps until every projection reflects `head`.
  Status catch_up_to(uint64_t head) {
    while (position.load(std::memory_order_acquire) < head) {
      bool progressed = false;
      Status st = step(std::chrono::milliseconds(0), &progressed);
      if (!st.is_ok()) return st;
      if (!progressed && position.load(std::memory_order_acquire) < head) {
        // The subscription has nothing although the head is ahead: wait a bit.
        st = step(std::chrono::milliseconds(50), &progressed);
        if (!st.is_ok()) return st;
      }
    }
    return Status::ok();
  }

  void run() {
    while (!stopping.load()) {
      bool progressed = false;
      Status st = step(std::chrono::milliseconds(100), &progressed);
      if (!st.is_ok()) {
        if (options.logger) options.logger->error("projections stopped a batch: {}", st.to_string());
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
      }
    }
  }

  // Builds each slot of `targets` at the generation of the same index,
  // from position zero up to its live checkpoint, in one pass over the log:
  // the projections fold each batch on threads of their own while the next
  // batch is read. Then, under mu (the live checkpoints held steady), calls
  // finish(checkpoints) once, each target's scratch checkpoint equal to its
  // live one.
  Status build_generations(const std::vector<Slot*>& targets, const std::vector<uint32_t>& gens,
                           const std::function<Status(const std::vector<uint64_t>&)>& finish);
};

}  // namespace zhurnal::projections
