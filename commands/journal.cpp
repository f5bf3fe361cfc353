#include "zhurnal/commands/journal.hpp"

#include <capnp/compat/json.h>
#include <capnp/message.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <functional>
#include <future>
#include <map>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "internal/deciders.hpp"
#include "internal/read_access.hpp"
#include "internal/state.hpp"
#include "internal/stream_locks.hpp"

namespace zhurnal::commands {

using internal::Decision;
using internal::Emitter;
using internal::JournalState;
using internal::StreamLocks;

namespace {

constexpr size_t kFollowBatch = 1024;
constexpr auto kApplyWait = std::chrono::seconds(10);

Rejection from_log_status(const events::Status& s) {
  switch (s.code()) {
    case events::StatusCode::kNoSpace:
      return {ErrorCode::kNoSpace, "Диск сервера заполнен, запись временно невозможна"};
    case events::StatusCode::kClosed:
      return {ErrorCode::kUnavailable, "Сервер останавливается, повторите позже"};
    case events::StatusCode::kInvalidArgument:
      return {ErrorCode::kInvalidCommand, "Некорректная команда: " + s.message()};
    default:
      return {ErrorCode::kStorageFailure, "Не удалось сохранить запись, повторите позже"};
  }
}

Outcome rejected(ErrorCode code, std::string message) {
  return std::unexpected(Rejection{code, std::move(message)});
}

}  // namespace

struct Journal::Impl {
  explicit Impl(JournalOptions o) : options(std::move(o)), state(options.logger) {}
  ~Impl() {
    {
      // Commands in flight use this journal until answered; they need the
      // follower (their fold) and their callers' `post`.
      std::unique_lock lock(applied_mu);
      applied_cv.wait(lock, [&] { return commands_in_flight == 0 && appends_in_flight == 0; });
    }
    stop = true;
    if (follower.joinable()) follower.join();
  }

  int64_t now() const {
    if (options.clock_us) return options.clock_us();
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }

