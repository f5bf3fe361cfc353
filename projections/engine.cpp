#include "zhurnal/projections/engine.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <functional>
#include <mutex>
#include <span>
#include <thread>

#include "internal/fold_pool.hpp"
#include "schema/message_reader.hpp"

namespace zhurnal::projections {
namespace {

using events::Status;
using events::StatusCode;

// A rebuild generation's reads of the log, in events. Rebuild mode's
// commits (here and in a catch-up from far behind) are bulk loads of every
// row held since the last one, made when the rows' memory passes
// EngineOptions::bulk_memory_bytes: a row changed by thousands of events is
// written once, and a fold from zero skips reads of rows it never wrote
// (ProjectionTx::assume_empty_store).
constexpr size_t kRebuildBatch = 4096;

std::string meta_key(std::string_view name) { return "_meta/" + std::string(name); }

std::string generation_prefix(std::string_view name, uint32_t gen) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%08x", gen);
  return std::string(name) + "/" + buf + "/";
}

struct Meta {
  uint32_t generation = 1;
  uint64_t checkpoint = 0;
  uint32_t version = 0;
};

std::string encode_meta(const Meta& m) {
  return std::to_string(m.generation) + " " + std::to_string(m.checkpoint) + " " +
         std::to_string(m.version);
}

std::optional<Meta> decode_meta(const std::string& s) {
  Meta m;
  unsigned long long cp = 0;
  if (std::sscanf(s.c_str(), "%u %llu %u", &m.generation, &cp, &m.version) != 3) {
    return std::nullopt;
  }
  m.checkpoint = cp;
  return m;
}

// Applies a batch of events to one projection's transaction; the checkpoint
// moves only over contiguous positions.
Status apply_events(Projection& p, ProjectionTx& tx, std::span<const events::RecordedEvent> batch,
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

}  // namespace

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
  std::atomic<bool> bulk_read{false};  // the same, read before mu is taken
  std::unique_ptr<events::Subscription> subscription;
  std::optional<events::SubscriptionBatch> prefetched;  // read ahead: prefetch()
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
      if (i == slots.size()) {  // the pool's reader: the next batch, while the others fold
        if (batch.back().position < bulk_until) prefetch();
        return;
      }
      try {
        folded[i] = apply_events(*slots[i].projection, *slots[i].tx, batch, &slots[i].meta.checkpoint);
      } catch (const std::exception& e) {
        folded[i] = Status(StatusCode::kIoError, e.what());
      }
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
    std::vector<std::unique_ptr<events::KvBulkLoad>> loads(slots.size());
    std::vector<std::set<std::string>> slot_topics(slots.size());
    std::vector<Status> written(slots.size());
    const std::function<void(size_t)> write = [&](size_t i) {
      if (i >= slots.size()) return;  // the pool's reader
      try {
        auto load = options.store->bulk_load();
        if (!load) {
          written[i] = load.error();
          return;
        }
        slot_topics[i] = slots[i].tx->flush(load->get());
        loads[i] = std::move(*load);
      } catch (const std::exception& e) {
        written[i] = Status(StatusCode::kIoError, e.what());
      }
    };
    if (fold_pool.running()) {
      fold_pool.run(write);
    } else {
      for (size_t i = 0; i < slots.size(); ++i) write(i);
    }
    std::vector<events::KvBulkLoad*> parts{meta->get()};
    for (size_t i = 0; i < slots.size(); ++i) {
      if (!written[i].is_ok()) return written[i];
      parts.push_back(loads[i].get());
      topics->merge(slot_topics[i]);
    }
    return events::KvBulkLoad::commit_all(parts);
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
      }
      // A helper per projection but the first (it folds on this thread),
      // and one that reads the log ahead (prefetch()).
      fold_pool.start(slots.size());
      return Status::ok();
    }
    // Rows folded and not committed (the catch-up stopped on a failed read
    // of the log) are committed before the live path takes over.
    Status st;
    if (std::any_of(slots.begin(), slots.end(),
                    [](const Slot& s) { return s.meta.checkpoint != s.committed; })) {
      std::set<std::string> topics;
      st = after_commit(commit_bulk(&topics), std::move(topics));
      if (!st.is_ok()) {
        prefetched.reset();
        subscription = options.log->subscribe(min_checkpoint());
      }
    }
    for (Slot& s : slots) s.tx->forget_written();
    fold_pool.stop();
    return st;
  }

  // Rebuild mode reads the log's next batch on a helper of the fold pool
  // while the projections fold the current one (reading was a serial eighth
  // of a rebuild). Only the stepping thread uses the subscription; step()
  // takes the batch read ahead before reading another. A failed read is not
  // kept: step() reads again and meets the error itself.
  void prefetch() {
    try {
      auto next = subscription->next(options.bulk_batch_events, std::chrono::milliseconds(0));
      if (next && !next->events.empty()) prefetched = std::move(*next);
    } catch (const std::exception&) {
    }
  }

  // Reads the next batch (waiting up to `wait`) and processes it.
  Status step(std::chrono::milliseconds wait, bool* progressed) {
    *progressed = false;
    events::Result<events::SubscriptionBatch> batch;
    if (prefetched) {
      batch = std::move(*prefetched);
      prefetched.reset();
    } else {
      batch = subscription->next(bulk_read ? options.bulk_batch_events : options.batch_events, wait);
    }
    if (!batch) return batch.error();
    if (batch->events.empty()) return Status::ok();
    std::lock_guard lock(mu);
    Status st = process(batch->events);
    if (!st.is_ok()) {
      // Resume from what is committed on the next step.
      prefetched.reset();
      subscription = options.log->subscribe(min_checkpoint());
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
                           const std::function<Status(const std::vector<uint64_t>&)>& finish) {
    // The scratch generations are invisible until a swap, and dropped at the
    // next open if the process dies first: they are bulk-loaded (their rows
    // are held in memory up to EngineOptions::bulk_memory_bytes, all of them
    // together, between bulk loads) and need no checkpoint of their own until
    // finish().
    const size_t n = targets.size();
    std::vector<std::unique_ptr<ProjectionTx>> txs;
    std::vector<uint64_t> checkpoints(n, 0), limits(n, 0);
    {
      // Start from empty key spaces: rows of an earlier attempt at a
      // generation that failed (rebuild() keeps the generation number) must
      // not be read as this fold's.
      events::KvBatch kv;
      for (size_t i = 0; i < n; ++i) {
        const std::string prefix = generation_prefix(targets[i]->projection->name(), gens[i]);
        kv.erase_range(prefix, events::KvStore::prefix_end(prefix));
        txs.push_back(std::make_unique<ProjectionTx>(options.store, prefix));
      }
      if (Status st = options.store->write(kv); !st.is_ok()) return st;
      std::lock_guard lock(mu);
      for (size_t i = 0; i < n; ++i) txs[i]->assume_empty_store(targets[i]->meta.checkpoint);
    }
    internal::FoldPool pool;
    pool.start(n);  // a helper per target but the first, and the reader
    std::vector<Status> results(n + 1);
    auto commit = [&]() -> Status {
      std::vector<std::unique_ptr<events::KvBulkLoad>> loads(n);
      pool.run([&](size_t i) {
        if (i == n) return;
        try {
          auto load = options.store->bulk_load();
          if (!load) {
            results[i] = load.error();
            return;
          }
          txs[i]->flush(load->get());
          loads[i] = std::move(*load);
          results[i] = Status::ok();
        } catch (const std::exception& e) {
          results[i] = Status(StatusCode::kIoError, e.what());
        }
      });
      Status st;
      std::vector<events::KvBulkLoad*> parts;
      for (size_t i = 0; i < n && st.is_ok(); ++i) {
        st = results[i];
        parts.push_back(loads[i].get());
      }
      if (st.is_ok()) st = events::KvBulkLoad::commit_all(parts);
      if (!st.is_ok()) {
        for (auto& tx : txs) tx->discard();  // the rebuild fails; the next one starts over
      }
      return st;
    };
    // Two batches: one folded while the reader fills the other. Reused: their
    // strings keep their storage.
    std::vector<events::RecordedEvent> batches[2];
    int current = 0;
    uint64_t read_to = 0;  // the last position in batches[current]
    auto read = [&](std::vector<events::RecordedEvent>* out, uint64_t from, uint64_t to) -> Status {
      out->clear();
      if (from > to) return Status::ok();
      return options.log->read_all(from, std::min<uint64_t>(kRebuildBatch, to - from + 1), out);
    };
    auto advance = [&]() -> Status {
      // From the first event a target still lacks to the last one any needs
      // (a target already at its limit does not hold the read back).
      uint64_t from = UINT64_MAX, to = 0;
      for (size_t i = 0; i < n; ++i) {
        if (checkpoints[i] >= limits[i]) continue;
        from = std::min(from, checkpoints[i] + 1);
        to = std::max(to, limits[i]);
      }
      if (from > to) return Status::ok();  // nothing to fold (nothing held either)
      if (Status st = read(&batches[current], from, to); !st.is_ok()) return st;
      while (!batches[current].empty()) {
        const auto& batch = batches[current];
        read_to = batch.back().position;
        auto& next = batches[1 - current];
        pool.run([&](size_t i) {
          try {
            if (i == n) {
              results[i] = read(&next, read_to + 1, to);
              return;
            }
            // This target's events: those up to its limit.
            size_t count = batch.size();
            if (limits[i] < read_to) count -= std::min<uint64_t>(count, read_to - limits[i]);
            results[i] = apply_events(*targets[i]->projection, *txs[i],
                                      std::span(batch.data(), count), &checkpoints[i]);
          } catch (const std::exception& e) {
            results[i] = Status(StatusCode::kIoError, e.what());
          }
        });
        for (const Status& st : results) {
          if (!st.is_ok()) return st;
        }
        size_t held = 0;
        for (const auto& tx : txs) held += tx->held_bytes();
        if (held >= options.bulk_memory_bytes) {
          if (Status st = commit(); !st.is_ok()) return st;
        }
        current = 1 - current;
      }
      read_to = 0;
      for (size_t i = 0; i < n; ++i) {
        if (checkpoints[i] < limits[i]) {
          return {StatusCode::kCorruption, "log ended before the checkpoint " + std::to_string(limits[i])};
        }
      }
      return commit();
    };
    // Most of the work happens while the live generations keep serving.
    {
      std::lock_guard lock(mu);
      for (size_t i = 0; i < n; ++i) limits[i] = targets[i]->meta.checkpoint;
    }
    if (Status st = advance(); !st.is_ok()) return st;
    std::unique_lock lock(mu);
    for (size_t i = 0; i < n; ++i) limits[i] = targets[i]->meta.checkpoint;  // live only grows
    if (Status st = advance(); !st.is_ok()) return st;
    return finish(checkpoints);
  }
};

