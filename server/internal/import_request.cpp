#include "import_request.hpp"

#include <kj/encoding.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <optional>

#include "response_error.hpp"
#include "zhurnal/import/import.hpp"
#include "zhurnal/import/import_cli.hpp"

namespace zhurnal::server::internal {
namespace {

constexpr auto kWait = std::chrono::seconds(2);
constexpr uint32_t kRetrySeconds = 5;
constexpr int kCannotRead = 2;  // import_cli.hpp's exit codes

bool has_role(const commands::UserInfo& u, const char* role) {
  return std::find(u.roles.begin(), u.roles.end(), role) != u.roles.end();
}

// A file of the request: nullopt when absent, or (with *bad set) when its
// base64 is broken.
std::optional<import::ImportFile> file_of(schema::ImportListsQuery::ImportFile::Reader f,
                                          bool present, bool* bad) {
  if (!present) return std::nullopt;
  auto decoded = kj::decodeBase64(f.getBase64().asArray());
  if (decoded.hadErrors) {
    *bad = true;
    return std::nullopt;
  }
  return import::ImportFile{f.getName().cStr(),
                            std::string(decoded.asChars().begin(), decoded.asChars().end())};
}

}  // namespace

std::optional<commands::UserInfo> importer(ServerContext& ctx, const std::string& user,
                                           ImportRefusal* refusal) {
  if (user.empty()) {
    *refusal = {"not_signed_in", "Войдите в систему"};
    return std::nullopt;
  }
  auto me = ctx.journal->user_info(user);
  if (!me || me->school_id.empty() ||
      !(has_role(*me, "secretary") || has_role(*me, "administrator"))) {
    *refusal = {"forbidden", "Списки загружают секретарь и администратор школы"};
    return std::nullopt;
  }
  return me;
}

void import_lists(ServerContext& ctx, const std::string& user, schema::ImportListsQuery::Reader q,
                  schema::Response::Builder r) {
  ImportRefusal refusal;
  const auto me = importer(ctx, user, &refusal);
  if (!me) return set_error(r, refusal.code, refusal.message);
  if (!ctx.imports) return set_error(r, "unavailable", "Этот сервер не загружает списки");
  bool bad = false;
  const auto students = file_of(q.getStudents(), q.hasStudents(), &bad);
  const auto teachers = file_of(q.getTeachers(), q.hasTeachers(), &bad);
  if (bad) return set_error(r, "bad_request", "Файл списка передан с ошибкой (base64)");
  if (!students && !teachers) {
    return set_error(r, "bad_request", "Выберите список учеников или учителей");
  }

  import::ImportOptions options;
  options.school_id = me->school_id;
  options.actor = user;
  options.today = q.getDate().cStr();
  options.open_classes = q.getOpenClasses();
  options.apply_hint = "Для записи нажмите «Записать».";
  auto run = ctx.imports->run(*ctx.log, ctx.journal, students, teachers, options, q.getApply(),
                              ctx.logger, kWait);
  if (!run) {
    return set_error(r, "busy", "Сервер уже загружает списки, повторите через минуту",
                     kRetrySeconds);
  }
  if (run->exit_code == kCannotRead || !run->err.empty()) {
    if (ctx.logger) ctx.logger->error("importLists by {}: {}", user, run->err);
    return set_error(r, "internal", "Не удалось загрузить списки: ошибка сервера");
  }
  if (ctx.logger) {
    ctx.logger->info("importLists by {} into {}{}: exit {}", user, options.school_id,
                     q.getApply() ? ", to apply" : ", a dry run", run->exit_code);
  }
  auto out = r.getResult().initImportLists();
  out.setExitCode(static_cast<uint8_t>(run->exit_code));
  out.setReport(run->out);
  r.setOk(true);
}

}  // namespace zhurnal::server::internal
