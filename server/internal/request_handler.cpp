#include "request_handler.hpp"

#include <capnp/schema.h>
#include <spdlog/spdlog.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <chrono>

#include "json.hpp"
#include "json_writer.hpp"
#include "log_events.hpp"
#include "request_decoder.hpp"
#include "response_error.hpp"
#include "roster_requests.hpp"
#include "school_requests.hpp"
#include "verify_log_request.hpp"

namespace zhurnal::server::internal {
namespace {

using schema::Request;
using schema::Response;

struct Reply {
  capnp::MallocMessageBuilder message;
  Response::Builder r = message.initRoot<schema::ServerMessage>().initResponse();

  void fail(const std::string& code, const std::string& text, uint32_t retry = 0) {
    set_error(r, code, text, retry);
  }
  std::string json() { return write_json(message.getRoot<schema::ServerMessage>().asReader()); }
};

const char* kNotSignedIn = "Войдите в систему";

const char* kForbidden = "Недостаточно прав для просмотра";

}  // namespace

std::string error_frame(const std::string& id, const std::string& code, const std::string& message) {
  Reply reply;
  reply.r.setId(id);
  reply.fail(code, message);
  return reply.json();
}

commands::Journal::Post RequestHandler::commands_post() {
  return [this](std::function<void()> fn) { boost::asio::post(commands_, std::move(fn)); };
}

std::shared_ptr<void> RequestHandler::answer_pending() {
  // Counted as the workers' work until released: a stopping server, which
  // joins them, still sends the answer.
  return std::make_shared<boost::asio::executor_work_guard<boost::asio::thread_pool::executor_type>>(
      workers_.get_executor());
}

void RequestHandler::record_sign_in(const commands::UserInfo& info, std::function<void()> then) {
  // Participation counts in the monthly check come from these events.
  auto m = std::make_shared<capnp::MallocMessageBuilder>();
  auto s = m->initRoot<schema::Command>().initRecordSignIn();
  s.setUserId(info.id);
  s.setSchoolId(info.school_id);
  schema::Role role = schema::Role::TEACHER;
  auto enumerants = capnp::Schema::from<schema::Role>().getEnumerants();
  for (auto e : enumerants) {
    if (!info.roles.empty() && info.roles.front() == e.getProto().getName().cStr()) {
      role = static_cast<schema::Role>(e.getOrdinal());
    }
  }
  s.setRole(role);
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  const std::string id = "signin-" + info.id + "-" +
                         std::to_string(std::chrono::duration_cast<std::chrono::microseconds>(now).count());
  // Asynchronous like every command here: no thread blocks on a stream's
  // lock, which an asynchronous command holding it needs a thread of the
  // pools to release.
  auto work = answer_pending();
  auto done = [this, m, work, user = info.id, then](commands::Outcome r) {
    if (!r && ctx_.logger) ctx_.logger->warn("sign-in of {} not recorded: {}", user, r.error().message);
    then();
  };
  try {
    ctx_.journal->execute_async({id, std::string(commands::kSystemActor), ""},
                                m->getRoot<schema::Command>().asReader(),
                                commands_post(),
                                std::move(done));
  } catch (const kj::Exception& e) {
    if (ctx_.logger) ctx_.logger->error("sign-in of {} not recorded: {}", info.id, e.getDescription().cStr());
    then();
  }
}

void RequestHandler::apply_access_change(schema::Command::Reader command, bool duplicate,
                                         schema::Accepted::Builder accepted) {
  if (duplicate) return;  // the original response carried the outcome
  if (command.isIssueCredentials()) {
    auto c = command.getIssueCredentials();
    auto password = ctx_.auth->issue(c.getUserId().cStr(), c.getLogin().cStr());
    if (password) {
      accepted.setInitialPassword(*password);
    } else if (ctx_.logger) {
      ctx_.logger->error("credentials for {} recorded but not stored: {}", c.getUserId().cStr(),
                         password.error().code);
    }
  } else if (command.isRevokeCredentials()) {
    ctx_.auth->revoke(command.getRevokeCredentials().getUserId().cStr());
  }
}

void RequestHandler::handle(const std::shared_ptr<Connection>& conn, std::string_view frame,
                            Respond respond) {
  auto response = answer(conn, frame, respond);
  // `respond` is empty only when answer() took it for a later answer and
  // then threw before starting it; nothing can be sent then.
  if (response && respond) respond(std::move(*response));
}

void RequestHandler::start_command(const std::shared_ptr<Connection>& conn,
                                   schema::Request::Reader request, const std::string& user,
                                   Respond respond) {
  // The journal reads the command until it answers: keep a copy.
  auto copy = std::make_shared<capnp::MallocMessageBuilder>();
  copy->setRoot(request.getCommand());
  auto c = copy->getRoot<schema::CommandRequest>().asReader();
  const auto start = std::chrono::steady_clock::now();
  const std::string id = request.getId().cStr();
  auto answer_to = std::make_shared<Respond>(std::move(respond));
  auto work = answer_pending();
  auto reply_with = [this, copy, c, id, user, start, answer_to, work](commands::Outcome outcome) {
    ctx_.metrics->command_latency.observe(std::chrono::duration_cast<std::chrono::microseconds>(
                                              std::chrono::steady_clock::now() - start)
                                              .count());
    Reply reply;
    reply.r.setId(id);
    reply.r.setOk(true);
    try {
      if (!outcome) {
        const std::string code(commands::error_code_name(outcome.error().code));
        ctx_.metrics->count_rejection(code);
        if (ctx_.logger) ctx_.logger->debug("command {} by {} rejected: {}", c.getCommandId().cStr(), user, code);
        reply.fail(code, outcome.error().message);
      } else {
        ctx_.metrics->commands_accepted.fetch_add(1, std::memory_order_relaxed);
        auto a = reply.r.getResult().initAccepted();
        a.setFirstPosition(outcome->first_position);
        a.setLastPosition(outcome->last_position);
        a.setDuplicate(outcome->duplicate);
        apply_access_change(c.getCommand(), outcome->duplicate, a);
      }
    } catch (const std::exception& e) {
      if (ctx_.logger) ctx_.logger->error("command answer failed: {}", e.what());
      reply.fail("internal", "Внутренняя ошибка сервера");
    } catch (const kj::Exception& e) {
      if (ctx_.logger) ctx_.logger->error("command answer failed: {}", e.getDescription().cStr());
      reply.fail("internal", "Внутренняя ошибка сервера");
    }
    (*answer_to)(reply.json());
  };
  auto done = [this, c, reply_with](commands::Outcome outcome) {
    if (!outcome || !c.getCommand().isIssueCredentials()) return reply_with(std::move(outcome));
    // Issuing credentials hashes the new password: not on the commands' threads.
    boost::asio::post(workers_, [reply_with, outcome = std::move(outcome)]() mutable {
      reply_with(std::move(outcome));
    });
  };
  try {
    ctx_.journal->execute_async(
        {c.getCommandId().cStr(), user, "conn-" + std::to_string(conn->id())}, c.getCommand(),
        commands_post(), std::move(done));
  } catch (const kj::Exception& e) {
    // Thrown before the journal took the command: `done` will not run.
    if (ctx_.logger) ctx_.logger->error("command failed: {}", e.getDescription().cStr());
    Reply reply;
    reply.r.setId(id);
    reply.fail("internal", "Внутренняя ошибка сервера");
    (*answer_to)(reply.json());
  }
}

std::string RequestHandler::answer_import(const std::string& user, std::string_view body,
                                          std::string* code) {
  ctx_.metrics->requests.fetch_add(1, std::memory_order_relaxed);
  capnp::MallocMessageBuilder in;
  auto req = in.initRoot<Request>();
  Reply reply;
  auto bad = decode_request(body, req);
  reply.r.setId(req.getId());
  if (bad || !req.isImportLists()) {
    ctx_.metrics->bad_requests.fetch_add(1, std::memory_order_relaxed);
    reply.fail("bad_request",
               bad ? *bad : "Этот адрес принимает только загрузку списков (importLists)");
  } else {
    try {
      import_lists(ctx_, user, req.getImportLists(), reply.r);
    } catch (const kj::Exception& e) {  // as answer(): a bug or an infrastructure fault
      if (ctx_.logger) ctx_.logger->error("import over HTTP failed: {}", e.getDescription().cStr());
      reply.fail("internal", "Внутренняя ошибка сервера");
    } catch (const std::exception& e) {
      if (ctx_.logger) ctx_.logger->error("import over HTTP failed: {}", e.what());
      reply.fail("internal", "Внутренняя ошибка сервера");
    }
  }
  *code = reply.r.getOk() ? "" : reply.r.getError().getCode().cStr();
  return reply.json();
}

std::optional<std::string> RequestHandler::answer(const std::shared_ptr<Connection>& conn,
                                                  std::string_view frame, Respond& respond) {
  ctx_.metrics->requests.fetch_add(1, std::memory_order_relaxed);
  capnp::MallocMessageBuilder in;
  auto req = in.initRoot<Request>();
  Reply reply;
  if (auto bad = decode_request(frame, req)) {
    ctx_.metrics->bad_requests.fetch_add(1, std::memory_order_relaxed);
    reply.r.setId(req.getId());
    reply.fail("bad_request", *bad);
    return reply.json();
  }
  reply.r.setId(req.getId());
  reply.r.setOk(true);
  auto result = reply.r.getResult();
  // A session can end (expiry, revocation, sign-out elsewhere) while its
  // socket is open: every request checks it again.
  if (const std::string token = conn->token(); !token.empty() && !ctx_.auth->user_of(token)) {
    conn->set_identity("", "");
    hub_.drop(conn->id());
    if (!req.isSignIn() && !req.isAuthenticate()) {
      reply.fail("session_expired", "Сеанс завершён, войдите снова");
      return reply.json();
    }
  }
  const std::string user = conn->user_id();
  const bool signed_in = !user.empty();

  try {
    switch (req.which()) {
      case Request::SIGN_IN: {
        auto s = req.getSignIn();
        auto session = ctx_.auth->sign_in(s.getLogin().cStr(), s.getPassword().cStr(),
                                          s.getNewPassword().cStr(), conn->address());
        if (!session) {
          ctx_.metrics->sign_in_failures.fetch_add(1, std::memory_order_relaxed);
          reply.fail(session.error().code, session.error().message,
                     session.error().retry_after_seconds);
          break;
        }
        auto info = ctx_.journal->user_info(session->user_id);
        if (!info) {
          ctx_.auth->sign_out(session->token);
          reply.fail("no_access", "Доступ к журналу закрыт");
          break;
        }
        ctx_.metrics->sign_ins.fetch_add(1, std::memory_order_relaxed);
        conn->set_identity(session->user_id, session->token);
        auto signed_in_result = result.initSignedIn();
        signed_in_result.setToken(session->token);
        fill_me(*info, *ctx_.journal, signed_in_result.initMe());
        // Answered once the sign-in is recorded (the class teacher's list
        // shows it at once).
        record_sign_in(*info, [respond = std::move(respond), json = reply.json()] { respond(json); });
        return std::nullopt;
      }
      case Request::AUTHENTICATE: {
        const std::string token = req.getAuthenticate().cStr();
        auto owner = ctx_.auth->user_of(token);
        auto info = owner ? ctx_.journal->user_info(*owner) : std::nullopt;
        if (!info) {
          reply.fail("session_expired", "Сеанс завершён, войдите снова");
          break;
        }
        conn->set_identity(*owner, token);
        fill_me(*info, *ctx_.journal, result.initMe());
        break;
      }
      case Request::SIGN_OUT:
      {
        // Forget the identity first: ending the session closes the sockets
        // still signed in with it, and this one stays open, signed out.
        const std::string token = conn->token();
        conn->set_identity("", "");
        hub_.drop(conn->id());
        if (!token.empty()) ctx_.auth->sign_out(token);
      }
        result.setNone();
        break;
      case Request::CHANGE_PASSWORD: {
        if (!signed_in) return reply.fail("not_signed_in", kNotSignedIn), reply.json();
        auto c = req.getChangePassword();
        auto done = ctx_.auth->change_password(conn->token(), c.getOldPassword().cStr(),
                                               c.getNewPassword().cStr());
        if (!done) reply.fail(done.error().code, done.error().message);
        else result.setNone();
        break;
      }
      case Request::ME: {
        auto info = signed_in ? ctx_.journal->user_info(user) : std::nullopt;
        if (!info) return reply.fail("not_signed_in", kNotSignedIn), reply.json();
        fill_me(*info, *ctx_.journal, result.initMe());
        break;
      }
      case Request::COMMAND: {
        if (!signed_in) return reply.fail("not_signed_in", kNotSignedIn), reply.json();
        if (user == commands::kSystemActor || !ctx_.journal->may_write(user)) {
          ctx_.metrics->count_rejection("not_authorized");
          return reply.fail("not_authorized", "Недостаточно прав для этого действия"), reply.json();
        }
        start_command(conn, req, user, std::move(respond));
        return std::nullopt;
      }
      case Request::REGISTER: {
        if (!signed_in) return reply.fail("not_signed_in", kNotSignedIn), reply.json();
        auto q = req.getRegister();
        if (!ctx_.journal->may_read_class(user, q.getClassId().cStr())) {
          return reply.fail("forbidden", kForbidden), reply.json();
        }
        auto view = ctx_.views->class_register(q.getClassId().cStr(), q.getSubjectId().cStr(),
                                               q.getPeriodId().cStr());
        if (!view) return reply.fail("not_found", view.error().message()), reply.json();
        result.setRegister((*view)->getRoot<schema::RegisterView>().asReader());
        break;
      }
      case Request::DIARY: {
        if (!signed_in) return reply.fail("not_signed_in", kNotSignedIn), reply.json();
        auto q = req.getDiary();
        if (!ctx_.journal->may_read_student(user, q.getStudentId().cStr())) {
          return reply.fail("forbidden", kForbidden), reply.json();
        }
        auto view = ctx_.views->diary(q.getStudentId().cStr(), q.getDate().cStr());
        if (!view) return reply.fail("not_found", view.error().message()), reply.json();
        result.setDiary((*view)->getRoot<schema::DiaryView>().asReader());
        break;
      }
      case Request::LOG: {
        if (!signed_in) return reply.fail("not_signed_in", kNotSignedIn), reply.json();
        if (!ctx_.journal->may_read_log(user)) return reply.fail("forbidden", kForbidden), reply.json();
        auto q = req.getLog();
        const uint32_t limit = std::clamp<uint32_t>(q.getLimit() ? q.getLimit() : 100, 1, 5000);
        auto events = ctx_.log->read_all(q.getFromPosition(), limit);
        if (!events) return reply.fail("internal", "Ошибка чтения журнала"), reply.json();
        fill_log_events(*events, result.initLog(events->size()), actor_names(*ctx_.journal));
        break;
      }
      case Request::COMPLIANCE: {
        if (!signed_in) return reply.fail("not_signed_in", kNotSignedIn), reply.json();
        auto q = req.getCompliance();
        if (!ctx_.journal->may_read_school(user, q.getSchoolId().cStr())) {
          return reply.fail("forbidden", kForbidden), reply.json();
        }
        auto view = ctx_.views->compliance(q.getSchoolId().cStr(), q.getMonth().cStr());
        if (!view) return reply.fail("not_found", view.error().message()), reply.json();
        result.setCompliance((*view)->getRoot<schema::ComplianceView>().asReader());
        break;
      }
      case Request::CLASS_REPORT: {
        if (!signed_in) return reply.fail("not_signed_in", kNotSignedIn), reply.json();
        auto q = req.getClassReport();
        if (!ctx_.journal->may_read_class(user, q.getClassId().cStr())) {
          return reply.fail("forbidden", kForbidden), reply.json();
        }
        auto view = ctx_.views->class_report(q.getClassId().cStr(), q.getPeriodId().cStr());
        if (!view) return reply.fail("not_found", view.error().message()), reply.json();
        result.setClassReport((*view)->getRoot<schema::ClassReport>().asReader());
        break;
      }
      case Request::SCHOOL:
        school_view(ctx_, user, req.getSchool().cStr(), reply.r);
        break;
      case Request::SUBSCRIBE: {
        if (!signed_in) return reply.fail("not_signed_in", kNotSignedIn), reply.json();
        auto s = req.getSubscribe();
        if (s.getPatches() && !s.isDiary()) {
          return reply.fail("bad_request", "Частичные обновления (patches) бывают только у дневника"), reply.json();
        }
        SubscriptionSpec spec;
        spec.patches = s.getPatches();
        switch (s.which()) {
          case schema::Subscribe::DIARY:
            spec.kind = SubscriptionSpec::Kind::kDiary;
            spec.student_id = s.getDiary().getStudentId().cStr();
            spec.date = s.getDiary().getDate().cStr();
            if (!ctx_.journal->may_read_student(user, spec.student_id)) {
              return reply.fail("forbidden", kForbidden), reply.json();
            }
            break;
          case schema::Subscribe::REGISTER:
            spec.kind = SubscriptionSpec::Kind::kRegister;
            spec.class_id = s.getRegister().getClassId().cStr();
            spec.subject_id = s.getRegister().getSubjectId().cStr();
            spec.period_id = s.getRegister().getPeriodId().cStr();
            if (!ctx_.journal->may_read_class(user, spec.class_id)) {
              return reply.fail("forbidden", kForbidden), reply.json();
            }
            break;
          case schema::Subscribe::COMPLIANCE:
            spec.kind = SubscriptionSpec::Kind::kCompliance;
            spec.school_id = s.getCompliance().getSchoolId().cStr();
            spec.month = s.getCompliance().getMonth().cStr();
            if (!ctx_.journal->may_read_school(user, spec.school_id)) {
              return reply.fail("forbidden", kForbidden), reply.json();
            }
            break;
          case schema::Subscribe::SCHOOL:
            if (auto no = school_subscription(ctx_, user, s.getSchool().cStr(), &spec)) {
              return reply.fail(no->code, no->message), reply.json();
            }
            break;
          case schema::Subscribe::CLASS_ROSTER:
            if (auto no = roster_subscription(ctx_, user, s.getClassRoster().cStr(), &spec)) {
              return reply.fail(no->code, no->message), reply.json();
            }
            break;
          case schema::Subscribe::LOG:
            spec.kind = SubscriptionSpec::Kind::kLog;
            spec.log_limit = std::clamp<uint32_t>(s.getLog().getLimit() ? s.getLog().getLimit() : 1000, 1, 5000);
            if (!ctx_.journal->may_read_log(user)) return reply.fail("forbidden", kForbidden), reply.json();
            break;
        }
        // The view must exist now; a subscription to nothing would never push.
        std::string missing;
        if (spec.kind == SubscriptionSpec::Kind::kDiary) {
          if (auto st = ctx_.views->check_diary(spec.student_id, spec.date); !st.is_ok()) {
            missing = st.message();
          }
        } else if (spec.kind == SubscriptionSpec::Kind::kRegister) {
          if (auto v = ctx_.views->class_register(spec.class_id, spec.subject_id, spec.period_id); !v) {
            missing = v.error().message();
          }
        } else if (spec.kind == SubscriptionSpec::Kind::kCompliance) {
          if (auto v = ctx_.views->compliance(spec.school_id, spec.month); !v) missing = v.error().message();
        }
        if (!missing.empty()) return reply.fail("not_found", missing), reply.json();
        uint64_t last = s.getLastPosition();
        if (spec.kind == SubscriptionSpec::Kind::kLog && last == 0 && s.getLog().getFromPosition() > 0) {
          last = s.getLog().getFromPosition() - 1;
        }
        result.setSubscribed(hub_.subscribe(conn, std::move(spec), last));
        break;
      }
      case Request::HISTORY: audit_.history(user, req.getHistory(), reply.r); break;
      case Request::AS_OF: audit_.as_of(user, req.getAsOf(), reply.r); break;
      case Request::CLASS_ROSTER: class_roster(ctx_, user, req.getClassRoster().cStr(), reply.r); break;
      case Request::VERIFY_LOG: verify_log(ctx_, user, reply.r); break;
      case Request::STAFF:
        staff_roster(ctx_, user, req.getStaff().cStr(), reply.r);
        break;
      case Request::PARENTS:
        parent_list(ctx_, user, req.getParents().cStr(), reply.r);
        break;
      case Request::CLASS_WEEK:
        class_week(ctx_, user, req.getClassWeek(), reply.r);
        break;
      case Request::IMPORT_LISTS:
        import_lists(ctx_, user, req.getImportLists(), reply.r);
        break;
      case Request::UNSUBSCRIBE:
        if (!hub_.unsubscribe(conn->id(), req.getUnsubscribe().cStr())) {
          reply.fail("not_found", "Подписка не найдена");
        } else {
          result.setNone();
        }
        break;
      default:
        ctx_.metrics->bad_requests.fetch_add(1, std::memory_order_relaxed);
        reply.fail("bad_request", "Неизвестный запрос");
    }
  } catch (const kj::Exception& e) {
    // A bug or an infrastructure fault: report it, keep the connection.
    if (ctx_.logger) ctx_.logger->error("request failed: {}", e.getDescription().cStr());
    reply.fail("internal", "Внутренняя ошибка сервера");
  } catch (const std::exception& e) {
    if (ctx_.logger) ctx_.logger->error("request failed: {}", e.what());
    reply.fail("internal", "Внутренняя ошибка сервера");
  }
  return reply.json();
}

}  // namespace zhurnal::server::internal
