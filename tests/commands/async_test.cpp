// Journal::execute_async: several commands of one caller in flight at once
// (how the server's connections run them), answered once each, with the
// outcomes execute() gives.
#include <capnp/compat/json.h>
#include <capnp/message.h>

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#include "journal_fixture.hpp"

namespace zhurnal::commands::testing {
namespace {

std::string post(const std::string& mark, const std::string& student, int value = 5) {
  return R"({"postMark": {"markId": ")" + mark + R"(", "lessonId": "l-math", "studentId": ")" +
         student + R"(", "value": {"numeric": )" + std::to_string(value) +
         R"(}, "workTypeId": "oral", "comment": ""}})";
}

// Two threads that run what execute_async posts, as the server's workers do.
class Workers {
 public:
  Workers() {
    for (int i = 0; i < 2; ++i) threads_.emplace_back([this] { run(); });
  }
  ~Workers() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    for (auto& t : threads_) t.join();
  }
  Journal::Post post() {
    return [this](std::function<void()> fn) {
      {
        std::lock_guard lock(mu_);
        queue_.push_back(std::move(fn));
        ++unfinished_;
      }
      cv_.notify_one();
    };
  }

  // Waits until everything posted so far has run.
  void drain() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return unfinished_ == 0; });
  }

 private:
  void run() {
    std::unique_lock lock(mu_);
    while (true) {
      cv_.wait(lock, [&] { return stop_ || !queue_.empty(); });
      if (queue_.empty()) return;
      auto fn = std::move(queue_.front());
      queue_.pop_front();
      lock.unlock();
      fn();
      lock.lock();
      if (--unfinished_ == 0) cv_.notify_all();
    }
  }

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;
  bool stop_ = false;
  size_t unfinished_ = 0;
  std::vector<std::thread> threads_;
};

// Commands started asynchronously, and their answers as they come.
class AsyncTest : public JournalFixture {
 protected:
  struct Started {
    std::unique_ptr<capnp::MallocMessageBuilder> message;
    std::optional<Outcome> outcome;
    int answers = 0;
  };

  // Starts `json` as `actor` with `command_id`; returns its index.
  size_t start(const std::string& command_id, const std::string& actor, const std::string& json) {
    auto message = std::make_unique<capnp::MallocMessageBuilder>();
    auto root = message->initRoot<schema::Command>();
    capnp::JsonCodec codec;
    codec.decode(kj::StringPtr(json.c_str(), json.size()), root);
    auto reader = message->getRoot<schema::Command>().asReader();
    size_t index;
    {
      std::lock_guard lock(mu_);
      index = started_.size();
      started_.push_back({std::move(message), std::nullopt, 0});
    }
    journal_->execute_async({command_id, actor, ""}, reader, workers_.post(),
                            [this, index](Outcome outcome) {
                              {
                                std::lock_guard lock(mu_);
                                started_[index].outcome = std::move(outcome);
                                ++started_[index].answers;
                                ++answered_;
                              }
                              cv_.notify_all();
                            });
    return index;
  }

  // Waits until `n` answers have come.
  void wait_answers(size_t n) {
    std::unique_lock lock(mu_);
    ASSERT_TRUE(cv_.wait_for(lock, std::chrono::seconds(30), [&] { return answered_ >= n; }))
        << answered_ << " of " << n << " answered";
  }

  Outcome outcome(size_t index) {
    std::lock_guard lock(mu_);
    return *started_[index].outcome;
  }

  Workers workers_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Started> started_;  // a deque: references stay valid as it grows
  size_t answered_ = 0;
};

// A teacher's register sends each mark as it is typed, without waiting for
// the previous answer: all land, in the order typed, each answered once.
TEST_F(AsyncTest, OneCallersCommandsLandInTheOrderStarted) {
  at("2026-10-05 09:40");
  const uint64_t head = log_->head_position();
  constexpr int kMarks = 40;
  for (int i = 0; i < kMarks; ++i) {
    start("typed-" + std::to_string(i), "t-math",
          post("m" + std::to_string(i), "s" + std::to_string(1 + i % 4), 2 + i % 4));
  }
  wait_answers(kMarks);
  uint64_t previous = head;
  for (int i = 0; i < kMarks; ++i) {
    SCOPED_TRACE(i);
    auto r = outcome(i);
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_FALSE(r->duplicate);
    EXPECT_EQ(r->first_position, previous + 1) << "written out of the order started";
    previous = r->last_position;
  }
  EXPECT_EQ(log_->head_position(), head + kMarks);
  // Answered after the fold: the journal's state already has every mark.
  EXPECT_GE(journal_->applied_position(), head + kMarks);
  std::lock_guard lock(mu_);
  for (const Started& s : started_) EXPECT_EQ(s.answers, 1);
}

