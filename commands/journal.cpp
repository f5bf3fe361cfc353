#include "zhurnal/commands/journal.hpp"

#include <capnp/compat/json.h>
#include <capnp/message.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string_view>
#include <thread>
#include <vector>

#include "internal/deciders.hpp"
#include "internal/read_access.hpp"
#include "internal/state.hpp"

namespace zhurnal::commands {

using internal::Decision;
using internal::Emitter;
using internal::JournalState;

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

// Commands that write the same stream take turns. A decision is written
// while its streams' locks are held, and the locks are kept until the
// journal's state has folded what was written, so the next decision on
// those streams reads it. Without this, a teacher typing marks quickly (the
// register sends each mark as its own command, several in flight) had her
// commands fail each other with a version conflict after a few rounds of
// deciding again. The locks are striped: unrelated streams that share a
// stripe only wait for each other.
class StreamLocks {
 public:
  class Held {
   public:
    // Whether every stream of `appends` is under these locks.
    bool covers(const std::vector<events::StreamAppend>& appends) const {
      return std::all_of(appends.begin(), appends.end(), [&](const events::StreamAppend& a) {
        return std::binary_search(stripes_.begin(), stripes_.end(), stripe_of(a.stream));
      });
    }

   private:
    friend class StreamLocks;
    std::vector<size_t> stripes_;  // sorted, unique: the order locks are taken in
    std::vector<std::unique_lock<std::mutex>> locks_;
  };

  // Blocks until the stripes of all of `appends`' streams are held.
  Held lock(const std::vector<events::StreamAppend>& appends) {
    Held held;
    for (const events::StreamAppend& a : appends) held.stripes_.push_back(stripe_of(a.stream));
    std::sort(held.stripes_.begin(), held.stripes_.end());
    held.stripes_.erase(std::unique(held.stripes_.begin(), held.stripes_.end()),
                        held.stripes_.end());
    for (size_t s : held.stripes_) held.locks_.emplace_back(mutexes_[s]);
    return held;
  }

 private:
  static constexpr size_t kStripes = 64;
  static size_t stripe_of(std::string_view stream) {
    return std::hash<std::string_view>{}(stream) % kStripes;
  }

  std::array<std::mutex, kStripes> mutexes_;
};

}  // namespace

struct Journal::Impl {
  explicit Impl(JournalOptions o) : options(std::move(o)), state(options.logger) {}
  ~Impl() {
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
    {
      std::lock_guard lock(applied_mu);
      applied.store(batch->events.back().position, std::memory_order_release);
    }
    applied_cv.notify_all();
    return true;
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

  Outcome execute(const CommandMeta& meta, schema::Command::Reader command) {
    if (meta.command_id.empty() || meta.command_id.size() > 200) {
      return std::unexpected(Rejection{ErrorCode::kInvalidCommand,
                                       "У команды нет идентификатора (commandId)"});
    }
    const events::Hash digest = command_digest(meta.actor, command);
    // A retry of a command that was already written gets the original answer.
    if (auto earlier = earlier_result(meta.command_id, digest)) return *earlier;

    const events::CommandContext context{meta.command_id, meta.actor, meta.correlation_id, "",
                                         digest};
    // The first decision only finds the streams the command writes; it is
    // decided again, and written, under those streams' locks, where no other
    // command of this journal can overtake it. (Should the new decision
    // write other streams, their locks are taken and it is decided again.)
    std::optional<StreamLocks::Held> held;
    for (int attempt = 0; attempt < options.max_attempts; ++attempt) {
      std::vector<events::StreamAppend> appends;
      {
        std::shared_lock lock(state_mu);
        const bool system = meta.actor == kSystemActor;
        const internal::User* actor = state.user(meta.actor);
        if (!system && !actor) {
          return std::unexpected(Rejection{ErrorCode::kNotAuthorized, "Пользователь не найден"});
        }
        Emitter emitter;
        Decision d{state, meta.actor, actor, system, now(), emitter};
        internal::Verdict verdict = internal::decide(d, command);
        if (verdict) {
          lock.unlock();
          if (auto earlier = earlier_result(meta.command_id, digest)) return *earlier;
          return std::unexpected(*verdict);
        }
        if (emitter.empty()) {
          return std::unexpected(Rejection{ErrorCode::kInvalidCommand, "Команда ничего не меняет"});
        }
        appends = emitter.take(state);
      }
      if (!held || !held->covers(appends)) {
        held.reset();  // locks are taken in stripe order, all at once
        held.emplace(stream_locks.lock(appends));
        continue;  // decided before these locks were held: decide again
      }
      auto result = options.log->append(std::move(appends), context);
      if (result) {
        wait_applied(result->last_position, kApplyWait);
        return Accepted{result->first_position, result->last_position, result->duplicate};
      }
      switch (result.error().code()) {
        case events::StatusCode::kWrongExpectedVersion:
          // Someone changed a stream this decision read: catch up, decide again.
          wait_applied(options.log->head_position(), kApplyWait);
          continue;
        case events::StatusCode::kIdempotencyConflict:
          // A concurrent retry of this command won the race.
          if (auto earlier = earlier_result(meta.command_id, digest)) return *earlier;
          return std::unexpected(Rejection{ErrorCode::kDuplicateCommandId,
                                           "Идентификатор команды уже использован"});
        default:
          if (options.logger) {
            options.logger->warn("command {} not written: {}", meta.command_id,
                                 result.error().to_string());
          }
          return std::unexpected(from_log_status(result.error()));
      }
    }
    return std::unexpected(
        Rejection{ErrorCode::kConflict, "Запись одновременно изменили другие, повторите"});
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

std::optional<SchoolInfo> Journal::school_info(const std::string& school_id) const {
  std::shared_lock lock(impl_->state_mu);
  return internal::describe_school(impl_->state, school_id);
}

bool Journal::may_read_student(const std::string& actor, const std::string& student_id) const {
  std::shared_lock lock(impl_->state_mu);
  return internal::may_read_student(impl_->state, actor, student_id, impl_->now());
}

bool Journal::may_read_class(const std::string& actor, const std::string& class_id) const {
  std::shared_lock lock(impl_->state_mu);
  return internal::may_read_class(impl_->state, actor, class_id, impl_->now());
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
