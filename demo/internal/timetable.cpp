// The weekly timetable. Each class's week is a fixed set of slots (lessons
// 1..n each day, no gaps); its subjects are matched to the slots by a small
// max-flow (subject → subject-on-a-day → slot) in which a slot is open to a
// subject only while all of its teachers are free then. Classes are placed
// one after another; a class that cannot be placed goes first next time.
#include <algorithm>
#include <array>
#include <numeric>

#include "internal/model.hpp"

namespace zhurnal::demo::internal {
namespace {

constexpr int kDays = 5;
constexpr int kMaxSlots = 8;

// A subject of a class with the units (one, or both subgroups) taught at once.
struct Block {
  int hours = 0;
  std::vector<int> units;
  std::vector<int> teachers;
};

std::vector<Block> blocks_of(const SchoolModel& s, const ClassModel& c) {
  std::vector<Block> blocks;
  std::vector<int> subject_block(kSubjectCount, -1);
  for (int u : c.units) {
    const UnitModel& unit = s.units[static_cast<size_t>(u)];
    int& b = subject_block[static_cast<size_t>(unit.subject)];
    if (b < 0) {
      b = static_cast<int>(blocks.size());
      blocks.push_back({unit.hours, {}, {}});
    }
    blocks[static_cast<size_t>(b)].units.push_back(u);
    blocks[static_cast<size_t>(b)].teachers.push_back(unit.teacher);
  }
  return blocks;
}

// Lessons a day: the week's hours spread evenly, the longer days mid-week.
std::array<int, kDays> day_lengths(int total) {
  std::array<int, kDays> len;
  len.fill(total / kDays);
  const int longer[] = {1, 2, 3, 0, 4};  // Tue, Wed, Thu, Mon, Fri
  for (int i = 0; i < total % kDays; ++i) ++len[static_cast<size_t>(longer[i])];
  return len;
}

using Busy = std::vector<std::array<std::array<bool, kMaxSlots>, kDays>>;

// Ford–Fulkerson on a dense graph of at most a few hundred nodes.
class MaxFlow {
 public:
  explicit MaxFlow(int n)
      : cap_(static_cast<size_t>(n), std::vector<int>(static_cast<size_t>(n))),
        adj_(static_cast<size_t>(n)),
        seen_(static_cast<size_t>(n)) {}
  void edge(int u, int v, int c) {
    if (cap_[static_cast<size_t>(u)][static_cast<size_t>(v)] == 0 &&
        cap_[static_cast<size_t>(v)][static_cast<size_t>(u)] == 0) {
      adj_[static_cast<size_t>(u)].push_back(v);
      adj_[static_cast<size_t>(v)].push_back(u);
    }
    cap_[static_cast<size_t>(u)][static_cast<size_t>(v)] += c;
  }
  int run(int s, int t) {
    int flow = 0;
    for (;;) {
      std::fill(seen_.begin(), seen_.end(), false);
      if (!augment(s, t)) return flow;
      ++flow;
    }
  }
  // Units of flow from u to v (the reverse capacity that augmenting built).
  int used(int u, int v) const { return cap_[static_cast<size_t>(v)][static_cast<size_t>(u)]; }

 private:
  bool augment(int u, int t) {
    if (u == t) return true;
    seen_[static_cast<size_t>(u)] = true;
    for (int v : adj_[static_cast<size_t>(u)]) {
      if (seen_[static_cast<size_t>(v)] ||
          cap_[static_cast<size_t>(u)][static_cast<size_t>(v)] <= 0)
        continue;
      if (augment(v, t)) {
        --cap_[static_cast<size_t>(u)][static_cast<size_t>(v)];
        ++cap_[static_cast<size_t>(v)][static_cast<size_t>(u)];
        return true;
      }
    }
    return false;
  }
  std::vector<std::vector<int>> cap_;
  std::vector<std::vector<int>> adj_;
  std::vector<bool> seen_;
};

// Places one class into free slots of its teachers; commits only on success.
// `per_day_extra` loosens the once-a-day rule when the class cannot be placed.
bool place_class(SchoolModel& s, int ci, Busy& busy, Rng& rng, int per_day_extra) {
  ClassModel& c = s.classes[static_cast<size_t>(ci)];
  const std::vector<Block> blocks = blocks_of(s, c);
  int total = 0;
  for (const Block& b : blocks) total += b.hours;
  const auto len = day_lengths(total);
  const int nb = static_cast<int>(blocks.size());
  const int src = 0, first_day_node = 1 + nb, first_slot = first_day_node + nb * kDays;
  const int sink = first_slot + kDays * kMaxSlots;
  MaxFlow flow(sink + 1);
  std::vector<int> block_order(static_cast<size_t>(nb));
  std::iota(block_order.begin(), block_order.end(), 0);
  rng.shuffle(block_order);
  for (int b : block_order) {
    const Block& block = blocks[static_cast<size_t>(b)];
    flow.edge(src, 1 + b, block.hours);
    const int per_day = (block.hours + kDays - 1) / kDays + per_day_extra;
    std::vector<int> days = {0, 1, 2, 3, 4};
    rng.shuffle(days);
    for (int d : days) {
      const int bd = first_day_node + b * kDays + d;
      flow.edge(1 + b, bd, per_day);
      std::vector<int> numbers;
      for (int n = 0; n < len[static_cast<size_t>(d)]; ++n) numbers.push_back(n);
      rng.shuffle(numbers);
      for (int n : numbers) {
        const bool free = std::none_of(block.teachers.begin(), block.teachers.end(), [&](int t) {
          return busy[static_cast<size_t>(t)][static_cast<size_t>(d)][static_cast<size_t>(n)];
        });
        if (free) flow.edge(bd, first_slot + d * kMaxSlots + n, 1);
      }
    }
  }
  for (int d = 0; d < kDays; ++d) {
    for (int n = 0; n < len[static_cast<size_t>(d)]; ++n)
      flow.edge(first_slot + d * kMaxSlots + n, sink, 1);
  }
  if (flow.run(src, sink) != total) return false;

  for (int d = 0; d < kDays; ++d) {
    auto& day = c.week[static_cast<size_t>(d)];
    day.assign(static_cast<size_t>(len[static_cast<size_t>(d)]), PeriodSlot{});
    for (int n = 0; n < len[static_cast<size_t>(d)]; ++n) {
      day[static_cast<size_t>(n)].number = n + 1;
      for (int b = 0; b < nb; ++b) {
        if (!flow.used(first_day_node + b * kDays + d, first_slot + d * kMaxSlots + n)) continue;
        const Block& block = blocks[static_cast<size_t>(b)];
        day[static_cast<size_t>(n)].units = block.units;
        for (int t : block.teachers)
          busy[static_cast<size_t>(t)][static_cast<size_t>(d)][static_cast<size_t>(n)] = true;
      }
    }
  }
  return true;
}

}  // namespace

bool build_timetable(SchoolModel& s, Rng& rng) {
  std::vector<int> order(s.classes.size());
  std::iota(order.begin(), order.end(), 0);
  rng.shuffle(order);
  for (int attempt = 0; attempt < 100; ++attempt) {
    Busy busy(s.teachers.size());
    for (auto& t : busy) {
      for (auto& d : t) d.fill(false);
    }
    int failed = -1;
    for (int ci : order) {
      if (!place_class(s, ci, busy, rng, 0) && !place_class(s, ci, busy, rng, 1)) {
        failed = ci;
        break;
      }
    }
    if (failed < 0) return true;
    order.erase(std::find(order.begin(), order.end(), failed));
    order.insert(order.begin(), failed);
  }
  return false;
}

}  // namespace zhurnal::demo::internal
