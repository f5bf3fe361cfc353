// Setting up a new school: what `zhurnal school create` does, directly on a
// data directory or through a running server's control socket. It registers
// the school (the system actor's command: nobody else may), its first
// administrator, and her login, and hands back the one-time password. Every
// other step (the academic year, the reference books, the staff and their
// logins) is the administrator's, on the web page «Школа».
//
// Run again with the same school and administrator it completes what an
// interrupted run left undone. A login already issued is refused unless
// `new_password` asks to revoke it and issue another (the operator's way
// back in when the only administrator has lost her password).
#pragma once

#include <expected>
#include <functional>
#include <string>
#include <vector>

namespace zhurnal::commands {
class Journal;
}

namespace zhurnal::server {

struct SchoolSetup {
  std::string school_id;           // "sch2"
  std::string name;                // «МАОУ СОШ № 12»
  std::string time_zone;           // IANA, "Asia/Yekaterinburg"
  std::vector<std::string> bells;  // lesson starts, "08:30"; empty: kDefaultBells
  int lesson_minutes = 40;
  std::string admin_id;    // empty: "<school>-admin"
  std::string admin_name;  // «Иванова Анна Андреевна»
  std::string admin_login;
  // The administrator holds a login already (a lost password, or a run
  // whose password was not saved): revoke it and issue a new one.
  bool new_password = false;
};

// The bells of a typical Russian school: seven lessons from 8:30.
extern const std::vector<std::string> kDefaultBells;

// The credential store's side of issuing and revoking a login, as the
// server does it for the web's commands. The reasons are Russian.
struct CredentialActions {
  // Sets a one-time password for a login just issued; the password.
  std::function<std::expected<std::string, std::string>(const std::string& user_id,
                                                        const std::string& login)>
      issue;
  // Removes the user's login and ends her sessions.
  std::function<std::expected<void, std::string>(const std::string& user_id)> revoke;
};

struct SchoolSetupResult {
  int exit_code = 0;  // 0 done; 1 refused (nothing more written); 2 storage failure
  std::string out;    // the report, Russian, with the password
  std::string err;    // why it stopped, Russian; empty when done
};

SchoolSetupResult set_up_school(commands::Journal& journal, const CredentialActions& credentials,
                                const SchoolSetup& setup);

}  // namespace zhurnal::server