ProjectionEngine::ProjectionEngine(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

ProjectionEngine::~ProjectionEngine() { stop(); }

events::Result<std::unique_ptr<ProjectionEngine>> ProjectionEngine::open(
    EngineOptions options, std::vector<std::unique_ptr<Projection>> projections) {
  if (!options.log || !options.store) {
    return events::error(StatusCode::kInvalidArgument, "engine needs a log and a store");
  }
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  events::KvBatch kv;
  for (auto& p : projections) {
    if (p->name().empty() || p->name()[0] < 'a' || p->name()[0] > 'z' ||
        p->name().find('/') != std::string_view::npos) {
      // Bulk loads rely on it (Impl::commit_bulk).
      return events::error(StatusCode::kInvalidArgument,
                           "projection name must start with a lowercase letter and have no '/': " +
                               std::string(p->name()));
    }
    Impl::Slot slot;
    auto stored = options.store->get(meta_key(p->name()));
    if (!stored) return std::unexpected(stored.error());
    std::optional<Meta> meta = *stored ? decode_meta(**stored) : std::nullopt;
    if (!meta) {
      meta = Meta{1, 0, p->version()};
    } else if (meta->version != p->version()) {
      // The projection's meaning changed: start a fresh generation from zero.
      meta = Meta{meta->generation + 1, 0, p->version()};
    }
    // Drop every other generation (a rebuild interrupted by a crash, or the
    // generation a swap replaced).
    const std::string name(p->name());
    kv.erase_range(name + "/", generation_prefix(name, meta->generation));
    kv.erase_range(generation_prefix(name, meta->generation + 1), name + "0");
    if (meta->checkpoint == 0) {
      // Nothing was committed to this generation (rows commit with their
      // checkpoint), but a rebuild that failed before a version bump may have
      // left rows under its number: a fold from zero starts from an empty
      // key space (catch_up() relies on it: assume_empty_store).
      const std::string gen = generation_prefix(name, meta->generation);
      kv.erase_range(gen, events::KvStore::prefix_end(gen));
    }
    kv.put(meta_key(name), encode_meta(*meta));
    slot.meta = *meta;
    slot.committed = meta->checkpoint;
    slot.tx = std::make_unique<ProjectionTx>(options.store, generation_prefix(name, meta->generation));
    slot.projection = std::move(p);
    impl->slots.push_back(std::move(slot));
  }
  if (Status st = options.store->write(kv); !st.is_ok()) return std::unexpected(st);
  impl->position = impl->min_checkpoint();
  impl->subscription = options.log->subscribe(impl->min_checkpoint());
  return std::unique_ptr<ProjectionEngine>(new ProjectionEngine(std::move(impl)));
}

Status ProjectionEngine::catch_up() {
  const uint64_t head = impl_->options.log->head_position();
  // Far behind (a fresh store, a version bump, a restore): rebuild mode.
  const bool bulk = head > position() + impl_->options.batch_events;
  if (bulk) {
    impl_->bulk_read = true;
    if (Status st = impl_->set_bulk(true, head); !st.is_ok()) return st;
  }
  Status st = impl_->catch_up_to(head);
  if (bulk) {
    impl_->bulk_read = false;
    Status off = impl_->set_bulk(false);
    if (st.is_ok()) st = off;
  }
  return st;
}

void ProjectionEngine::start() {
  if (impl_->thread.joinable()) return;
  impl_->stopping = false;
  impl_->thread = std::thread([impl = impl_.get()] { impl->run(); });
}

void ProjectionEngine::stop() {
  if (!impl_) return;
  impl_->stopping = true;
  if (impl_->thread.joinable()) impl_->thread.join();
}

uint64_t ProjectionEngine::position() const {
  return impl_->position.load(std::memory_order_acquire);
}

bool ProjectionEngine::wait_position(uint64_t position, std::chrono::milliseconds wait) const {
  std::unique_lock lock(impl_->position_mu);
  return impl_->position_cv.wait_for(lock, wait, [&] {
    return impl_->position.load(std::memory_order_acquire) >= position;
  });
}

std::vector<ProjectionStatus> ProjectionEngine::status() const {
  std::lock_guard lock(impl_->mu);
  const uint64_t head = impl_->options.log->head_position();
  std::vector<ProjectionStatus> out;
  for (const auto& s : impl_->slots) {
    out.push_back({std::string(s.projection->name()), s.meta.generation, s.meta.checkpoint,
                   head > s.meta.checkpoint ? head - s.meta.checkpoint : 0, s.rebuilding});
  }
  return out;
}

std::string ProjectionEngine::active_prefix(std::string_view name) const {
  std::lock_guard lock(impl_->mu);
  for (const auto& s : impl_->slots) {
    if (s.projection->name() == name) return s.tx->prefix();
  }
  return {};
}

Status ProjectionEngine::rebuild(std::string_view name) {
  Impl::Slot* slot = nullptr;
  uint32_t gen = 0;
  {
    std::lock_guard lock(impl_->mu);
    slot = impl_->find(name);
    if (!slot) return {StatusCode::kNotFound, "no projection " + std::string(name)};
    if (slot->rebuilding) return {StatusCode::kInvalidArgument, "already rebuilding"};
    slot->rebuilding = true;
    gen = slot->meta.generation + 1;
  }
  Status st = impl_->build_generations({slot}, {gen}, [&](const std::vector<uint64_t>& checkpoints) {
    Impl::Slot& s = *slot;
    const uint64_t checkpoint = checkpoints[0];
    // Swap: the meta row flips to the new generation in one write. The old
    // generation's rows stay until the next open, so a reader that resolved
    // the old prefix a moment ago still reads a whole view.
    Meta meta{gen, checkpoint, s.projection->version()};
    events::KvBatch kv;
    kv.put(meta_key(s.projection->name()), encode_meta(meta));
    if (Status w = impl_->options.store->write(kv); !w.is_ok()) return w;
    s.meta = meta;
    s.committed = checkpoint;
    s.tx = std::make_unique<ProjectionTx>(impl_->options.store,
                                          generation_prefix(s.projection->name(), gen));
    return Status::ok();
  });
  std::lock_guard lock(impl_->mu);
  slot->rebuilding = false;
  return st;
}

Status ProjectionEngine::rebuild_and_compare(
    std::string_view name, const std::function<void(const std::string&, const std::string&)>& fn) {
  return rebuild_and_compare(std::vector<std::string>{std::string(name)},
                             [&](const std::vector<RebuiltGeneration>& g) { fn(g[0].live, g[0].rebuilt); });
}

Status ProjectionEngine::rebuild_and_compare(const std::vector<std::string>& names,
                                             const CompareFn& fn) {
  std::vector<Impl::Slot*> slots;
  std::vector<uint32_t> scratch;
  {
    std::lock_guard lock(impl_->mu);
    for (const std::string& name : names) {
      Impl::Slot* slot = impl_->find(name);
      if (!slot) return {StatusCode::kNotFound, "no projection " + name};
      if (slot->rebuilding || std::find(slots.begin(), slots.end(), slot) != slots.end()) {
        return {StatusCode::kInvalidArgument, "already rebuilding " + name};
      }
      slots.push_back(slot);
      scratch.push_back(slot->meta.generation + 1);
    }
    for (Impl::Slot* slot : slots) slot->rebuilding = true;
  }
  Status st = impl_->build_generations(slots, scratch, [&](const std::vector<uint64_t>&) {
    std::vector<RebuiltGeneration> generations;
    for (size_t i = 0; i < slots.size(); ++i) {
      const std::string name(slots[i]->projection->name());
      generations.push_back({name, slots[i]->tx->prefix(), generation_prefix(name, scratch[i])});
    }
    fn(generations);
    return Status::ok();
  });
  events::KvBatch kv;
  for (size_t i = 0; i < slots.size(); ++i) {
    const std::string prefix = generation_prefix(slots[i]->projection->name(), scratch[i]);
    kv.erase_range(prefix, events::KvStore::prefix_end(prefix));
  }
  Status drop = impl_->options.store->write(kv);
  std::lock_guard lock(impl_->mu);
  for (Impl::Slot* slot : slots) slot->rebuilding = false;
  return st.is_ok() ? drop : st;
}

uint64_t ProjectionEngine::add_listener(ChangeListener listener) {
  std::lock_guard lock(impl_->listeners_mu);
  const uint64_t id = impl_->next_listener++;
  impl_->listeners.emplace_back(id, std::move(listener));
  return id;
}

void ProjectionEngine::remove_listener(uint64_t id) {
  std::lock_guard lock(impl_->listeners_mu);
  std::erase_if(impl_->listeners, [id](const auto& l) { return l.first == id; });
}

}  // namespace zhurnal::projections
