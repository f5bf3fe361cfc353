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

#include "internal/engine_impl.hpp"

namespace zhurnal::projections {

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
  RangeDrop drop;
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
    std::vector<std::pair<std::string, std::string>> others = {
        {name + "/", generation_prefix(name, meta->generation)},
        {generation_prefix(name, meta->generation + 1), name + "0"}};
    if (meta->checkpoint == 0) {
      // Nothing was committed to this generation (rows commit with their
      // checkpoint), but a rebuild that failed before a version bump may have
      // left rows under its number: a fold from zero starts from an empty
      // key space (catch_up() relies on it: assume_empty_store).
      const std::string gen = generation_prefix(name, meta->generation);
      others.emplace_back(gen, events::KvStore::prefix_end(gen));
    }
    for (auto& [begin, end] : others) {
      if (Status st = drop.add(*options.store, kv, std::move(begin), std::move(end)); !st.is_ok()) {
        return std::unexpected(st);
      }
    }
    kv.put(meta_key(name), encode_meta(*meta));
    slot.meta = *meta;
    slot.committed = meta->checkpoint;
    slot.tx = std::make_unique<ProjectionTx>(options.store, generation_prefix(name, meta->generation));
    slot.projection = std::move(p);
    impl->slots.push_back(std::move(slot));
  }
  if (Status st = options.store->write(kv); !st.is_ok()) return std::unexpected(st);
  drop.free_files(*options.store);
  impl->position = impl->min_checkpoint();
  impl->subscription = options.log->subscribe(impl->min_checkpoint(), kFoldFields);
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
