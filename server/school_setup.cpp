#include "zhurnal/server/school_setup.hpp"

#include <capnp/message.h>

#include <algorithm>
#include <cstdio>
#include <random>

#include "zhurnal/commands/journal.hpp"

namespace zhurnal::server {

const std::vector<std::string> kDefaultBells = {"08:30", "09:20", "10:20", "11:20",
                                                "12:20", "13:10", "14:00"};

namespace {

constexpr int kRefused = 1;
constexpr int kStorageFailure = 2;

// A fresh command id: each step is decided against the state it finds, so
// a rerun must not be answered with an earlier run's result.
std::string command_id(const std::string& step) {
  std::random_device random;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%08x%08x", random(), random());
  return "school-setup-" + step + "-" + buf;
}

bool storage_failure(const commands::Rejection& r) {
  return r.code == commands::ErrorCode::kStorageFailure ||
         r.code == commands::ErrorCode::kNoSpace || r.code == commands::ErrorCode::kUnavailable;
}

// Runs one command as the system actor; on a rejection fills `result`.
template <typename Fill>
bool run(commands::Journal& journal, const std::string& step, SchoolSetupResult* result,
         const std::string& what, Fill fill) {
  capnp::MallocMessageBuilder message;
  auto command = message.initRoot<schema::Command>();
  fill(command);
  const commands::Outcome outcome = journal.execute(
      {command_id(step), std::string(commands::kSystemActor), {}}, command.asReader());
  if (outcome) return true;
  result->exit_code = storage_failure(outcome.error()) ? kStorageFailure : kRefused;
  result->err = what + ": " + outcome.error().message;
  return false;
}

bool has_role(const commands::UserInfo& u, const char* role) {
  return std::find(u.roles.begin(), u.roles.end(), role) != u.roles.end();
}

}  // namespace

SchoolSetupResult set_up_school(commands::Journal& journal, const CredentialActions& credentials,
                                const SchoolSetup& s) {
  SchoolSetupResult result;
  const std::string admin_id = s.admin_id.empty() ? s.school_id + "-admin" : s.admin_id;
  auto refuse = [&](std::string why) {
    result.exit_code = kRefused;
    result.err = std::move(why);
    return result;
  };

  // The school: registered now, or by an earlier run with the same name.
  if (auto school = journal.school_info(s.school_id)) {
    if (school->name != s.name || school->time_zone != s.time_zone) {
      return refuse("школа " + s.school_id + " уже есть: «" + school->name + "», " +
                    school->time_zone);
    }
    result.out += "Школа " + s.school_id + " «" + s.name + "» уже зарегистрирована.\n";
  } else {
    const std::vector<std::string>& bells = s.bells.empty() ? kDefaultBells : s.bells;
    if (!run(journal, "school", &result, "школа не зарегистрирована", [&](auto c) {
          auto r = c.initRegisterSchool();
          r.setSchoolId(s.school_id);
          r.setName(s.name);
          r.setTimeZone(s.time_zone);
          r.setLessonMinutes(static_cast<uint16_t>(std::clamp(s.lesson_minutes, 0, 65535)));
          auto list = r.initBellSchedule(static_cast<unsigned>(bells.size()));
          for (unsigned i = 0; i < bells.size(); ++i) list.set(i, bells[i]);
        })) {
      return result;
    }
    result.out += "Школа " + s.school_id + " «" + s.name + "» зарегистрирована (часовой пояс " +
                  s.time_zone + ").\n";
  }

  // Her first administrator.
  if (auto admin = journal.user_info(admin_id)) {
    if (admin->school_id != s.school_id || !has_role(*admin, "administrator")) {
      return refuse("пользователь " + admin_id + " уже есть и не администратор школы " +
                    s.school_id);
    }
    if (admin->has_credentials) {
      if (!s.new_password) {
        return refuse("у администратора " + admin->full_name + " (" + admin_id +
                      ") уже есть логин; новый пароль: --new-password (прежний логин отзывается)");
      }
      // Checked before the old login goes: she must not be left without one.
      if (journal.login_taken(s.admin_login)) {
        return refuse("логин " + s.admin_login +
                      " уже выдавался; новому паролю нужен новый логин (--admin-login)");
      }
      if (!run(journal, "revoke", &result, "прежний логин не отозван", [&](auto c) {
            auto r = c.initRevokeCredentials();
            r.setUserId(admin_id);
            r.setReason("новый пароль администратора (zhurnal school create --new-password)");
          })) {
        return result;
      }
      if (auto removed = credentials.revoke(admin_id); !removed) {
        result.exit_code = kStorageFailure;
        result.err = "прежний логин отозван в журнале, но не удалён: " + removed.error() +
                     ". Повторите команду";
        return result;
      }
      result.out += "Прежний логин администратора отозван.\n";
    }
  } else if (!run(journal, "admin", &result, "администратор не зарегистрирован", [&](auto c) {
               auto r = c.initRegisterUser();
               r.setUserId(admin_id);
               r.setSchoolId(s.school_id);
               r.setFullName(s.admin_name);
               r.initRoles(1).set(0, schema::Role::ADMINISTRATOR);
             })) {
    return result;
  }
  const std::string admin_name = journal.user_info(admin_id)->full_name;

  // Her login, and the one-time password.
  if (!run(journal, "login", &result, "логин не выдан", [&](auto c) {
        auto r = c.initIssueCredentials();
        r.setUserId(admin_id);
        r.setLogin(s.admin_login);
      })) {
    return result;
  }
  auto password = credentials.issue(admin_id, s.admin_login);
  if (!password) {
    result.exit_code = kStorageFailure;
    result.err = "логин выдан, но пароль не сохранён: " + password.error() +
                 ". Повторите команду с --new-password";
    return result;
  }
  result.out += "Администратор: " + admin_name + " (" + admin_id + ")\n" +
                "  логин:  " + s.admin_login + "\n" + "  пароль: " + *password + "\n" +
                "Пароль показан один раз: передайте его администратору, после входа он сменит "
                "его сам (меню «Сменить пароль»).\n"
                "Дальше администратор на странице «Школа» открывает учебный год, заполняет "
                "справочники (предметы, виды работ) и добавляет сотрудников.\n";
  return result;
}

}  // namespace zhurnal::server
