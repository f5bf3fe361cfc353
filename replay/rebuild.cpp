#include "zhurnal/replay/rebuild.hpp"

#include <chrono>
#include <deque>
#include <future>
#include <mutex>
#include <thread>

namespace zhurnal::replay {
namespace {

using events::StatusCode;

// Reads a key range in chunks (so that a projection of millions of rows is
// never held in memory at once), in key order, with the prefix stripped.
// The next chunk is read on a thread of its own while the caller goes
// through the current one: a comparison's two cursors then scan the live
// and the rebuilt rows at once, beside the merge, instead of taking turns
// on one thread (at 10.1M events the journal's comparison, the longest,
// took a fifth less time: docs/benchmarks.md, session 16).
class ChunkCursor {
 public:
  ChunkCursor(events::KvStore& store, std::string prefix)
      : store_(store), prefix_(std::move(prefix)), end_(events::KvStore::prefix_end(prefix_)) {
    read_ahead(prefix_);
  }
  // The read ahead holds `this`.
  ChunkCursor(const ChunkCursor&) = delete;
  ChunkCursor& operator=(const ChunkCursor&) = delete;

  // Takes the chunk read ahead when the current one is used up; false at
  // the end (or on error: see status()).
  bool valid() {
    if (buffer_.empty() && ahead_.valid()) {
      Chunk c = ahead_.get();
      buffer_ = std::move(c.rows);
      status_ = std::move(c.status);
      if (c.more) read_ahead(std::move(c.next));
    }
    return !buffer_.empty();
  }
  const std::pair<std::string, std::string>& current() const { return buffer_.front(); }
  void next() {
    buffer_.pop_front();
    ++count_;
  }
  uint64_t count() const { return count_; }
  const events::Status& status() const { return status_; }

 private:
  static constexpr size_t kChunk = 4096;

  struct Chunk {
    std::deque<std::pair<std::string, std::string>> rows;
    std::string next;   // with `more`: the smallest key after the chunk's last
    bool more = false;  // a full chunk: there may be more
    events::Status status;
  };

  // Reads the chunk from `from` on a thread of its own. Only this object's
  // constant members are read there; the future's destructor waits for it.
  void read_ahead(std::string from) {
    ahead_ = std::async(std::launch::async, [this, from = std::move(from)] {
      Chunk c;
      c.status = store_.scan(from, end_, [&](std::string_view k, std::string_view v) {
        c.rows.emplace_back(std::string(k.substr(prefix_.size())), std::string(v));
        return c.rows.size() < kChunk;
      });
      c.more = c.status.is_ok() && c.rows.size() == kChunk;
      if (c.more) c.next = prefix_ + c.rows.back().first + '\0';
      return c;
    });
  }