  // Folds what the subscription delivers until stopped.
  void follow() {
    while (!stop.load(std::memory_order_relaxed)) {
      if (!fold_next(std::chrono::milliseconds(100))) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));  // storage error: retry
      }
    }
  }

  bool fold_next(std::chrono::milliseconds wait) {
    auto batch = subscription->next(kFollowBatch, wait);
    if (!batch) {
      if (options.logger) {
        options.logger->error("journal state cannot follow the log: {}",
                              batch.error().to_string());
      }
      return false;
    }
    if (batch->events.empty()) return true;
    {
      std::unique_lock lock(state_mu);
      for (const events::RecordedEvent& e : batch->events) state.apply(e);
    }
    std::vector<std::function<void()>> ready;
    {
      std::lock_guard lock(applied_mu);
      const uint64_t position = batch->events.back().position;
      applied.store(position, std::memory_order_release);
      auto end = after_fold.upper_bound(position);
      for (auto it = after_fold.begin(); it != end; ++it) ready.push_back(std::move(it->second));
      after_fold.erase(after_fold.begin(), end);
    }
    applied_cv.notify_all();
    for (auto& fn : ready) fn();
    return true;
  }

  // Runs `fn` once the state has folded `position`: at once if it has.
  void when_folded(uint64_t position, std::function<void()> fn) {
    {
      std::lock_guard lock(applied_mu);
      if (applied.load(std::memory_order_acquire) < position) {
        after_fold.emplace(position, std::move(fn));
        return;
      }
    }
    fn();
  }

  bool wait_applied(uint64_t position, std::chrono::milliseconds wait) const {
    std::unique_lock lock(applied_mu);
    return applied_cv.wait_for(lock, wait, [&] {
      return applied.load(std::memory_order_acquire) >= position;
    });
  }

  // The answer to a command id already used: the original result when it
  // was the same command, a rejection when it was another; nullopt when the
  // id is new.
  std::optional<Outcome> earlier_result(const std::string& command_id, const events::Hash& digest) {
    auto found = options.log->find_command(command_id);
    if (!found || !found->has_value()) return std::nullopt;
    if ((*found)->request_digest != digest) {
      return Outcome(std::unexpected(Rejection{
          ErrorCode::kDuplicateCommandId, "Идентификатор команды уже использован для другой команды"}));
    }
    return Outcome(Accepted{(*found)->first_position, (*found)->last_position, true});
  }

  // Idempotency is about the command as sent, not the events it produced:
  // a retry decided later (say, after 17:00) would produce other events.
  static events::Hash command_digest(const std::string& actor, schema::Command::Reader command) {
    kj::Array<capnp::word> canonical = capnp::canonicalize(command);
    std::string bytes = actor;
    bytes.push_back('\0');
    auto b = canonical.asBytes();
    bytes.append(reinterpret_cast<const char*>(b.begin()), b.size());
    return events::sha256(bytes);
  }

  static events::CommandContext context_of(const CommandMeta& meta, const events::Hash& digest) {
    return {meta.command_id, meta.actor, meta.correlation_id, "", digest};
  }

  // What every command meets before its decision: a check of its id, and
  // the original answer when it is a retry of a command already written.
  // nullopt: decide it.
  std::optional<Outcome> answer_known(const CommandMeta& meta, const events::Hash& digest) {
    if (meta.command_id.empty() || meta.command_id.size() > 200) {
      return rejected(ErrorCode::kInvalidCommand, "У команды нет идентификатора (commandId)");
    }
    return earlier_result(meta.command_id, digest);
  }

  // One decision against the current state: the events to append, or the
  // command's final outcome.
  std::expected<std::vector<events::StreamAppend>, Outcome> decide_once(
      const CommandMeta& meta, schema::Command::Reader command, const events::Hash& digest) {
    std::shared_lock lock(state_mu);
    const bool system = meta.actor == kSystemActor;
    const internal::User* actor = state.user(meta.actor);
    if (!system && !actor) {
      return std::unexpected(rejected(ErrorCode::kNotAuthorized, "Пользователь не найден"));
    }
    Emitter emitter;
    Decision d{state, meta.actor, actor, system, now(), emitter};
    internal::Verdict verdict = internal::decide(d, command);
    if (verdict) {
      lock.unlock();
      if (auto earlier = earlier_result(meta.command_id, digest)) return std::unexpected(*earlier);
      return std::unexpected(Outcome(std::unexpected(*verdict)));
    }
    if (emitter.empty()) {
      return std::unexpected(rejected(ErrorCode::kInvalidCommand, "Команда ничего не меняет"));
    }
    return emitter.take(state);
  }

  static Outcome too_many_attempts() {
    return rejected(ErrorCode::kConflict, "Запись одновременно изменили другие, повторите");
  }

  // Decides `command` with the locks of the streams it writes held (taken
  // into `held`). The first decision only finds those streams; it is decided
  // again under their locks, where no other command of this journal can
  // overtake it. (Should the new decision write other streams, their locks
  // are taken and it is decided again.) The events to append, or the
  // command's final outcome.
  std::expected<std::vector<events::StreamAppend>, Outcome> decide_locked(
      const CommandMeta& meta, schema::Command::Reader command, std::optional<StreamLocks::Held>& held,
      int& attempt, const events::Hash& digest) {
    for (; attempt < options.max_attempts; ++attempt) {
      auto appends = decide_once(meta, command, digest);
      if (!appends || (held && held->covers(*appends))) return appends;
      held.reset();  // locks are taken in stripe order, all at once
      held.emplace(stream_locks.lock(*appends));
    }
    return std::unexpected(too_many_attempts());
  }

  // The outcome of an append the log refused, or nullopt when the command
  // is to be decided again (someone changed a stream its decision read).
  std::optional<Outcome> after_refusal(const events::Status& status, const CommandMeta& meta,
                                       const events::Hash& digest) {
    switch (status.code()) {
      case events::StatusCode::kWrongExpectedVersion:
        return std::nullopt;
      case events::StatusCode::kIdempotencyConflict:
        // A concurrent retry of this command won the race.
        if (auto earlier = earlier_result(meta.command_id, digest)) return *earlier;
        return rejected(ErrorCode::kDuplicateCommandId, "Идентификатор команды уже использован");
      default:
        if (options.logger) {
          options.logger->warn("command {} not written: {}", meta.command_id, status.to_string());
        }
        return Outcome(std::unexpected(from_log_status(status)));
    }
  }

  Outcome execute(const CommandMeta& meta, schema::Command::Reader command) {
    const events::Hash digest = command_digest(meta.actor, command);
    if (auto known = answer_known(meta, digest)) return *known;
    std::optional<StreamLocks::Held> held;
    for (int attempt = 0;; ++attempt) {
      auto appends = decide_locked(meta, command, held, attempt, digest);
      if (!appends) return appends.error();
      auto result = options.log->append(std::move(*appends), context_of(meta, digest));
      if (result) {
        wait_applied(result->last_position, kApplyWait);
        return Accepted{result->first_position, result->last_position, result->duplicate};
      }
      if (auto outcome = after_refusal(result.error(), meta, digest)) return *outcome;
      wait_applied(options.log->head_position(), kApplyWait);  // catch up, decide again
    }
  }

  // A command in flight through execute_async.
  struct AsyncCommand {
    CommandMeta meta;
    schema::Command::Reader command;  // kept valid by the caller until `done`
    events::Hash digest;
    Journal::Post post;
    std::function<void(Outcome)> done;
    int attempt = 0;
  };

  void execute_async(const CommandMeta& meta, schema::Command::Reader command, Journal::Post post,
                     std::function<void(Outcome)> done) {
    auto c = std::make_shared<AsyncCommand>(AsyncCommand{
        meta, command, command_digest(meta.actor, command), std::move(post), std::move(done)});
    {
      std::lock_guard lock(applied_mu);
      ++commands_in_flight;
    }
    if (auto known = answer_known(c->meta, c->digest)) return finish(c, std::move(*known));
    decide_and_append(std::move(c), std::nullopt);
  }

  // Answers `c`. Its last use of this journal.
  void finish(const std::shared_ptr<AsyncCommand>& c, Outcome outcome) {
    c->post([c, outcome = std::move(outcome)]() mutable { c->done(std::move(outcome)); });
    std::lock_guard lock(applied_mu);
    --commands_in_flight;
    applied_cv.notify_all();  // under the lock: the destructor may be waiting
  }

  // decide_locked() without blocking: when a stripe is taken, the command
  // waits in its queue and is decided again on the caller's threads (through
  // `post`) once it has the locks.
  void decide_and_append(std::shared_ptr<AsyncCommand> c, std::optional<StreamLocks::Held> held) {
    std::vector<events::StreamAppend> appends;
    for (;; ++c->attempt) {
      if (c->attempt >= options.max_attempts) return finish(c, too_many_attempts());
      std::expected<std::vector<events::StreamAppend>, Outcome> decided;
      try {
        decided = decide_once(c->meta, c->command, c->digest);
      } catch (const kj::Exception& e) {
        // A command the decision cannot read (execute() lets this escape to
        // its caller; here `done` must still run, once).
        decided = std::unexpected(rejected(
            ErrorCode::kInvalidCommand, std::string("Некорректная команда: ") + e.getDescription().cStr()));
      }
      if (!decided) return finish(c, std::move(decided.error()));
      if (held && held->covers(*decided)) {
        appends = std::move(*decided);
        break;
      }
      held.reset();
      held = stream_locks.lock_or_queue(*decided, [this, c](StreamLocks::Held h) {
        auto box = std::make_shared<StreamLocks::Held>(std::move(h));
        c->post([this, c, box] {
          ++c->attempt;
          decide_and_append(c, std::move(*box));
        });
      });
      if (!held) return;  // goes on when the locks are free
    }
    auto locks = std::make_shared<StreamLocks::Held>(std::move(*held));
    {
      std::lock_guard lock(applied_mu);
      ++appends_in_flight;
    }
    options.log->append_async(
        std::move(appends), context_of(c->meta, c->digest),
        [this, c, locks](const events::Result<events::AppendResult>& result) {
          on_appended(c, locks, result);
          std::lock_guard lock(applied_mu);
          --appends_in_flight;
          applied_cv.notify_all();
        });
  }

  // On the log's thread: as execute() does after its append, without
  // blocking. The locks and the answer wait for the fold, so the next
  // command on these streams, and the caller's next one, see the events.
  void on_appended(const std::shared_ptr<AsyncCommand>& c,
                   const std::shared_ptr<StreamLocks::Held>& locks,
                   const events::Result<events::AppendResult>& result) {
    if (result.has_value()) {
      const events::AppendResult& r = result.value();
      const Accepted accepted{r.first_position, r.last_position, r.duplicate};
      when_folded(r.last_position, [this, c, locks, accepted] {
        locks->release();
        finish(c, accepted);
      });
      return;
    }
    locks->release();
    if (auto outcome = after_refusal(result.error(), c->meta, c->digest)) {
      return finish(c, std::move(*outcome));
    }
    // Decided again on the caller's threads, once the state has caught up.
    ++c->attempt;
    when_folded(options.log->head_position(),
                [this, c] { c->post([this, c] { decide_and_append(c, std::nullopt); }); });
  }

  JournalOptions options;
  StreamLocks stream_locks;
  mutable std::shared_mutex state_mu;
  JournalState state;
  std::unique_ptr<events::Subscription> subscription;
  std::thread follower;
  std::atomic<bool> stop{false};
  mutable std::mutex applied_mu;
  mutable std::condition_variable applied_cv;
  std::atomic<uint64_t> applied{0};
  // Guarded by applied_mu: work waiting for a position to be folded (the
  // locks and answers of commands written by execute_async), the commands
  // started by execute_async and not yet answered, and how many of their
  // appends the log has not yet answered.
  std::multimap<uint64_t, std::function<void()>> after_fold;
  int commands_in_flight = 0;
  int appends_in_flight = 0;
};

