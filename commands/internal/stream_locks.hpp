// StreamLocks: the journal's per-stream write locks (striped), held from a
// command's decision until its events are folded (journal.cpp).
#pragma once

#include <array>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace zhurnal::commands::internal {

// Commands that write the same stream take turns. A decision is written
// while its streams' locks are held, and the locks are kept until the
// journal's state has folded what was written, so the next decision on
// those streams reads it. Without this, a teacher typing marks quickly (the
// register sends each mark as its own command, several in flight) had her
// commands fail each other with a version conflict after a few rounds of
// deciding again. The locks are striped: unrelated streams that share a
// stripe only wait for each other. A command written asynchronously has its
// locks released by the thread that folds it, and one that finds a stripe
// taken waits in that stripe's queue instead of blocking a thread: the
// stripe passes to the first in the queue when released.
class StreamLocks {
 public:
  // Stripes held until released or destroyed, from any thread.
  class Held {
   public:
    Held() = default;
    Held(Held&& o) noexcept
        : owner_(std::exchange(o.owner_, nullptr)), stripes_(std::move(o.stripes_)) {}
    Held& operator=(Held&& o) noexcept {
      if (this != &o) {
        release();
        owner_ = std::exchange(o.owner_, nullptr);
        stripes_ = std::move(o.stripes_);
      }
      return *this;
    }
    ~Held() { release(); }

    // Whether every stream of `appends` is under these locks.
    bool covers(const std::vector<events::StreamAppend>& appends) const {
      return owner_ != nullptr &&
             std::all_of(appends.begin(), appends.end(), [&](const events::StreamAppend& a) {
               return std::binary_search(stripes_.begin(), stripes_.end(), stripe_of(a.stream));
             });
    }

    void release() {
      if (owner_ == nullptr) return;
      owner_->release(stripes_);
      owner_ = nullptr;
    }

   private:
    friend class StreamLocks;
    StreamLocks* owner_ = nullptr;
    std::vector<size_t> stripes_;  // sorted, unique: the order locks are taken in
  };

  using Later = std::function<void(Held)>;

  // Takes the stripes of `appends`' streams, in stripe order. Returns them
  // when all are free now. Otherwise waits in the queue of the first one
  // taken, returns nullopt, and `later` gets them on the thread that frees
  // the last one waited for. Queues are first come, first served.
  std::optional<Held> lock_or_queue(const std::vector<events::StreamAppend>& appends, Later later) {
    auto p = std::make_shared<Pending>();
    for (const events::StreamAppend& a : appends) p->stripes.push_back(stripe_of(a.stream));
    std::sort(p->stripes.begin(), p->stripes.end());
    p->stripes.erase(std::unique(p->stripes.begin(), p->stripes.end()), p->stripes.end());
    p->later = std::move(later);
    if (!take_from(p)) return std::nullopt;
    return held_by(*p);
  }

  // Blocks until the stripes of all of `appends`' streams are held.
  Held lock(const std::vector<events::StreamAppend>& appends) {
    std::promise<Held> got;
    if (auto now = lock_or_queue(appends, [&got](Held h) { got.set_value(std::move(h)); })) {
      return std::move(*now);
    }
    return got.get_future().get();
  }

 private:
  static constexpr size_t kStripes = 64;
  static size_t stripe_of(std::string_view stream) {
    return std::hash<std::string_view>{}(stream) % kStripes;
  }

  struct Pending {
    std::vector<size_t> stripes;
    size_t taken = 0;  // stripes[0, taken) are held
    Later later;
  };

  Held held_by(Pending& p) {
    Held held;
    held.owner_ = this;
    held.stripes_ = std::move(p.stripes);
    return held;
  }

  // Takes p's next stripes; false when it had to queue for one.
  bool take_from(const std::shared_ptr<Pending>& p) {
    std::lock_guard lock(mu_);
    while (p->taken < p->stripes.size()) {
      const size_t s = p->stripes[p->taken];
      if (busy_[s]) {
        waiters_[s].push_back(p);
        return false;
      }
      busy_[s] = true;
      ++p->taken;
    }
    return true;
  }

  void release(const std::vector<size_t>& stripes) {
    std::vector<std::shared_ptr<Pending>> resumed;
    {
      std::lock_guard lock(mu_);
      for (size_t s : stripes) {
        if (waiters_[s].empty()) {
          busy_[s] = false;
          continue;
        }
        resumed.push_back(std::move(waiters_[s].front()));  // the stripe passes to it
        waiters_[s].pop_front();
        ++resumed.back()->taken;
      }
    }
    for (auto& p : resumed) {
      if (take_from(p)) p->later(held_by(*p));
    }
  }

  std::mutex mu_;
  std::array<bool, kStripes> busy_{};
  std::array<std::deque<std::shared_ptr<Pending>>, kStripes> waiters_;
};

}  // namespace zhurnal::commands::internal
