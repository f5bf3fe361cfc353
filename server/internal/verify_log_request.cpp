#include "verify_log_request.hpp"
#include "response_error.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <mutex>

namespace zhurnal::server::internal {
namespace {

constexpr auto kWait = std::chrono::seconds(2);
constexpr uint32_t kRetrySeconds = 2;

void fail(schema::Response::Builder r, const std::string& code, const std::string& message,
          uint32_t retry = 0) {
  set_error(r, code, message, retry);
}

// One walk at a time across the server (every ServerContext shares the disk).
std::timed_mutex& verify_slot() {
  static std::timed_mutex slot;
  return slot;
}

}  // namespace

void verify_log(ServerContext& ctx, const std::string& user, schema::Response::Builder r) {
  if (user.empty()) return fail(r, "not_signed_in", "Войдите в систему");
  auto me = ctx.journal->user_info(user);
  const bool auditor =
      me && std::find(me->roles.begin(), me->roles.end(), "auditor") != me->roles.end();
  if (!auditor) return fail(r, "forbidden", "Недостаточно прав для просмотра");

  std::unique_lock lock(verify_slot(), std::defer_lock);
  if (!lock.try_lock_for(kWait)) {
    return fail(r, "busy", "Сервер уже проверяет журнал, повторите позже", kRetrySeconds);
  }
  const uint64_t head = ctx.log->head_position();
  const auto started = std::chrono::steady_clock::now();
  auto report = ctx.log->verify();
  const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);
  if (!report) {
    if (ctx.logger) ctx.logger->error("verifyLog: {}", report.error().message());
    return fail(r, "internal", "Ошибка чтения журнала");
  }
  if (ctx.logger) {
    ctx.logger->info("verifyLog by {}: {} events, ok={}, first bad {} ({} ms)", user,
                     report->events, report->ok(), report->first_bad_position, elapsed.count());
  }
  auto out = r.getResult().initVerifyLog();
  out.setOk(report->ok());
  out.setEventsChecked(report->events);
  out.setFirstBadPosition(report->first_bad_position);
  out.setProblem(report->problem);
  out.setHeadPosition(head);
  out.setElapsedMs(static_cast<uint64_t>(elapsed.count()));
  r.setOk(true);
}

}  // namespace zhurnal::server::internal
