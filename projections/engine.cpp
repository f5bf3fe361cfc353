#include "zhurnal/projections/engine.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <functional>
#include <mutex>
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
Status apply_events(Projection& p, ProjectionTx& tx, const std::vector<events::RecordedEvent>& batch,
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
  // and their checkpoints, in one bulk load (one table file, added to the
  // store atomically). Keys go in increasing order: the checkpoints
  // ("_meta/<name>") sort below every projection's rows ("<name>/<gen>/...",
  // names start with a lowercase letter: open() checks), and projections'
  // key spaces do not interleave.
  Status commit_bulk(std::set<std::string>* topics) {
    auto load = options.store->bulk_load();
    if (!load) return load.error();
    std::vector<Slot*> order;
    for (Slot& s : slots) order.push_back(&s);
    std::sort(order.begin(), order.end(),
              [](const Slot* a, const Slot* b) { return a->tx->prefix() < b->tx->prefix(); });
    for (Slot* s : order) (*load)->put(meta_key(s->projection->name()), encode_meta(s->meta));
    for (Slot* s : order) topics->merge(s->tx->flush(load->get()));
    return (*load)->commit();
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
      if (slots.size() > 1) fold_pool.start(slots.size() - 1);
      return Status::ok();
    }
    // Rows folded and not committed (the catch-up stopped on a failed read
    // of the log) are committed before the live path takes over.
    Status st;
    if (std::any_of(slots.begin(), slots.end(),
                    [](const Slot& s) { return s.meta.checkpoint != s.committed; })) {
      std::set<std::string> topics;
      st = after_commit(commit_bulk(&topics), std::move(topics));
      if (!st.is_ok()) subscription = options.log->subscribe(min_checkpoint());
    }
    for (Slot& s : slots) s.tx->forget_written();
    fold_pool.stop();
    return st;
  }

  // Reads the next batch (waiting up to `wait`) and processes it.
  Status step(std::chrono::milliseconds wait, bool* progressed) {
    *progressed = false;
    auto batch = subscription->next(bulk_read ? options.bulk_batch_events : options.batch_events, wait);
    if (!batch) return batch.error();
    if (batch->events.empty()) return Status::ok();
    std::lock_guard lock(mu);
    Status st = process(batch->events);
    if (!st.is_ok()) {
      // Resume from what is committed on the next step.
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

  // Builds `name` at generation `gen` from position zero up to the live
  // checkpoint, then calls finish(slot) under mu with the scratch checkpoint
  // equal to the live one.
  Status build_generation(Slot* slot, uint32_t gen,
                          const std::function<Status(Slot&, uint64_t)>& finish) {
    // The scratch generation is invisible until the swap, and dropped at the
    // next open if the process dies first: it is bulk-loaded (its rows are
    // held in memory up to EngineOptions::bulk_memory_bytes between bulk
    // loads) and needs no checkpoint of its own until finish().
    const std::string prefix = generation_prefix(slot->projection->name(), gen);
    ProjectionTx tx(options.store, prefix);
    {
      // Start from an empty key space: rows of an earlier attempt at this
      // generation that failed (rebuild() keeps the generation number) must
      // not be read as this fold's.
      events::KvBatch kv;
      kv.erase_range(prefix, events::KvStore::prefix_end(prefix));
      if (Status st = options.store->write(kv); !st.is_ok()) return st;
      std::lock_guard lock(mu);
      tx.assume_empty_store(slot->meta.checkpoint);
    }
    uint64_t checkpoint = 0;
    std::vector<events::RecordedEvent> batch;  // reused: its strings keep their storage
    auto commit = [&]() -> Status {
      auto load = options.store->bulk_load();
      if (!load) return load.error();
      tx.flush(load->get());
      Status st = (*load)->commit();
      if (!st.is_ok()) tx.discard();  // the rebuild fails; the next one starts over
      return st;
    };
    auto advance = [&](uint64_t limit) -> Status {
      while (checkpoint < limit) {
        Status read = options.log->read_all(
            checkpoint + 1, std::min<uint64_t>(kRebuildBatch, limit - checkpoint), &batch);
        if (!read.is_ok()) return read;
        if (batch.empty()) return {StatusCode::kCorruption, "log ended before the checkpoint"};
        try {
          Status st = apply_events(*slot->projection, tx, batch, &checkpoint);
          if (!st.is_ok()) return st;
        } catch (const std::exception& e) {
          return {StatusCode::kIoError, e.what()};
        }
        if (tx.held_bytes() >= options.bulk_memory_bytes) {
          if (Status st = commit(); !st.is_ok()) return st;
        }
      }
      if (Status st = commit(); !st.is_ok()) return st;
      return Status::ok();
    };
    for (;;) {
      // Most of the work happens while the live generation keeps serving.
      uint64_t live = 0;
      {
        std::lock_guard lock(mu);
        live = slot->meta.checkpoint;
      }
      if (Status st = advance(live); !st.is_ok()) return st;
      std::unique_lock lock(mu);
      if (checkpoint > slot->meta.checkpoint) continue;  // cannot happen: live only grows
      if (Status st = advance(slot->meta.checkpoint); !st.is_ok()) return st;
      return finish(*slot, checkpoint);
    }
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
  Status st = impl_->build_generation(slot, gen, [&](Impl::Slot& s, uint64_t checkpoint) {
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
  Impl::Slot* slot = nullptr;
  uint32_t scratch = 0;
  {
    std::lock_guard lock(impl_->mu);
    slot = impl_->find(name);
    if (!slot) return {StatusCode::kNotFound, "no projection " + std::string(name)};
    if (slot->rebuilding) return {StatusCode::kInvalidArgument, "already rebuilding"};
    slot->rebuilding = true;
    scratch = slot->meta.generation + 1;
  }
  const std::string scratch_prefix = generation_prefix(name, scratch);
  Status st = impl_->build_generation(slot, scratch, [&](Impl::Slot& s, uint64_t) {
    fn(s.tx->prefix(), scratch_prefix);
    return Status::ok();
  });
  events::KvBatch kv;
  kv.erase_range(scratch_prefix, events::KvStore::prefix_end(scratch_prefix));
  Status drop = impl_->options.store->write(kv);
  std::lock_guard lock(impl_->mu);
  slot->rebuilding = false;
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
