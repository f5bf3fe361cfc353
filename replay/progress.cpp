#include "zhurnal/replay/progress.hpp"

#include <unistd.h>

#include <cinttypes>

namespace zhurnal::replay {

Progress::Progress(std::string label, uint64_t total, std::FILE* out)
    : label_(std::move(label)),
      total_(total),
      out_(out),
      tty_(isatty(fileno(out)) != 0),
      start_(std::chrono::steady_clock::now()),
      last_print_(start_) {}

void Progress::update(uint64_t done) {
  const auto now = std::chrono::steady_clock::now();
  const auto interval = tty_ ? std::chrono::milliseconds(200) : std::chrono::milliseconds(10000);
  if (now - last_print_ < interval) return;
  last_print_ = now;
  print(done, false);
}

void Progress::finish(uint64_t done) { print(done, true); }

// The lines are Russian, like the rest of the auditors' and operators'
// output: "проверка: 500000 из 10101024, 856527/с, осталось 0:11", then
// "проверка: 10101024 из 10101024, 861002/с, готово".
void Progress::print(uint64_t done, bool final) {
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double rate = secs > 0 ? done / secs : 0;
  std::string left;
  if (!final && total_ > 0 && rate > 0 && done <= total_) {
    const uint64_t s = static_cast<uint64_t>((total_ - done) / rate);
    char buf[40];
    std::snprintf(buf, sizeof buf, "осталось %" PRIu64 ":%02" PRIu64, s / 60, s % 60);
    left = buf;
  }
  constexpr double kMiB = 1024.0 * 1024.0;
  char count[96];
  if (bytes_ && total_ > 0) {
    std::snprintf(count, sizeof count, "%.1f из %.1f МиБ", done / kMiB, total_ / kMiB);
  } else if (bytes_) {
    std::snprintf(count, sizeof count, "%.1f МиБ", done / kMiB);
  } else if (total_ > 0) {
    std::snprintf(count, sizeof count, "%" PRIu64 " из %" PRIu64, done, total_);
  } else {
    std::snprintf(count, sizeof count, "%" PRIu64, done);
  }
  char speed[48];
  if (bytes_) {
    std::snprintf(speed, sizeof speed, "%.1f МиБ/с", rate / kMiB);
  } else {
    std::snprintf(speed, sizeof speed, "%.0f/с", rate);
  }
  if (tty_) {
    std::string bar;
    if (total_ > 0) {
      const int width = 30;
      const int filled = static_cast<int>(width * std::min<double>(1.0, double(done) / total_));
      bar = "[" + std::string(filled, '#') + std::string(width - filled, '.') + "] ";
    }
    std::fprintf(out_, "\r%s %s%s (%s)%s%s\033[K", label_.c_str(), bar.c_str(), count, speed,
                 left.empty() ? "" : " ", left.c_str());
    if (final) std::fputc('\n', out_);
  } else {
    std::fprintf(out_, "%s: %s, %s, %s\n", label_.c_str(), count, speed,
                 final          ? "готово"
                 : left.empty() ? "идёт"
                                : left.c_str());
  }
  std::fflush(out_);
}

ProgressTicker::ProgressTicker(std::string label, std::function<uint64_t()> total,
                               std::function<uint64_t()> done, std::FILE* out)
    : total_(std::move(total)),
      done_(std::move(done)),
      progress_(std::move(label), 0, out),
      thread_([this] { run(); }) {}

ProgressTicker::~ProgressTicker() { stop(); }

void ProgressTicker::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void ProgressTicker::run() {
  bool known = !total_;  // without a total there is nothing to wait for
  std::unique_lock lock(mu_);
  for (;;) {
    const bool last = cv_.wait_for(lock, std::chrono::milliseconds(100), [&] { return stopping_; });
    if (!known) {
      const uint64_t total = total_();
      if (total != 0) progress_.set_total(total);
      known = total != 0;
    }
    if (last) break;
    if (known) progress_.update(done_());
  }
  // A total never known: the work did not start (an as-of refused before
  // its fold), so there is nothing to report.
  if (known) progress_.finish(done_());
}

}  // namespace zhurnal::replay
