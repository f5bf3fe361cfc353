// Rebuild generations: a projection folded from position zero into a fresh
// key space while the live one serves, then swapped in (rebuild()) or
// compared and dropped (rebuild_and_compare()). See engine.hpp.
#include <algorithm>
#include <span>

#include "internal/engine_impl.hpp"

namespace zhurnal::projections {

Status ProjectionEngine::Impl::build_generations(const std::vector<Slot*>& targets,
                                                 const std::vector<uint32_t>& gens,
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
    RangeDrop drop;
    for (size_t i = 0; i < n; ++i) {
      const std::string prefix = generation_prefix(targets[i]->projection->name(), gens[i]);
      if (Status st = drop.add(*options.store, kv, prefix, events::KvStore::prefix_end(prefix)); !st.is_ok()) {
        return st;
      }
      txs.push_back(std::make_unique<ProjectionTx>(options.store, prefix));
    }
    if (Status st = options.store->write(kv); !st.is_ok()) return st;
    drop.free_files(*options.store);
    std::lock_guard lock(mu);
    for (size_t i = 0; i < n; ++i) {
      txs[i]->assume_empty_store(targets[i]->meta.checkpoint);
      txs[i]->retain_memory(true);  // until the pass without the lock is done
    }
  }
  internal::FoldPool pool;
  pool.start(n == 0 ? 0 : n - 1);  // a helper per target but the first
  CompactionPause compaction_pause(options.store);  // until finish() has run
  std::vector<Status> results(n);
  std::vector<ProjectionTx*> tx_ptrs;
  for (auto& tx : txs) tx_ptrs.push_back(tx.get());
  auto commit = [&]() -> Status {
    Status st = flush_and_commit(*options.store, pool, tx_ptrs, nullptr, nullptr);
    if (!st.is_ok()) {
      for (auto& tx : txs) tx->discard();  // the rebuild fails; the next one starts over
    }
    return st;
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
    // The events from `from` to `to`, read on the reader's thread while the
    // targets fold (internal::ReadAhead: its batches keep their strings'
    // storage).
    uint64_t next = from;
    internal::ReadAhead reader;
    reader.start([&](events::SubscriptionBatch* out) -> Status {
      out->events.clear();
      if (next > to) return Status::ok();
      const uint64_t count = std::min<uint64_t>(options.bulk_batch_events, to - next + 1);
      Status st = options.log->read_into(next, count, &out->events, kFoldFields);
      if (st.is_ok() && !out->events.empty()) next = out->events.back().position + 1;
      return st;
    }, to);
    while (events::SubscriptionBatch* taken = reader.take()) {
      const auto& batch = taken->events;
      const uint64_t read_to = batch.back().position;
      pool.run([&](size_t i) {
        results[i] = guarded([&] {
          // This target's events: those up to its limit.
          size_t count = batch.size();
          if (limits[i] < read_to) count -= std::min<uint64_t>(count, read_to - limits[i]);
          txs[i]->touch_all();  // nobody hears a scratch generation's topics
          return apply_events(*targets[i]->projection, *txs[i], std::span(batch.data(), count),
                              &checkpoints[i]);
        });
      });
      for (const Status& st : results) {
        if (!st.is_ok()) return st;
      }
      size_t held = 0;
      for (const auto& tx : txs) held += tx->held_bytes();
      if (held >= options.bulk_memory_bytes) {
        if (Status st = commit(); !st.is_ok()) return st;
      }
    }
    if (!reader.status().is_ok()) return reader.status();
    for (size_t i = 0; i < n; ++i) {
      if (checkpoints[i] < limits[i]) {
        return {StatusCode::kCorruption, "log ended before the checkpoint " + std::to_string(limits[i])};
      }
    }
    // The pass's last commit. A fold after it (the locked pass over the
    // events appended meanwhile, usually few) reads the store for rows it
    // does not hold, without a filter, so these rows need not go into it.
    for (auto& tx : txs) tx->forget_written();
    return commit();
  };
  // Most of the work happens while the live generations keep serving.
  {
    std::lock_guard lock(mu);
    for (size_t i = 0; i < n; ++i) limits[i] = targets[i]->meta.checkpoint;
  }
  if (Status st = advance(); !st.is_ok()) return st;
  for (auto& tx : txs) tx->retain_memory(false);  // the locked pass is short
  std::unique_lock lock(mu);
  for (size_t i = 0; i < n; ++i) limits[i] = targets[i]->meta.checkpoint;  // live only grows
  if (Status st = advance(); !st.is_ok()) return st;
  return finish(checkpoints);
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
  RangeDrop scratch_rows;
  Status drop;
  for (size_t i = 0; i < slots.size() && drop.is_ok(); ++i) {
    const std::string prefix = generation_prefix(slots[i]->projection->name(), scratch[i]);
    drop = scratch_rows.add(*impl_->options.store, kv, prefix, events::KvStore::prefix_end(prefix));
  }
  if (drop.is_ok()) drop = impl_->options.store->write(kv);
  if (drop.is_ok()) scratch_rows.free_files(*impl_->options.store);
  std::lock_guard lock(impl_->mu);
  for (Impl::Slot* slot : slots) slot->rebuilding = false;
  return st.is_ok() ? drop : st;
}

}  // namespace zhurnal::projections