  events::KvStore& store_;
  const std::string prefix_, end_;
  std::deque<std::pair<std::string, std::string>> buffer_;
  std::future<Chunk> ahead_;
  uint64_t count_ = 0;
  events::Status status_;
};

}  // namespace

events::Result<RebuildReport> rebuild_and_compare_all(projections::ProjectionEngine& engine,
                                                      events::KvStore& store,
                                                      const RebuildOptions& options) {
  RebuildReport report;
  std::vector<std::string> names;
  for (const projections::ProjectionStatus& status : engine.status()) names.push_back(status.name);
  const auto start = std::chrono::steady_clock::now();
  // One projection's comparison: a merge of its two key ranges, in chunks.
  struct Compared {
    ProjectionComparison cmp;
    std::vector<RowDifference> kept;  // at most options.keep
    events::Status status;
  };
  std::mutex on_difference_mu;
  auto compare = [&](const projections::ProjectionEngine::RebuiltGeneration& g, Compared* out) {
    const auto compare_start = std::chrono::steady_clock::now();
    ProjectionComparison& cmp = out->cmp;
    cmp.name = g.name;
    auto report_one = [&](RowDifference d) {
      ++cmp.differences;
      d.projection = cmp.name;
      d.description = describe_row(cmp.name, d.row);
      if (options.on_difference) {
        std::lock_guard lock(on_difference_mu);
        options.on_difference(d);
      }
      if (out->kept.size() < options.keep) out->kept.push_back(std::move(d));
    };
    ChunkCursor live(store, g.live), rebuilt(store, g.rebuilt);
    uint64_t counted = 0;  // rows added to options.rows_compared
    auto count_rows = [&] {
      const uint64_t rows = live.count() + rebuilt.count();
      if (options.rows_compared) options.rows_compared->fetch_add(rows - counted);
      counted = rows;
    };
    for (uint64_t step = 0;; ++step) {
      if (step % 4096 == 0) count_rows();
      const bool lv = live.valid(), rv = rebuilt.valid();
      if (!lv && !rv) break;
      const int order = !lv ? 1 : !rv ? -1 : live.current().first.compare(rebuilt.current().first);
      if (order < 0) {
        const auto& [k, v] = live.current();
        report_one({RowDifference::Kind::kMissing, "", k, "", describe_value(cmp.name, k, v), ""});
        live.next();
      } else if (order > 0) {
        const auto& [k, v] = rebuilt.current();
        report_one({RowDifference::Kind::kExtra, "", k, "", "", describe_value(cmp.name, k, v)});
        rebuilt.next();
      } else {
        const auto& [k, v] = live.current();
        if (v != rebuilt.current().second) {
          report_one({RowDifference::Kind::kChanged, "", k, "", describe_value(cmp.name, k, v),
                      describe_value(cmp.name, k, rebuilt.current().second)});
        }
        live.next();
        rebuilt.next();
      }
    }
    count_rows();
    cmp.live_rows = live.count();
    cmp.rebuilt_rows = rebuilt.count();
    out->status = !live.status().is_ok() ? live.status() : rebuilt.status();
    cmp.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - compare_start).count();
  };
  // Called once every projection is rebuilt, with the live rows held
  // steady (the live checkpoint is the one both sides reflect). Each
  // projection is compared on a thread of its own (read-only scans of the
  // store); the report lists them, and their differences, in order.
  double compare_seconds = 0;
  std::vector<Compared> compared;
  auto compare_all = [&](const std::vector<projections::ProjectionEngine::RebuiltGeneration>& gens) {
    if (options.on_compare) options.on_compare();
    const auto compare_start = std::chrono::steady_clock::now();
    compared.resize(gens.size());
    auto one = [&](size_t i) {
      try {
        compare(gens[i], &compared[i]);
      } catch (const std::exception& e) {
        compared[i].status = events::Status(events::StatusCode::kIoError, e.what());
      }
    };
    std::vector<std::thread> threads;
    for (size_t i = 1; i < gens.size(); ++i) threads.emplace_back(one, i);
    if (!gens.empty()) one(0);
    for (std::thread& t : threads) t.join();
    compare_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - compare_start).count();
  };
  events::Status st = engine.rebuild_and_compare(names, compare_all);
  if (!st.is_ok()) return std::unexpected(st);
  for (Compared& c : compared) {
    if (!c.status.is_ok()) return std::unexpected(c.status);
    report.total_differences += c.cmp.differences;
    for (RowDifference& d : c.kept) {
      if (report.differences.size() < options.keep) report.differences.push_back(std::move(d));
    }
    report.projections.push_back(std::move(c.cmp));
  }
  for (ProjectionComparison& cmp : report.projections) {
    for (const auto& s : engine.status()) {
      if (s.name == cmp.name) cmp.checkpoint = s.checkpoint;
    }
  }
  report.rebuild_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() - compare_seconds;
  return report;
}

std::string format_rebuild_report(const RebuildReport& report) {
  std::string out;
  char buf[320];
  std::snprintf(buf, sizeof buf,
                "пересобрано представлений: %zu, за один проход по журналу: %.1f с\n",
                report.projections.size(), report.rebuild_seconds);
  out += buf;
  for (const ProjectionComparison& p : report.projections) {
    std::snprintf(buf, sizeof buf,
                  "представление %s: позиция %llu, строк рабочих %llu, пересобранных %llu, "
                  "расхождений %llu (сравнение %.1f с)\n",
                  p.name.c_str(), static_cast<unsigned long long>(p.checkpoint),
                  static_cast<unsigned long long>(p.live_rows),
                  static_cast<unsigned long long>(p.rebuilt_rows),
                  static_cast<unsigned long long>(p.differences), p.seconds);
    out += buf;
  }
  for (const RowDifference& d : report.differences) {
    const char* what = d.kind == RowDifference::Kind::kMissing ? "есть только в рабочей копии"
                       : d.kind == RowDifference::Kind::kExtra ? "есть только в пересборке"
                                                               : "различается";
    out += "\n" + d.projection + " " + d.row + " — " + d.description + ": " + what + "\n";
    if (!d.live.empty()) out += "  рабочая:    " + d.live + "\n";
    if (!d.rebuilt.empty()) out += "  пересборка: " + d.rebuilt + "\n";
  }
  if (report.differences.size() < report.total_differences) {
    out += "\n… и ещё расхождений: " +
           std::to_string(report.total_differences - report.differences.size()) + "\n";
  }
  out += report.ok() ? "итог: каждое представление совпадает со своей пересборкой\n"
                     : "итог: расхождений " + std::to_string(report.total_differences) + "\n";
  return out;
}

}  // namespace zhurnal::replay
