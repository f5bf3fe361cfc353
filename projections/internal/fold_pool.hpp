// FoldPool: rebuild mode's helper threads (projections/engine.cpp).
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace zhurnal::projections::internal {

// Rebuild mode's helper threads: started once when rebuild mode starts and
// stopped when it ends. (A thread per batch would start tens of thousands
// of threads in a long catch-up, and thread creation then fails.)
class FoldPool {
 public:
  ~FoldPool() { stop(); }

  void start(size_t helpers) {
    for (size_t i = 1; i <= helpers; ++i) threads_.emplace_back([this, i] { loop(i); });
  }
  bool running() const { return !threads_.empty(); }

  // Runs work(0) on the calling thread and work(1..helpers) on the helpers;
  // returns when all are done.
  void run(const std::function<void(size_t)>& work) {
    {
      std::lock_guard lock(mu_);
      work_ = &work;
      pending_ = threads_.size();
      ++generation_;
    }
    cv_.notify_all();
    work(0);
    std::unique_lock lock(mu_);
    done_cv_.wait(lock, [&] { return pending_ == 0; });
    work_ = nullptr;
  }

  void stop() {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
    }
    cv_.notify_all();
    for (std::thread& t : threads_) t.join();
    threads_.clear();
    stopping_ = false;
    // A later start()'s threads begin at generation zero: had they found
    // this run's count they would take it for work and call a null one (a
    // second catch-up in rebuild mode on the same engine crashed so).
    generation_ = 0;
  }

 private:
  void loop(size_t index) {
    uint64_t seen = 0;
    for (;;) {
      const std::function<void(size_t)>* work;
      {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [&] { return stopping_ || generation_ != seen; });
        if (stopping_) return;
        seen = generation_;
        work = work_;
      }
      (*work)(index);
      std::lock_guard lock(mu_);
      if (--pending_ == 0) done_cv_.notify_all();
    }
  }

  std::mutex mu_;
  std::condition_variable cv_, done_cv_;
  const std::function<void(size_t)>* work_ = nullptr;
  uint64_t generation_ = 0;
  size_t pending_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace zhurnal::projections::internal