// Rejections and retries come through `done` as execute() returns them.
TEST_F(AsyncTest, RejectionsAndRetriesAreAnsweredLikeExecute) {
  at("2026-10-05 09:40");
  const size_t first = start("a-1", "t-math", post("m1", "s1"));
  wait_answers(1);
  ASSERT_TRUE(outcome(first));
  const uint64_t head = log_->head_position();

  const size_t retry = start("a-1", "t-math", post("m1", "s1"));
  const size_t reused = start("a-1", "t-math", post("m2", "s2"));
  const size_t not_hers = start("a-2", "t-rus", post("m3", "s3"));
  const size_t no_id = start("", "t-math", post("m4", "s4"));
  const size_t taken = start("a-3", "t-math", post("m1", "s2"));
  wait_answers(6);
  ASSERT_TRUE(outcome(retry));
  EXPECT_TRUE(outcome(retry)->duplicate);
  EXPECT_EQ(outcome(retry)->first_position, outcome(first)->first_position);
  auto code = [&](size_t i) { return error_code_name(outcome(i).error().code); };
  ASSERT_FALSE(outcome(reused));
  EXPECT_EQ(code(reused), error_code_name(ErrorCode::kDuplicateCommandId));
  ASSERT_FALSE(outcome(not_hers));
  EXPECT_EQ(code(not_hers), error_code_name(ErrorCode::kNotYourLesson));
  ASSERT_FALSE(outcome(no_id));
  EXPECT_EQ(code(no_id), error_code_name(ErrorCode::kInvalidCommand));
  ASSERT_FALSE(outcome(taken));
  EXPECT_EQ(code(taken), error_code_name(ErrorCode::kAlreadyExists));
  EXPECT_EQ(log_->head_position(), head) << "a rejected command wrote to the log";
}

// Several callers at once, each with many commands in flight on one
// lesson's stream, and blocking execute() alongside: all land.
TEST_F(AsyncTest, CallersRacingForOneLessonAllLand) {
  at("2026-10-05 09:40");
  const uint64_t head = log_->head_position();
  constexpr int kCallers = 4;
  constexpr int kEach = 15;
  std::vector<std::thread> callers;
  for (int t = 0; t < kCallers; ++t) {
    callers.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        const std::string id = "c" + std::to_string(t) + "-" + std::to_string(i);
        start(id, "t-math", post("m-" + id, "s" + std::to_string(1 + (t + i) % 4)));
      }
    });
  }
  std::vector<std::string> blocking_failures;
  for (int i = 0; i < kEach; ++i) {
    auto r = run_with_id("b-" + std::to_string(i), "t-math",
                         post("m-b" + std::to_string(i), "s" + std::to_string(1 + i % 4)));
    if (!r) blocking_failures.push_back(r.error().message);
  }
  for (auto& c : callers) c.join();
  wait_answers(kCallers * kEach);
  EXPECT_TRUE(blocking_failures.empty()) << blocking_failures.front();
  for (size_t i = 0; i < kCallers * kEach; ++i) {
    auto r = outcome(i);
    EXPECT_TRUE(r) << i << ": " << r.error().message;
  }
  EXPECT_EQ(log_->head_position(), head + (kCallers + 1) * kEach);
}

// A journal closed with commands in flight (some being written, some
// waiting for the lesson's lock) answers them all first: each once, each in
// the log; the reopened journal goes on from the log.
TEST_F(AsyncTest, ClosingAnswersTheCommandsInFlight) {
  at("2026-10-05 09:40");
  const uint64_t head = log_->head_position();
  constexpr int kMarks = 20;
  for (int i = 0; i < kMarks; ++i) {
    start("close-" + std::to_string(i), "t-math",
          post("m" + std::to_string(i), "s" + std::to_string(1 + i % 4)));
  }
  journal_.reset();
  workers_.drain();
  EXPECT_EQ(log_->head_position(), head + kMarks);
  {
    std::lock_guard lock(mu_);
    for (const Started& s : started_) {
      EXPECT_EQ(s.answers, 1);
      ASSERT_TRUE(s.outcome && *s.outcome) << s.outcome->error().message;
    }
  }
  open();  // a new log and journal over the same directory
  at("2026-10-05 09:41");
  rejected(ErrorCode::kAlreadyExists, "t-math", post("m19", "s4"));
  ok("t-math", post("after-reopen", "s1"));
}

}  // namespace
}  // namespace zhurnal::commands::testing