Journal::Journal(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Journal::~Journal() = default;

events::Result<std::unique_ptr<Journal>> Journal::open(JournalOptions options) {
  if (!options.log) return events::error(events::StatusCode::kInvalidArgument, "no log");
  auto impl = std::make_unique<Impl>(std::move(options));
  impl->subscription = impl->options.log->subscribe(0);
  const uint64_t head = impl->options.log->head_position();
  while (impl->applied.load() < head) {
    if (!impl->fold_next(std::chrono::milliseconds(0))) {
      return events::error(events::StatusCode::kIoError, "cannot fold the log into the journal");
    }
  }
  impl->follower = std::thread([raw = impl.get()] { raw->follow(); });
  return std::unique_ptr<Journal>(new Journal(std::move(impl)));
}

Outcome Journal::execute(const CommandMeta& meta, schema::Command::Reader command) {
  return impl_->execute(meta, command);
}

void Journal::execute_async(const CommandMeta& meta, schema::Command::Reader command, Post post,
                            std::function<void(Outcome)> done) {
  impl_->execute_async(meta, command, std::move(post), std::move(done));
}

Outcome Journal::execute_json(const CommandMeta& meta, std::string_view json) {
  capnp::MallocMessageBuilder message;
  auto root = message.initRoot<schema::Command>();
  try {
    capnp::JsonCodec codec;
    codec.setRejectUnknownFields(true);
    codec.setMaxNestingDepth(16);
    const std::string owned(json);  // kj wants a NUL-terminated string
    codec.decode(kj::StringPtr(owned.c_str(), owned.size()), root);
  } catch (const kj::Exception& e) {
    return std::unexpected(Rejection{ErrorCode::kInvalidCommand,
                                     std::string("Некорректная команда: ") +
                                         e.getDescription().cStr()});
  }
  return impl_->execute(meta, root.asReader());
}

std::optional<UserInfo> Journal::user_info(const std::string& id) const {
  std::shared_lock lock(impl_->state_mu);
  return internal::describe_user(impl_->state, id, impl_->now());
}

std::vector<UserInfo> Journal::staff(const std::string& school_id) const {
  std::shared_lock lock(impl_->state_mu);
  return internal::describe_users(impl_->state, school_id, internal::kStaffRoles, impl_->now());
}

std::vector<UserInfo> Journal::parents(const std::string& school_id) const {
  std::shared_lock lock(impl_->state_mu);
  return internal::describe_users(impl_->state, school_id, internal::role_bit(schema::Role::PARENT),
                                  impl_->now());
}

bool Journal::login_taken(const std::string& login) const {
  std::shared_lock lock(impl_->state_mu);
  return impl_->state.login_taken(login);
}

std::optional<SchoolInfo> Journal::school_info(const std::string& school_id) const {
  std::shared_lock lock(impl_->state_mu);
  return internal::describe_school(impl_->state, school_id);
}

std::optional<ClassWeekInfo> Journal::class_week(const std::string& class_id,
                                                 const std::string& date) const {
  std::shared_lock lock(impl_->state_mu);
  return internal::describe_class_week(impl_->state, class_id, date);
}

bool Journal::may_read_student(const std::string& actor, const std::string& student_id) const {
  std::shared_lock lock(impl_->state_mu);
  return internal::may_read_student(impl_->state, actor, student_id, impl_->now());
}

bool Journal::may_read_class(const std::string& actor, const std::string& class_id) const {
  std::shared_lock lock(impl_->state_mu);
  return internal::may_read_class(impl_->state, actor, class_id, impl_->now());
}

std::string Journal::school_of_class(const std::string& class_id) const {
  std::shared_lock lock(impl_->state_mu);
  const internal::ClassGroup* c = impl_->state.class_group(class_id);
  return c ? c->school_id : std::string();
}

bool Journal::may_read_school(const std::string& actor, const std::string& school_id) const {
  std::shared_lock lock(impl_->state_mu);
  return internal::may_read_school(impl_->state, actor, school_id);
}

bool Journal::may_read_log(const std::string& actor) const {
  std::shared_lock lock(impl_->state_mu);
  return internal::may_read_log(impl_->state, actor);
}

bool Journal::may_write(const std::string& actor) const {
  std::shared_lock lock(impl_->state_mu);
  return internal::may_write(impl_->state, actor);
}

uint64_t Journal::applied_position() const { return impl_->applied.load(); }

bool Journal::wait_applied(uint64_t position, std::chrono::milliseconds wait) const {
  return impl_->wait_applied(position, wait);
}

}  // namespace zhurnal::commands
