#include "demo_log.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdio>
#include <random>
#include <thread>

#include "zhurnal/events/event_log.hpp"

namespace zhurnal::cli {
namespace {

using events::CommandContext;
using events::EventData;
using events::ExpectedVersion;
using events::StreamAppend;

const char* kStudents[] = {"Алексеев Иван", "Белова Мария", "Васильев Пётр", "Григорьева Анна",
                           "Дмитриев Олег"};

std::string time_of(int64_t us) {
  std::time_t t = us / 1'000'000;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%H:%M:%S UTC", &tm);
  return buf;
}

}  // namespace

int run_demo_log(const std::string& data_dir, std::shared_ptr<spdlog::logger> logger) {
  events::LogOptions options;
  options.path = data_dir;
  options.logger = logger;
  auto opened = events::open_event_log(options);
  if (!opened) {
    logger->error("cannot open {}: {}", data_dir, opened.error().to_string());
    return 2;
  }
  events::EventLog& log = **opened;
  const uint64_t start = log.head_position();
  logger->info("log at {} holds {} events", data_dir, start);

  // A parent's view: follow everything appended from now on.
  std::atomic<bool> done{false};
  std::thread follower([&] {
    auto sub = log.subscribe(start);
    while (!done.load()) {
      auto batch = sub->next(64, std::chrono::milliseconds(100));
      if (!batch) break;
      for (const auto& e : batch->events) {
        std::printf("  live #%llu %s  %-14s v%llu  %s  (%s)\n", (unsigned long long)e.position,
                    time_of(e.recorded_at_us).c_str(), e.stream.c_str(),
                    (unsigned long long)e.stream_version, e.type.c_str(), e.payload.c_str());
      }
    }
  });

  std::mt19937 rng(static_cast<unsigned>(start + 1));
  const std::string lesson = "lesson-5A-math-" + std::to_string(start);
  const CommandContext teacher{"demo-" + std::to_string(start) + "-topic", "teacher-ivanova", "", "", std::nullopt};
  auto topic = log.append(lesson, ExpectedVersion::no_stream(),
                          {EventData{"LessonTopicSet", "Дроби: сложение и вычитание"}}, teacher);
  if (!topic) {
    logger->error("append failed: {}", topic.error().to_string());
    done = true;
    follower.join();
    return 1;
  }
  // One atomic append: a mark for every student of the class.
  std::vector<StreamAppend> marks;
  for (int i = 0; i < 5; ++i) {
    const int mark = 3 + static_cast<int>(rng() % 3);
    marks.push_back({"student-" + std::to_string(i + 1), ExpectedVersion::any(),
                     {EventData{"MarkPosted", std::string(kStudents[i]) + ": " +
                                                   std::to_string(mark) + " (ответ на уроке)"}}});
  }
  CommandContext marks_ctx{"demo-" + std::to_string(start) + "-marks", "teacher-ivanova", "", "", std::nullopt};
  auto posted = log.append(marks, marks_ctx);
  // The teacher's browser retries the same command: nothing is written twice.
  auto retried = log.append(marks, marks_ctx);
  if (!posted || !retried) {
    logger->error("append failed");
    done = true;
    follower.join();
    return 1;
  }
  std::printf("marks at positions %llu..%llu; retry answered as duplicate: %s\n",
              (unsigned long long)posted->first_position, (unsigned long long)posted->last_position,
              retried->duplicate ? "yes" : "no");
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // let the follower print
  done = true;
  follower.join();

  auto report = log.verify();
  if (!report) {
    logger->error("verify failed: {}", report.error().to_string());
    return 1;
  }
  std::printf("hash chain: %s, %llu events\n", report->ok() ? "ok" : report->problem.c_str(),
              (unsigned long long)report->events);
  return report->ok() ? 0 : 1;
}

}  // namespace zhurnal::cli
